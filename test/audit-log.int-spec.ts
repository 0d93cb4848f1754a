import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client, Pool } from 'pg';
import {
  AuditAppender,
  type AuditDetails,
  AuditError,
  AuditErrorCode,
  type AuditEventInput,
  type AuditEventType,
  auditLeafHash,
  type AuditSequencer,
  type AuditWitness,
  formatCheckpoint,
  parseCheckpoint,
  parseSignedNote,
  signCheckpoint,
  type WitnessClient,
  noteSignerFromKeyObject,
} from '@mxg/audit';
import { FixedClock } from '@mxg/core';
import {
  exportLog,
  exportWitnessed,
  mxg,
  newSequencer,
  newWitness,
  auditTrust,
  newWitnessClient,
  partyAuditKeys,
  type PartyAuditKeys,
  sequenceAtLeast,
  auditEvent,
} from './support/audit-fixtures';
import { createTestDatabase, type TestDatabase } from './support/test-database';

const event = (i: number): AuditEventInput => auditEvent(i, { attempt: 1 });

async function query(url: string, sql: string): Promise<Record<string, unknown>[]> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query<Record<string, unknown>>(sql)).rows;
  } finally {
    await client.end();
  }
}

interface Line {
  kind: string;
  note?: string;
  entry?: { seq: number; messageId: string };
}
const readLines = (file: string): Line[] =>
  readFileSync(file, 'utf8')
    .split('\n')
    .filter((l) => l.length > 0)
    .map((l) => JSON.parse(l) as Line);
const writeLines = (file: string, lines: Line[]) =>
  writeFileSync(file, lines.map((l) => `${JSON.stringify(l)}\n`).join(''));
const entryIndex = (lines: Line[], seq: number) =>
  lines.findIndex((l) => l.kind === 'entry' && l.entry?.seq === seq);

describe('audit log (real PostgreSQL: appender, sequencer, checkpointer, witness, export, mxg audit verify)', () => {
  let kzDb: TestDatabase;
  let azDb: TestDatabase;
  let kzPool: Pool;
  let azPool: Pool;
  let kz: PartyAuditKeys;
  let az: PartyAuditKeys;
  let dir: string;
  // Now: the development certificates are valid from when `mxg pki init` issued them.
  const start = new Date();
  const clock = new FixedClock(start);
  let sequencer: AuditSequencer;
  let witness: AuditWitness;
  let witnessClient: WitnessClient;
  let appender: AuditAppender;
  let exportFile: string;
  let witnessedFile: string;
  let ca: string[];

  /**
   * Sequences `count` new entries, signs a checkpoint and has AZ countersign it. Sequencing
   * waits for every older transaction on the server to end (the xid horizon is server-wide),
   * so under concurrent load it may take a few passes: poll, bounded.
   */
  async function checkpointRound(count: number): Promise<number> {
    await sequenceAtLeast(sequencer, count);
    const checkpoint = await sequencer.checkpoint();
    if (checkpoint === undefined) throw new Error('nothing to checkpoint');
    await witnessClient.submit(
      {
        party: 'AZ',
        transport: { lastSeen: (o) => witness.lastSeen(o), submit: (r) => witness.witness(r) },
      },
      checkpoint,
    );
    clock.advance(1000);
    return checkpoint.treeSize;
  }

  beforeAll(async () => {
    [kzDb, azDb] = await Promise.all([
      createTestDatabase('auditkz'),
      createTestDatabase('auditaz'),
    ]);
    kzPool = new Pool({ connectionString: kzDb.appUrl, max: 4 });
    azPool = new Pool({ connectionString: azDb.appUrl, max: 4 });
    [kz, az] = await Promise.all([partyAuditKeys('KZ'), partyAuditKeys('AZ')]);
    const cas = auditTrust(kz, az);
    ca = ['--ca', kz.caPath, az.caPath];
    dir = mkdtempSync(join(tmpdir(), 'mxg-audit-'));
    appender = new AuditAppender(kzPool, clock);
    sequencer = newSequencer(kzDb.appUrl, kz, clock);
    expect(await sequencer.tryLead()).toBe(true);
    witness = newWitness(azPool, az, cas, clock);
    witnessClient = newWitnessClient(
      kzPool,
      kz,
      () => sequencer,
      { party: 'AZ', service: witness },
      cas,
      clock,
    );

    // Three rounds of 10, 15 and 12 entries: three checkpoints, each countersigned by AZ.
    let i = 0;
    for (const count of [10, 15, 12]) {
      await appender.appendMany(Array.from({ length: count }, () => event(i++)));
      await checkpointRound(count);
    }
    exportFile = join(dir, 'kz.jsonl');
    witnessedFile = join(dir, 'az-witnessed-kz.jsonl');
    await exportLog(kzDb.appUrl, kz, clock, exportFile);
    await exportWitnessed(azDb.appUrl, az, 'KZ', clock, witnessedFile);
  });

  afterAll(async () => {
    await sequencer?.release();
    await kzPool?.end();
    await azPool?.end();
    await Promise.all([kzDb?.drop(), azDb?.drop()]);
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  /** A copy of the export with `change` applied to its parsed lines. */
  function tampered(name: string, change: (lines: Line[]) => void): string {
    const lines = readLines(exportFile);
    change(lines);
    const file = join(dir, `${name}.jsonl`);
    writeLines(file, lines);
    return file;
  }

  it('exports every entry with gap-free seqs and checkpoints cosigned by the peer, and mxg audit verify accepts it', () => {
    const lines = readLines(exportFile);
    expect(lines.filter((l) => l.kind === 'entry').map((l) => l.entry?.seq)).toEqual(
      Array.from({ length: 37 }, (_, i) => i),
    );
    const checkpoints = lines.filter((l) => l.kind === 'checkpoint');
    expect(checkpoints.map((c) => parseCheckpoint(parseSignedNote(c.note!).body).treeSize)).toEqual(
      [10, 25, 37],
    );
    for (const c of checkpoints) {
      expect(parseSignedNote(c.note!).signatures.map((s) => s.keyName)).toEqual([
        'mxg.kz/audit',
        'mxg.az/witness',
      ]);
    }
    const result = mxg(['audit', 'verify', exportFile, ...ca, '--witnessed', witnessedFile]);
    expect(result.stdout).toMatch(
      /VALID — mxg\.kz\/audit: 37 entries, 3 checkpoints \(3 cosigned by mxg\.az\/witness\), 3 witnessed checkpoints matched/,
    );
    expect(result.status).toBe(0);
  });

  it.each([
    [
      'an entry field changed',
      (lines: Line[]) => {
        lines[entryIndex(lines, 7)].entry!.messageId = 'msg-forged';
      },
      /ENTRY_ALTERED: entry seq 7 does not match the leaf/,
    ],
    [
      'an entry deleted',
      (lines: Line[]) => {
        lines.splice(entryIndex(lines, 7), 1);
      },
      /ENTRY_OUT_OF_ORDER: entry seq 7 is missing or out of place: found seq 8/,
    ],
    [
      'two entries swapped',
      (lines: Line[]) => {
        const at = entryIndex(lines, 12);
        [lines[at], lines[at + 1]] = [lines[at + 1], lines[at]];
      },
      /ENTRY_OUT_OF_ORDER: entry seq 12 is missing or out of place: found seq 13/,
    ],
    [
      'an entry inserted',
      (lines: Line[]) => {
        const at = entryIndex(lines, 20);
        lines.splice(at, 0, structuredClone(lines[at]));
      },
      /ENTRY_OUT_OF_ORDER: a second entry claims seq 20/,
    ],
    [
      'a checkpoint with a forged signature',
      (lines: Line[]) => {
        const at = lines.findIndex(
          (l) => l.kind === 'checkpoint' && l.note?.startsWith('mxg.kz/audit\n25\n'),
        );
        const note = lines[at].note as string;
        const [line] = note.split('\n').filter((l) => l.startsWith('— mxg.kz/audit '));
        const blob = Buffer.from(line.split(' ')[2], 'base64');
        randomBytes(blob.length - 8).copy(blob, 8); // keep the key ID, forge the signature
        lines[at].note = note.replace(line, `— mxg.kz/audit ${blob.toString('base64')}`);
      },
      /CHECKPOINT_SIGNATURE_INVALID: checkpoint of size 25: the signature by mxg\.kz\/audit \(key [0-9a-f]{8}\) is invalid/,
    ],
  ])('names the entry or checkpoint when %s', (_what, change, expected) => {
    const result = mxg(['audit', 'verify', tampered(_what.replace(/ /g, '-'), change), ...ca]);
    expect(result.stdout).toMatch(expected);
    expect(result.status).toBe(1);
  });

  it('detects two checkpoints that are not consistent, even when the log key signed both', async () => {
    const at = readLines(exportFile).findIndex(
      (l) => l.kind === 'checkpoint' && l.note?.startsWith('mxg.kz/audit\n25\n'),
    );
    const real = parseCheckpoint(parseSignedNote(readLines(exportFile)[at].note!).body);
    // A log that signs a second history for size 25: a validly signed, inconsistent checkpoint.
    const forked = formatCheckpoint({ ...real, rootHash: randomBytes(32) });
    const note = await signCheckpoint(
      forked,
      noteSignerFromKeyObject(kz.privateKey),
      'mxg.kz/audit',
    );
    const file = tampered('fork', (lines) => {
      lines[at].note = note;
    });
    const result = mxg(['audit', 'verify', file, ...ca]);
    expect(result.stdout).toMatch(
      /CHECKPOINTS_INCONSISTENT: checkpoints of size 10 and 25 are not consistent/,
    );
    expect(result.status).toBe(1);
  });

  it('cannot check (exit 3) without the CA that issued the log key', () => {
    const result = mxg(['audit', 'verify', exportFile, '--ca', az.caPath]);
    expect(result.stderr).toMatch(/AUDIT_CERTIFICATE_UNTRUSTED: mxg\.kz\/audit/);
    expect(result.status).toBe(3);
  });

  it('keeps new entries of an open transaction out until it commits, then sequences them without a gap', async () => {
    const open = await kzPool.connect();
    try {
      await open.query('BEGIN');
      await appender.append(event(100), { db: open });
      await appender.append(event(101)); // committed, but after the open one started
      expect(await sequencer.sequence()).toBe(0); // xid of `open` holds the horizon back
      await open.query('COMMIT');
    } finally {
      open.release();
    }
    const sequenced = await sequenceAtLeast(sequencer, 2);
    expect(sequenced).toBe(2);
    const rows = await query(
      kzDb.appUrl,
      `SELECT l.seq, e.message_id FROM audit_sequenced_entries l JOIN audit_entries e ON e.id = l.entry_id WHERE l.seq >= 37 ORDER BY l.seq`,
    );
    expect(rows).toEqual([
      { seq: '37', message_id: 'msg-100' },
      { seq: '38', message_id: 'msg-101' },
    ]);
  });

  it.each([
    'audit_entries',
    'audit_sequenced',
    'audit_tiles',
    'audit_checkpoints',
    'audit_witness_signatures',
  ])(
    'refuses UPDATE, DELETE and TRUNCATE on %s for the application role, and by trigger for the owner',
    async (table) => {
      const set: Record<string, string> = {
        audit_entries: `agreement = 'RET'`,
        audit_sequenced: 'sequenced_at = now()',
        audit_tiles: 'hashes = sha256(hashes)',
        audit_checkpoints: 'tree_size = tree_size',
        audit_witness_signatures: 'tree_size = tree_size',
      };
      for (const sql of [
        `UPDATE ${table} SET ${set[table]}`,
        `DELETE FROM ${table}`,
        `TRUNCATE ${table} CASCADE`,
      ]) {
        await expect(query(kzDb.appUrl, sql)).rejects.toThrow(/permission denied/);
      }
      for (const sql of [`UPDATE ${table} SET ${set[table]}`, `DELETE FROM ${table}`]) {
        await expect(query(kzDb.ownerUrl, sql)).rejects.toThrow(/AUDIT_APPEND_ONLY/);
      }
      await expect(query(kzDb.ownerUrl, `TRUNCATE ${table} CASCADE`)).rejects.toThrow(
        /AUDIT_APPEND_ONLY/,
      );
    },
  );

  it('exposes a log truncated and re-filled by a superuser through the peer’s witnessed copy', async () => {
    // The superuser bypasses every trigger, empties the log and writes a history without one
    // of the original entries; the gateway, restarted, sequences and signs it all anew.
    await sequencer.release();
    await query(
      kzDb.superuserUrl,
      `SET session_replication_role = replica;
       TRUNCATE mxg.audit_witness_signatures, mxg.audit_checkpoints, mxg.audit_tiles, mxg.audit_sequenced, mxg.audit_entries;`,
    );
    // The same entries at the same times, except seq 12: the first difference is in the
    // second checkpoint the peer countersigned (sizes 10, 25, 37).
    const later = clock.now();
    for (const [round, from, to] of [
      [0, 0, 10],
      [1, 10, 25],
      [2, 25, 40],
    ] as const) {
      clock.set(new Date(start.getTime() + round * 1000));
      const events = Array.from({ length: to - from }, (_, k) => from + k).filter((i) => i !== 12);
      await appender.appendMany(events.map(event));
    }
    clock.set(later);
    sequencer = newSequencer(kzDb.appUrl, kz, clock);
    expect(await sequencer.tryLead()).toBe(true);
    await sequenceAtLeast(sequencer, 39);
    const checkpoint = await sequencer.checkpoint();
    expect(checkpoint?.treeSize).toBe(39);

    // AZ's witness will not countersign the new history: no proof links it to what it saw.
    const refusal = await witnessClient
      .submit(
        {
          party: 'AZ',
          transport: { lastSeen: (o) => witness.lastSeen(o), submit: (r) => witness.witness(r) },
        },
        checkpoint!,
      )
      .catch((error: unknown) => error);
    expect(refusal).toBeInstanceOf(AuditError);
    expect((refusal as AuditError).code).toBe(AuditErrorCode.ConsistencyProofInvalid);

    const rewrittenExport = join(dir, 'kz-rewritten.jsonl');
    await exportLog(kzDb.appUrl, kz, clock, rewrittenExport);
    // On its own the rewritten log is self-consistent, signed by the log's own key: what gives
    // it away without the peer's copy is that its configured witness never cosigned it…
    const alone = mxg(['audit', 'verify', rewrittenExport, ...ca]);
    expect(alone.stdout).toMatch(/WITNESS_MISSING: mxg\.az\/witness must witness mxg\.kz\/audit/);
    expect(alone.status).toBe(1);
    // …and, where no witness is required, it verifies: only the peer's copy can expose it.
    expect(mxg(['audit', 'verify', rewrittenExport, ...ca, '--no-require-witness']).status).toBe(0);
    const result = mxg(['audit', 'verify', rewrittenExport, ...ca, '--witnessed', witnessedFile]);
    expect(result.stdout).toMatch(
      /WITNESSED_CHECKPOINT_MISMATCH: the checkpoint of size 25 signed at .* and countersigned by mxg\.az\/witness does not match entries seq 10–24: the log was rewritten/,
    );
    expect(result.status).toBe(1);
  });

  it('refuses to lead when the stored tiles no longer yield the last signed checkpoint', async () => {
    await sequencer.release();
    // Leaf 3 changed in its tile, and its entry to match: only the signed root gives it away.
    await query(
      kzDb.superuserUrl,
      `SET session_replication_role = replica;
       UPDATE mxg.audit_entries SET agreement = 'RET' WHERE id =
         (SELECT entry_id FROM mxg.audit_sequenced_entries WHERE seq = 3);`,
    );
    const [altered] = await query(
      kzDb.appUrl,
      `SELECT e.*, l.seq FROM audit_sequenced_entries l JOIN audit_entries e ON e.id = l.entry_id
       WHERE l.seq = 3`,
    );
    const leaf = auditLeafHash({
      seq: 3,
      time: altered.recorded_at as Date,
      type: altered.event_type as AuditEventType,
      actor: {
        authority: altered.actor_authority as string | null,
        role: altered.actor_role as string | null,
        user: altered.actor_user as string | null,
      },
      messageId: altered.message_id as string | null,
      correlationId: altered.correlation_id as string | null,
      parties: altered.parties as string[],
      agreement: altered.agreement as string | null,
      contentDigest: altered.content_digest as string | null,
      outcome: altered.outcome as 'success' | 'failure',
      errorCode: altered.error_code as string | null,
      details: altered.details as AuditDetails,
    });
    await query(
      kzDb.superuserUrl,
      `SET session_replication_role = replica;
       UPDATE mxg.audit_tiles SET hashes = overlay(hashes PLACING '\\x${leaf.toString('hex')}'::bytea
         FROM 3 * 32 + 1 FOR 32) WHERE level = 0 AND tile_index = 0 AND start = 0;`,
    );
    const next = newSequencer(kzDb.appUrl, kz, clock);
    await expect(next.tryLead()).rejects.toThrow(
      /AUDIT_LOG_DIVERGED: the audit log was altered: the stored tiles do not yield the signed checkpoint/,
    );
  });
});
