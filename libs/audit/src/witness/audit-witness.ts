import { createHash, type KeyObject, X509Certificate } from 'node:crypto';
import type { Clock } from '@mxg/core';
import { AuditError, AuditErrorCode } from '../audit-error';
import { parseCheckpoint, type Checkpoint } from '../checkpoint/checkpoint';
import { checkCheckpointCertificate } from '../checkpoint/checkpoint-certificate';
import { verifyCheckpointSignature } from '../checkpoint/checkpoint-signature';
import { cosignCheckpoint, type CosignedCheckpoint } from '../checkpoint/cosign';
import { parseSignedNote } from '../checkpoint/signed-note';
import { partyOfKeyName } from '../log/log-identity';
import {
  insertCertificate,
  insertWitnessed,
  insertWitnessRefusal,
  latestWitnessed,
  lockWitnessedLog,
  readWitnessRefusals,
  type WitnessRefusal,
} from '../store/audit-log.repository';
import type { SqlClient } from '../store/sql-client';
import type { WitnessedHead, WitnessRequest, WitnessResponse } from './witness.types';

export interface AuditWitnessOptions {
  db: SqlClient;
  /** Runs `work` in one database transaction (e.g. TypeORM `dataSource.transaction`). */
  transaction<T>(work: (db: SqlClient) => Promise<T>): Promise<T>;
  /** Our witness key name (`mxg.az/witness`), key and certificate. */
  name: string;
  privateKey: KeyObject;
  certificatePem: string;
  /** The parties' CA certificates: a log's certificate must chain to its own party's CA. */
  trustedCas: readonly X509Certificate[];
  clock: Clock;
}

/**
 * The witness side of a gateway: countersigns a peer log's checkpoint only if the log signed it
 * and it extends the last checkpoint of that log we countersigned, and keeps the cosigned copy.
 * A log that rewrites its history can then no longer produce a checkpoint we would sign, and
 * our copy shows what it had committed to (c2sp.org/tlog-witness).
 */
export class AuditWitness {
  constructor(private readonly options: AuditWitnessOptions) {}

  async lastSeen(origin: string): Promise<WitnessedHead | undefined> {
    const last = await latestWitnessed(this.options.db, origin);
    return last && head(origin, parseCheckpoint(parseSignedNote(last.note).body));
  }

  /**
   * Throws AUDIT_CHECKPOINT_* or AUDIT_CERTIFICATE_UNTRUSTED when it refuses. A checkpoint the log
   * did sign but that does not extend the last one countersigned (AUDIT_CHECKPOINT_INCONSISTENT)
   * is kept in `audit_witness_refusals` first: it is the peer's own proof that its log forked.
   */
  async witness(request: WitnessRequest): Promise<WitnessResponse> {
    const { name, privateKey, certificatePem, trustedCas, clock } = this.options;
    // Which log claims to speak is only read here to choose the key; nothing is trusted until
    // the log's signature has been verified under its certificate.
    const claimed = parseCheckpoint(parseSignedNote(request.note).body);
    const origin = claimed.origin;
    if (partyOfKeyName(origin) === undefined || partyOfKeyName(origin) === partyOfKeyName(name)) {
      throw new AuditError(
        AuditErrorCode.CheckpointOriginMismatch,
        `${name} does not witness ${origin}`,
        {
          origin,
        },
      );
    }
    const certificate = new X509Certificate(request.certificate);
    checkCheckpointCertificate(certificate, origin, trustedCas, clock.now());
    // Verified before anything is kept: only the log's own signed words become evidence.
    const signed = verifyCheckpointSignature(request.note, certificate.publicKey, origin);
    const proof = request.consistency.map((h) => Buffer.from(h, 'base64'));
    const fingerprint = createHash('sha256').update(certificate.raw).digest();
    const outcome = await this.options.transaction(async (db): Promise<Outcome> => {
      await lockWitnessedLog(db, origin);
      const previous = await latestWitnessed(db, origin);
      const previousCheckpoint: Checkpoint | undefined =
        previous && parseCheckpoint(parseSignedNote(previous.note).body);
      let cosigned: CosignedCheckpoint;
      try {
        if ((previous?.treeSize ?? 0) !== request.oldSize) {
          throw new AuditError(
            AuditErrorCode.CheckpointInconsistent,
            `the proof starts at size ${request.oldSize} but ${name} last saw ${previous?.treeSize ?? 0}`,
            { origin, reason: 'old-size-mismatch', lastSeen: previous?.treeSize ?? 0 },
          );
        }
        cosigned = cosignCheckpoint(
          previousCheckpoint,
          request.note,
          proof,
          { name: origin, publicKey: certificate.publicKey },
          { name, privateKey },
        );
      } catch (error) {
        if (
          !(error instanceof AuditError) ||
          error.code !== AuditErrorCode.CheckpointInconsistent
        ) {
          throw error;
        }
        // Kept in this transaction, which commits: the refusal itself is then thrown.
        const now = clock.now();
        await insertCertificate(db, fingerprint, origin, certificate.toString(), now);
        await insertWitnessRefusal(db, {
          origin,
          treeSize: signed.treeSize,
          rootHash: signed.rootHash,
          signedAt: signed.timestamp,
          note: request.note,
          certificate: fingerprint,
          oldSize: request.oldSize,
          consistency: proof,
          lastSeenSize: previous?.treeSize ?? 0,
          lastSeenRoot: previous?.rootHash ?? null,
          reason: typeof error.details.reason === 'string' ? error.details.reason : 'inconsistent',
          refusedAt: now,
        });
        return { refused: error };
      }
      const now = clock.now();
      await insertCertificate(db, fingerprint, origin, certificate.toString(), now);
      await insertWitnessed(
        db,
        {
          origin,
          treeSize: cosigned.checkpoint.treeSize,
          rootHash: cosigned.checkpoint.rootHash,
          signedAt: cosigned.checkpoint.timestamp,
          note: cosigned.note,
          certificate: fingerprint,
        },
        now,
      );
      return { response: { note: cosigned.note, certificate: certificatePem } };
    });
    if ('refused' in outcome) throw outcome.refused;
    return outcome.response;
  }

  /** The signed checkpoints of `origin` this witness refused, oldest first (the evidence). */
  refusals(origin: string): Promise<WitnessRefusal[]> {
    return readWitnessRefusals(this.options.db, origin);
  }
}

type Outcome = { response: WitnessResponse } | { refused: AuditError };

function head(origin: string, c: Checkpoint): WitnessedHead {
  return {
    origin,
    treeSize: c.treeSize,
    rootHash: c.rootHash.toString('base64'),
    timestamp: c.timestamp.toISOString(),
  };
}
