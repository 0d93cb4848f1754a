import { randomBytes, type X509Certificate } from 'node:crypto';
import { createWriteStream, mkdtempSync, rmSync, statSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { Client, Pool } from 'pg';
import {
  AUDIT_EXPORT_FORMAT,
  AuditAppender,
  AuditExportWriter,
  AuditLogWorker,
  AuditSequencer,
  auditEntryToJson,
  auditLeafHash,
  auditLogOrigin,
  formatCheckpoint,
  MerkleTree,
  noteSignerFromKeyObject,
  signCheckpoint,
  verifyAuditExport,
  witnessKeyName,
  type AuditEntry,
  type AuditEventInput,
  type SqlSession,
} from '@mxg/audit';
import { ensureSecret, MxgConfigService, postgresSecretName, scratchRoles } from '@mxg/config';
import { SystemClock } from '@mxg/core';
import { createScratchDatabase, type ScratchDatabase } from '@mxg/database';
import {
  createRootCa,
  gatewaySubject,
  issueCertificate,
  rootCaSubject,
  type IssuedCertificate,
} from '@mxg/pki';
import type { Bench } from '../bench.types';
import { printTable } from '../table';

/** Issue 4's targets for the audit log on this 2-core machine; issue 16's for verifying. */
const TARGET = { appendPerSecond: 2000, latencyP95Ms: 2000, verifySeconds: 5 } as const;

// Writers each append one entry per transaction, as request handlers do; commits are bound by
// the WAL flush, so throughput grows with concurrent committers (group commit): both shown.
const WRITER_COUNTS = [8, 16];
// Spread of writer identities in the verify export.
const CLIENTS = 8;
// The gateway's checkpointer signs about once a second while the log grows (issue 4).
const CHECKPOINT_EVERY_ENTRIES = 2000;
const DRAIN_TIMEOUT_MS = 60_000;

/**
 * `npm run bench -- audit [--quick]`: the three figures issue 4 sets targets for.
 *
 *  1. Appended entries/s sustained while the sequencer and checkpointer run (in this process,
 *     as in the gateway), against a freshly provisioned and migrated database on the real
 *     PostgreSQL: several writers each append one entry per transaction through AuditAppender.
 *  2. Latency from an entry's append (its `recorded_at`) to the moment the checkpoint covering it
 *     was signed and stored.
 *  3. Offline verification (`verifyAuditExport`, what `mxg audit verify` runs) of an export built
 *     in /tmp without the database: entries, checkpoints every ~second's worth of entries,
 *     each signed by a fresh audit-checkpoint key and cosigned by a peer's witness key.
 */
export const auditBench: Bench = {
  name: 'audit',
  description:
    'audit log: appends/s with sequencer + checkpointer, append→checkpoint latency, offline verify',
  async run({ quick }) {
    const keys = await benchKeys();
    const appendSeconds = quick ? 3 : 10;
    const verifyEntries = quick ? 100_000 : 1_000_000;

    const appending: Appending[] = [];
    for (const writers of WRITER_COUNTS) {
      appending.push(await measureAppending(keys, writers, appendSeconds * 1000));
    }
    const verifying = await measureVerify(keys, verifyEntries);

    const met = (ok: boolean) => (ok ? 'yes' : 'NO');
    const verifyRate = verifyEntries / verifying.seconds;
    printTable([
      ...appending.flatMap((a) => [
        {
          figure: `appended entries/s, ${a.writers} writers, ${appendSeconds} s (sequencer + checkpointer running)`,
          target: `≥ ${TARGET.appendPerSecond}`,
          measured: Math.round(a.appendPerSecond),
          met: met(a.appendPerSecond >= TARGET.appendPerSecond),
        },
        {
          figure: `  all of them in a signed checkpoint, entries/s (until the last one is)`,
          target: '',
          measured: Math.round(a.checkpointedPerSecond),
          met: '',
        },
        {
          figure: `  append → signed checkpoint latency p50 / p95 / p99 / max, ms`,
          target: `p95 ≤ ${TARGET.latencyP95Ms}`,
          measured: [a.latency.p50, a.latency.p95, a.latency.p99, a.latency.max]
            .map((ms) => Math.round(ms))
            .join(' / '),
          met: met(a.latency.p95 <= TARGET.latencyP95Ms),
        },
      ]),
      {
        figure: `verify ${verifyEntries.toLocaleString('en-US')} entries (verifyAuditExport), s`,
        target: quick ? `(≤ ${TARGET.verifySeconds} for 1,000,000)` : `≤ ${TARGET.verifySeconds}`,
        measured: round2(verifying.seconds),
        met: quick ? '' : met(verifying.seconds <= TARGET.verifySeconds),
      },
      {
        figure: '  verify rate, entries/s',
        target: `≥ ${(1_000_000 / TARGET.verifySeconds).toLocaleString('en-US')}`,
        measured: Math.round(verifyRate),
        met: met(verifyRate >= 1_000_000 / TARGET.verifySeconds),
      },
    ]);
    for (const a of appending) {
      process.stdout.write(
        `${a.writers} writers: appended ${a.appended} entries (one per transaction), ${a.checkpoints} checkpoints; ` +
          `the last entry was in a checkpoint ${round2(a.drainSeconds)} s after the writers stopped\n`,
      );
    }
    process.stdout.write(
      `verify: entry lines checked in ${verifying.workers} worker thread(s), order, tree and signatures on the main thread (CPU ${round2(verifying.cpuSeconds)} s ` +
        `for ${round2(verifying.seconds)} s wall); export of ${verifying.checkpoints} checkpoints (each cosigned), ` +
        `${(verifying.bytes / 2 ** 20).toFixed(0)} MiB, built in ${round2(verifying.buildSeconds)} s\n`,
    );
    return {
      appendSeconds,
      ...Object.fromEntries(
        appending.flatMap((a) => [
          [`appendPerSecond_${a.writers}w`, Math.round(a.appendPerSecond)],
          [`checkpointedPerSecond_${a.writers}w`, Math.round(a.checkpointedPerSecond)],
          [`latencyP50Ms_${a.writers}w`, Math.round(a.latency.p50)],
          [`latencyP95Ms_${a.writers}w`, Math.round(a.latency.p95)],
          [`latencyP99Ms_${a.writers}w`, Math.round(a.latency.p99)],
          [`latencyMaxMs_${a.writers}w`, Math.round(a.latency.max)],
        ]),
      ),
      verifyEntries,
      verifySeconds: round2(verifying.seconds),
      verifyCpuSeconds: round2(verifying.cpuSeconds),
      verifyEntriesPerSecond: Math.round(verifyRate),
    };
  },
};

interface BenchKeys {
  kzCa: X509Certificate;
  azCa: X509Certificate;
  /** KZ's audit-checkpoint key: signs the log's checkpoints. */
  log: IssuedCertificate;
  /** AZ's audit-checkpoint key: cosigns them as AZ's witness. */
  witness: IssuedCertificate;
}

/** A fresh development PKI of two parties, in memory: nothing of `certs/` is used or touched. */
async function benchKeys(): Promise<BenchKeys> {
  // Valid from yesterday: the export's checkpoints are dated back to when its entries "arrived".
  const now = new Date(Date.now() - 24 * 3600 * 1000);
  const issue = async (party: string) => {
    const ca = await createRootCa({
      partySubject: rootCaSubject(party),
      keyAlgorithm: 'ecdsa-p256',
      now,
    });
    const leaf = await issueCertificate({
      issuer: ca,
      profile: 'audit-checkpoint',
      subject: gatewaySubject(party, 'audit-checkpoint'),
      keyAlgorithm: 'ecdsa-p256',
      now,
    });
    return { ca: ca.certificate, leaf };
  };
  const [kz, az] = await Promise.all([issue('KZ'), issue('AZ')]);
  return { kzCa: kz.ca, azCa: az.ca, log: kz.leaf, witness: az.leaf };
}

// ---------------------------------------------------------------------------------------------
// 1 + 2: appending with the sequencer and checkpointer running

interface Appending {
  writers: number;
  appended: number;
  appendPerSecond: number;
  checkpointedPerSecond: number;
  checkpoints: number;
  drainSeconds: number;
  latency: { p50: number; p95: number; p99: number; max: number };
}

async function measureAppending(
  keys: BenchKeys,
  writers: number,
  durationMs: number,
): Promise<Appending> {
  const db = await createBenchDatabase();
  const pool = new Pool({ connectionString: db.appUrl, max: writers });
  // An idle client's error must fail the run with its message, not crash the process.
  let connectionError: Error | undefined;
  pool.on('error', (error) => (connectionError ??= error));
  const clock = new SystemClock();
  const checkpoints: { treeSize: number; at: number }[] = [];
  const sequencer = new AuditSequencer({
    connect: async (): Promise<SqlSession> => {
      const client = new Client({ connectionString: db.appUrl });
      client.on('error', (error) => (connectionError ??= error));
      await client.connect();
      return client;
    },
    clock,
    origin: auditLogOrigin('KZ'),
    signer: noteSignerFromKeyObject(keys.log.privateKey),
    certificatePem: keys.log.certificatePem,
  });
  // The gateway's defaults (poll 100 ms, a checkpoint each second while the log grows).
  const worker = new AuditLogWorker(sequencer, {
    onCheckpoint: (c) => checkpoints.push({ treeSize: c.treeSize, at: Date.now() }),
  });
  try {
    const appender = new AuditAppender(pool, clock);
    await appender.append(benchEvent(0, 0)); // connections and plans warm before the clock starts
    worker.start();
    let appended = 0;
    const started = performance.now();
    const deadline = started + durationMs;
    await Promise.all(
      Array.from({ length: writers }, async (_, writer) => {
        for (let i = 0; performance.now() < deadline; i++) {
          await appender.append(benchEvent(writer, i));
          appended++;
        }
      }),
    );
    const elapsed = performance.now() - started;
    const stoppedAt = Date.now();
    const total = appended + 1;
    const drainDeadline = Date.now() + DRAIN_TIMEOUT_MS;
    while ((checkpoints.at(-1)?.treeSize ?? 0) < total) {
      if (connectionError) throw connectionError;
      if (Date.now() > drainDeadline) {
        throw new Error(`the sequencer did not catch up within ${DRAIN_TIMEOUT_MS / 1000} s`);
      }
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    const drainSeconds = ((checkpoints.at(-1)?.at ?? stoppedAt) - stoppedAt) / 1000;
    await worker.stop();
    const latencies = await checkpointLatencies(pool, checkpoints);
    if (connectionError) throw connectionError;
    return {
      writers,
      appended,
      appendPerSecond: (appended * 1000) / elapsed,
      checkpointedPerSecond: (appended * 1000) / (elapsed + drainSeconds * 1000),
      checkpoints: checkpoints.length,
      drainSeconds,
      latency: {
        p50: percentile(latencies, 0.5),
        p95: percentile(latencies, 0.95),
        p99: percentile(latencies, 0.99),
        max: latencies[latencies.length - 1] ?? 0,
      },
    };
  } finally {
    await worker.stop();
    await pool.end();
    await db.drop();
  }
}

/** For each entry, in seq order: when the first checkpoint covering it was stored − recorded_at. */
async function checkpointLatencies(
  pool: Pool,
  checkpoints: readonly { treeSize: number; at: number }[],
): Promise<number[]> {
  const { rows } = await pool.query<{ seq: string; recorded_at: Date }>(
    `SELECT l.seq, e.recorded_at FROM audit_sequenced_entries l
     JOIN audit_entries e ON e.id = l.entry_id ORDER BY l.seq`,
  );
  const latencies: number[] = [];
  let c = 0;
  for (const row of rows) {
    const seq = Number(row.seq);
    while (c < checkpoints.length && checkpoints[c].treeSize <= seq) c++;
    if (c === checkpoints.length) break;
    latencies.push(checkpoints[c].at - row.recorded_at.getTime());
  }
  return latencies.sort((a, b) => a - b);
}

function benchEvent(writer: number, i: number): AuditEventInput {
  return {
    type: i % 2 === 0 ? 'message.published' : 'message.delivered',
    actor: { authority: 'KZ-MVD', role: 'publisher', user: `client-${writer}` },
    messageId: `msg-${writer}-${i}`,
    correlationId: `corr-${writer}-${i >> 1}`,
    parties: ['KZ', 'AZ'],
    agreement: 'MIG',
    contentDigest: `sha256:${'0'.repeat(48)}${(i & 0xffff).toString(16).padStart(16, '0')}`,
    details: { attempt: 1, queue: 'mxg.az.inbox' },
  };
}

// Provisioned exactly as a gateway's database is (owner and application roles, schema, grants)
// and migrated with the real migrations.
function createBenchDatabase(): Promise<ScratchDatabase> {
  const config = MxgConfigService.load();
  return createScratchDatabase({
    adminUrl: config.postgresAdminUrl,
    name: `mxg_bench_audit_${randomBytes(4).toString('hex')}`,
    roles: scratchRoles('mxg_bench', config.checkoutSlot),
    secret: (role) => ensureSecret(config.paths.var, postgresSecretName(role)),
  });
}

// ---------------------------------------------------------------------------------------------
// 3: offline verification

interface Verifying {
  seconds: number;
  workers: number;
  cpuSeconds: number;
  buildSeconds: number;
  checkpoints: number;
  bytes: number;
}

async function measureVerify(keys: BenchKeys, entries: number): Promise<Verifying> {
  const dir = mkdtempSync(join(tmpdir(), 'mxg-audit-bench-'));
  try {
    const file = join(dir, 'kz-audit.jsonl');
    const buildStarted = performance.now();
    const checkpoints = await writeBenchExport(file, keys, entries);
    const buildSeconds = (performance.now() - buildStarted) / 1000;
    const cpu = process.cpuUsage();
    const started = performance.now();
    const report = await verifyAuditExport(file, { trustedCas: [keys.kzCa, keys.azCa] });
    const seconds = (performance.now() - started) / 1000;
    const used = process.cpuUsage(cpu);
    if (!report.valid || report.entries !== entries) {
      throw new Error(`the bench export did not verify: ${JSON.stringify(report.finding)}`);
    }
    return {
      seconds,
      // What verifyAuditExport chooses by default for this file (entry-line workers).
      workers: statSync(file).size >= 16 * 2 ** 20 ? availableParallelism() : 0,
      cpuSeconds: (used.user + used.system) / 1e6,
      buildSeconds,
      checkpoints,
      bytes: statSync(file).size,
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * An export as `writeAuditExport` writes it (through the same writer), without a database:
 * entries a few milliseconds apart, a checkpoint after every CHECKPOINT_EVERY_ENTRIES signed by
 * the log and cosigned by the peer's witness, each after the first with its consistency proof,
 * and the statement signed by the log at the end.
 */
async function writeBenchExport(file: string, keys: BenchKeys, entries: number): Promise<number> {
  const origin = auditLogOrigin('KZ');
  const witness = witnessKeyName('AZ');
  const checkpointCount = Math.ceil(entries / CHECKPOINT_EVERY_ENTRIES);
  const logSigner = noteSignerFromKeyObject(keys.log.privateKey);
  const witnessSigner = noteSignerFromKeyObject(keys.witness.privateKey);
  const start = Date.now() - entries * 2;
  const writer = await AuditExportWriter.open(createWriteStream(file), {
    format: AUDIT_EXPORT_FORMAT,
    origin,
    treeSize: entries,
    checkpoints: checkpointCount,
    exportedAt: new Date().toISOString(),
  });
  await writer.certificate(origin, keys.log.certificatePem);
  await writer.certificate(witness, keys.witness.certificatePem);
  const tree = new MerkleTree();
  let previousSize: number | undefined;
  for (let seq = 0; seq < entries; seq++) {
    const event = benchEvent(seq % CLIENTS, seq);
    const entry: AuditEntry = {
      seq,
      time: new Date(start + seq * 2),
      type: event.type,
      actor: { authority: 'KZ-MVD', role: 'publisher', user: `client-${seq % CLIENTS}` },
      messageId: event.messageId ?? null,
      correlationId: event.correlationId ?? null,
      parties: event.parties ?? [],
      agreement: event.agreement ?? null,
      contentDigest: event.contentDigest ?? null,
      outcome: 'success',
      errorCode: null,
      details: event.details ?? {},
    };
    const leafHash = auditLeafHash(entry);
    tree.append(leafHash);
    await writer.entry(leafHash, auditEntryToJson(entry));
    if (tree.size % CHECKPOINT_EVERY_ENTRIES === 0 || tree.size === entries) {
      const body = formatCheckpoint({
        origin,
        treeSize: tree.size,
        rootHash: tree.root(),
        timestamp: new Date(start + tree.size * 2),
      });
      const signed = await signCheckpoint(body, logSigner, origin);
      const note = await signCheckpoint(signed, witnessSigner, witness);
      await writer.checkpoint(
        note,
        previousSize === undefined
          ? undefined
          : { fromSize: previousSize, proof: tree.consistencyProof(previousSize) },
      );
      previousSize = tree.size;
    }
  }
  await writer.end({ name: origin, signer: logSigner });
  return checkpointCount;
}

function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.ceil(p * sorted.length) - 1)];
}

function round2(n: number): number {
  return Math.round(n * 100) / 100;
}
