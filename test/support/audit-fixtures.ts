import { spawnSync } from 'node:child_process';
import { type KeyObject, X509Certificate } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { join } from 'node:path';
import { Client, Pool } from 'pg';
import {
  AuditSequencer,
  AuditWitness,
  type AuditTrust,
  auditLogOrigin,
  WitnessClient,
  witnessKeyName,
  writeAuditExport,
  writeWitnessedExport,
  type SqlSession,
  type AuditEventInput,
  noteSignerFromKeyObject,
} from '@mxg/audit';
import { MxgConfigService } from '@mxg/config';
import type { SqlClient } from '@mxg/database';
import type { Clock } from '@mxg/core';
import { loadCertificatePem, loadPrivateKey, partyPkiPaths } from '@mxg/pki';

const ROOT = join(__dirname, '..', '..');

export interface PartyAuditKeys {
  party: string;
  privateKey: KeyObject;
  certificatePem: string;
  caPath: string;
  ca: X509Certificate;
}

/** The development PKI's audit-checkpoint key and CA of `party` (`mxg pki init` made them). */
export async function partyAuditKeys(party: string): Promise<PartyAuditKeys> {
  const paths = partyPkiPaths(MxgConfigService.load().paths.certs, party);
  return {
    party,
    privateKey: await loadPrivateKey(paths.gateway.auditCheckpoint.privateKey),
    certificatePem: (
      await loadCertificatePem(paths.gateway.auditCheckpoint.certificate)
    ).toString(),
    caPath: paths.caCertificate,
    ca: await loadCertificatePem(paths.caCertificate),
  };
}

export function pgSession(url: string): () => Promise<SqlSession> {
  return async () => {
    const client = new Client({ connectionString: url });
    await client.connect();
    return client;
  };
}

/** `transaction` for AuditWitness over a pg pool. */
export function poolTransaction(pool: Pool) {
  return async <T>(work: (db: SqlClient) => Promise<T>): Promise<T> => {
    const client = await pool.connect();
    try {
      await client.query('BEGIN');
      const result = await work(client);
      await client.query('COMMIT');
      return result;
    } catch (error) {
      await client.query('ROLLBACK');
      throw error;
    } finally {
      client.release();
    }
  };
}

export function newSequencer(url: string, keys: PartyAuditKeys, clock: Clock): AuditSequencer {
  return new AuditSequencer({
    connect: pgSession(url),
    clock,
    origin: auditLogOrigin(keys.party),
    signer: noteSignerFromKeyObject(keys.privateKey),
    certificatePem: keys.certificatePem,
  });
}

/** The parties' CAs, and — as a gateway has them — each party's audit key pinned. */
export function auditTrust(...parties: PartyAuditKeys[]): AuditTrust {
  return {
    trustedCas: parties.map((p) => p.ca),
    pinned: new Map(parties.map((p) => [p.party, [new X509Certificate(p.certificatePem)]])),
  };
}

export function newWitness(
  pool: Pool,
  keys: PartyAuditKeys,
  trust: AuditTrust,
  clock: Clock,
  maxClockSkewMs = 300_000,
) {
  return new AuditWitness({
    db: pool,
    transaction: poolTransaction(pool),
    name: witnessKeyName(keys.party),
    signer: noteSignerFromKeyObject(keys.privateKey),
    certificatePem: keys.certificatePem,
    trust,
    clock,
    maxClockSkewMs,
  });
}

/** A witness client whose transport calls `witness` in-process (HTTP is tested end to end). */
export function newWitnessClient(
  pool: Pool,
  keys: PartyAuditKeys,
  sequencer: () => AuditSequencer,
  witness: { party: string; service: AuditWitness },
  trust: AuditTrust,
  clock: Clock,
): WitnessClient {
  return new WitnessClient({
    db: pool,
    origin: auditLogOrigin(keys.party),
    certificatePem: keys.certificatePem,
    peers: [
      {
        party: witness.party,
        transport: {
          lastSeen: (origin) => witness.service.lastSeen(origin),
          submit: (request) => witness.service.witness(request),
        },
      },
    ],
    trust,
    clock,
    consistencyProof: (m, n) => sequencer().tree.consistencyProof(m, n),
  });
}

export async function exportLog(url: string, keys: PartyAuditKeys, clock: Clock, out: string) {
  const db = new Client({ connectionString: url });
  await db.connect();
  try {
    return await writeAuditExport(db, createWriteStream(out), {
      origin: auditLogOrigin(keys.party),
      certificatePem: keys.certificatePem,
      signer: {
        name: auditLogOrigin(keys.party),
        signer: noteSignerFromKeyObject(keys.privateKey),
      },
      clock,
    });
  } finally {
    await db.end();
  }
}

export async function exportWitnessed(
  url: string,
  witness: PartyAuditKeys,
  logParty: string,
  clock: Clock,
  out: string,
) {
  const db = new Client({ connectionString: url });
  await db.connect();
  try {
    return await writeWitnessedExport(db, createWriteStream(out), {
      origin: auditLogOrigin(logParty),
      witness: witnessKeyName(witness.party),
      witnessCertificatePem: witness.certificatePem,
      signer: {
        name: witnessKeyName(witness.party),
        signer: noteSignerFromKeyObject(witness.privateKey),
      },
      clock,
    });
  } finally {
    await db.end();
  }
}

/** Runs the built `mxg` as an auditor would; `env` adds e.g. DATABASE_URL, MXG_CONFIG_DIR. */
export function mxg(
  args: string[],
  env: Record<string, string> = {},
): { status: number | null; stdout: string; stderr: string } {
  const result = spawnSync(
    process.execPath,
    [join(ROOT, 'apps', 'cli', 'bin', 'mxg.js'), ...args],
    {
      cwd: ROOT,
      env: { PATH: process.env.PATH, TZ: 'UTC', ...env },
      encoding: 'utf8',
    },
  );
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

/**
 * Sequences until `count` entries have been, or fails after `timeoutMs`. The sequencer takes
 * an entry only once every older transaction on the server has ended (the xid horizon is
 * server-wide), so on a busy server a single pass may find nothing yet.
 */
export async function sequenceAtLeast(
  sequencer: AuditSequencer,
  count: number,
  timeoutMs = 15_000,
): Promise<number> {
  const deadline = Date.now() + timeoutMs;
  let sequenced = 0;
  while (sequenced < count) {
    sequenced += await sequencer.sequence();
    if (sequenced >= count) break;
    if (Date.now() > deadline)
      throw new Error(`only ${sequenced} of ${count} entries sequenced in ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  return sequenced;
}

/**
 * The `i`-th of a run of test audit events: ids and digests only, as every audit entry (no
 * personal data), varied enough that no two entries hash alike.
 */
export const auditEvent = (i: number, details?: AuditEventInput['details']): AuditEventInput => ({
  type: i % 3 === 0 ? 'message.submitted' : 'message.delivered',
  actor: { authority: 'KZ-MVD', role: 'publisher', user: `client-${i % 4}` },
  messageId: `msg-${i}`,
  correlationId: `corr-${Math.floor(i / 2)}`,
  parties: ['KZ', 'AZ'],
  agreement: 'MIG',
  contentDigest: `sha256:${String(i).padStart(64, '0')}`,
  ...(details ? { details } : {}),
});
