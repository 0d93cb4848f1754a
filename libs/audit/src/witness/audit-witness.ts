import { createHash, type KeyObject, X509Certificate } from 'node:crypto';
import type { Clock } from '@mxg/core';
import { AuditError, AuditErrorCode } from '../audit-error';
import { parseCheckpoint, type Checkpoint } from '../checkpoint/checkpoint';
import {
  type AuditTrust,
  checkCheckpointCertificate,
  pinnedCertificates,
  sameKey,
} from '../checkpoint/checkpoint-certificate';
import { checkpointKeyId, noteSignatureVerifies } from '../checkpoint/checkpoint-signature';
import { cosignCheckpoint } from '../checkpoint/cosign';
import { formatSignedNote, parseSignedNote } from '../checkpoint/signed-note';
import { partyOfKeyName } from '../log/log-identity';
import {
  countWitnessRefusals,
  insertCertificate,
  insertWitnessed,
  insertWitnessRefusal,
  latestWitnessed,
  lockWitnessedLog,
  readWitnessRefusals,
  witnessedAtSize,
  type WitnessedCheckpoint,
  type WitnessRefusal,
} from '../store/audit-log.repository';
import type { SqlClient } from '@mxg/database';
import type { NoteSigner } from '../checkpoint/note-signer';
import type { WitnessedHead, WitnessRequest, WitnessResponse } from './witness.types';

export interface AuditWitnessOptions {
  db: SqlClient;
  /** Runs `work` in one database transaction (e.g. TypeORM `dataSource.transaction`). */
  transaction<T>(work: (db: SqlClient) => Promise<T>): Promise<T>;
  /** Our witness key name (`mxg.az/witness`), key and certificate. */
  name: string;
  signer: NoteSigner;
  certificatePem: string;
  /** Whose audit keys may sign a log's checkpoints: the parties' CAs, each party's pinned keys. */
  trust: AuditTrust;
  clock: Clock;
  /** How far ahead of our clock a checkpoint may be dated (MIG-9.1's clock skew). */
  maxClockSkewMs: number;
}

/** Evidence of forks kept per log at most: enough to prove one, not a store anyone can fill. */
const MAX_REFUSALS_PER_LOG = 64;
const MAX_CONSISTENCY_HASHES = 64;

/**
 * The witness side of a gateway: countersigns a peer log's checkpoint only if the log signed it
 * and it extends the last checkpoint of that log we countersigned, and keeps the cosigned copy.
 * A log that rewrites its history can then no longer produce a checkpoint we would sign, and
 * our copy shows what it had committed to (c2sp.org/tlog-witness).
 *
 * The endpoint is unauthenticated by design, so nothing a caller sends changes anything until
 * the note's signature has verified under an audit key of the log's party (#10.1: pinned when
 * configured, by its audit-checkpoint purpose always), dated no later than our clock allows.
 * Even then only two things are ever stored: a checkpoint we countersign, and — the one
 * conclusive evidence of a fork — a second root, signed by the log, for a size we countersigned.
 * A replay, an old size or a bad proof is refused without a trace, so no note can leave the
 * witness refusing the log's genuine checkpoints.
 */
export class AuditWitness {
  private readonly certificate: X509Certificate;
  private readonly certificateSha256: Buffer;
  private readonly publicKey: KeyObject;

  constructor(private readonly options: AuditWitnessOptions) {
    this.certificate = new X509Certificate(options.certificatePem);
    this.certificateSha256 = createHash('sha256').update(this.certificate.raw).digest();
    this.publicKey = options.signer.publicKey;
  }

  async lastSeen(origin: string): Promise<WitnessedHead | undefined> {
    const last = await latestWitnessed(this.options.db, origin);
    return last && head(origin, parseCheckpoint(parseSignedNote(last.note).body));
  }

  /**
   * Countersigns `request.note`, or throws: AUDIT_CHECKPOINT_MALFORMED, _ORIGIN_MISMATCH,
   * AUDIT_CERTIFICATE_UNTRUSTED, AUDIT_CHECKPOINT_SIGNATURE_INVALID, _TIME_INVALID (nothing
   * verified or dated acceptably: nothing kept); AUDIT_CHECKPOINT_STALE (not from the size we
   * last saw: `details.lastSeen` says which); AUDIT_CONSISTENCY_PROOF_INVALID; and
   * AUDIT_CHECKPOINT_INCONSISTENT, a fork, kept in `audit_witness_refusals` first.
   */
  async witness(request: WitnessRequest): Promise<WitnessResponse> {
    const { name, signer, certificatePem, clock } = this.options;
    const { note, checkpoint, certificate } = this.authenticate(request);
    const origin = checkpoint.origin;
    const proof = request.consistency.map((h) => Buffer.from(h, 'base64'));
    const logCertificate = createHash('sha256').update(certificate.raw).digest();
    const outcome = await this.options.transaction(async (db): Promise<Outcome> => {
      await lockWitnessedLog(db, origin);
      const previous = await latestWitnessed(db, origin);
      const fork = await this.forkEvidence(db, previous, checkpoint);
      if (fork !== undefined) {
        await this.keepRefusal(
          db,
          {
            origin,
            treeSize: checkpoint.treeSize,
            rootHash: checkpoint.rootHash,
            signedAt: checkpoint.timestamp,
            note,
            certificate: logCertificate,
            oldSize: request.oldSize,
            consistency: proof,
            lastSeenSize: fork.treeSize,
            lastSeenRoot: fork.rootHash,
            reason: 'fork',
            refusedAt: clock.now(),
          },
          certificate,
        );
        return {
          refused: new AuditError(
            AuditErrorCode.CheckpointInconsistent,
            `${origin} signed a second root for size ${checkpoint.treeSize}, which ${name} countersigned before: the log forked`,
            {
              origin,
              reason: 'fork',
              size: checkpoint.treeSize,
              lastSeen: previous?.treeSize ?? 0,
            },
          ),
        };
      }
      const lastSize = previous?.treeSize ?? 0;
      if (previous !== undefined && checkpoint.treeSize < previous.treeSize) {
        throw stale(
          `${name} has countersigned up to ${lastSize}, past size ${checkpoint.treeSize}`,
          origin,
          lastSize,
        );
      }
      if (
        previous !== undefined &&
        parseSignedNote(previous.note).body === parseSignedNote(note).body
      ) {
        // Already countersigned (a reply that got lost): the same answer again.
        return { response: { note: previous.note, certificate: certificatePem } };
      }
      if (checkpoint.treeSize > lastSize && request.oldSize !== lastSize) {
        throw stale(
          `the proof starts at size ${request.oldSize} but ${name} last saw ${lastSize}`,
          origin,
          lastSize,
        );
      }
      const cosigned = await cosignCheckpoint(
        previous && parseCheckpoint(parseSignedNote(previous.note).body),
        note,
        proof,
        { name: origin, publicKey: certificate.publicKey },
        { name, signer },
      );
      const now = clock.now();
      await insertCertificate(db, logCertificate, origin, certificate.toString(), now);
      await insertCertificate(db, this.certificateSha256, name, this.certificate.toString(), now);
      await insertWitnessed(
        db,
        {
          origin,
          treeSize: cosigned.checkpoint.treeSize,
          rootHash: cosigned.checkpoint.rootHash,
          signedAt: cosigned.checkpoint.timestamp,
          note: cosigned.note,
          certificate: logCertificate,
          witnessCertificate: this.certificateSha256,
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

  /**
   * Everything that can be decided before touching the database: the note is a checkpoint of a
   * peer's log, signed by an audit key that may speak for it and is not ours, and not dated
   * beyond our clock's allowance. Returns the note reduced to that one verified signature, so
   * that what is kept holds nothing a caller added.
   */
  private authenticate(request: WitnessRequest): {
    note: string;
    checkpoint: Checkpoint;
    certificate: X509Certificate;
  } {
    const { name, trust, clock, maxClockSkewMs } = this.options;
    const parsed = parseSignedNote(request.note);
    const claimed = parseCheckpoint(parsed.body);
    const origin = claimed.origin;
    const party = partyOfKeyName(origin);
    if (party === undefined || !origin.endsWith('/audit') || party === partyOfKeyName(name)) {
      throw new AuditError(
        AuditErrorCode.CheckpointOriginMismatch,
        `${name} does not witness ${origin}`,
        {
          origin,
        },
      );
    }
    if (request.consistency.length > MAX_CONSISTENCY_HASHES) {
      throw new AuditError(
        AuditErrorCode.ConsistencyProofInvalid,
        'the consistency proof is too long',
      );
    }
    // The keys that may speak for the log: its pinned certificates when we have them, else the
    // one it offers — checked below like any other, by CA and audit-checkpoint purpose.
    const candidates = pinnedCertificates(trust, party) ?? [
      offeredCertificate(request.certificate),
    ];
    const lines = parsed.signatures.filter((s) => s.keyName === origin);
    const certificate = candidates.find((c) =>
      lines.some((s) => s.keyId === checkpointKeyId(c.publicKey)),
    );
    if (certificate === undefined) {
      throw new AuditError(
        AuditErrorCode.CheckpointSignatureInvalid,
        `the checkpoint is not signed by ${pinnedCertificates(trust, party) ? 'a configured' : 'the offered'} audit-checkpoint key of ${party}`,
        { keyName: origin },
      );
    }
    checkCheckpointCertificate(certificate, origin, trust, claimed.timestamp);
    if (sameKey(certificate.publicKey, this.publicKey)) {
      throw new AuditError(
        AuditErrorCode.CheckpointOriginMismatch,
        `${origin} is signed with ${name}'s own key: a log's own key is never its witness`,
        { origin },
      );
    }
    const keyId = checkpointKeyId(certificate.publicKey);
    const line = lines.find(
      (s) => s.keyId === keyId && noteSignatureVerifies(parsed.body, s, certificate.publicKey),
    );
    if (line === undefined) {
      throw new AuditError(
        AuditErrorCode.CheckpointSignatureInvalid,
        `the signature by ${origin} does not verify`,
        { keyName: origin, keyId },
      );
    }
    const latest = clock.now().getTime() + maxClockSkewMs;
    if (claimed.timestamp.getTime() > latest) {
      throw new AuditError(
        AuditErrorCode.CheckpointTimeInvalid,
        `the checkpoint is dated ${claimed.timestamp.toISOString()}, beyond ${name}'s clock and its allowance of ${maxClockSkewMs / 1000} s`,
        { origin, reason: 'future' },
      );
    }
    return {
      note: formatSignedNote({ body: parsed.body, signatures: [line] }),
      checkpoint: claimed,
      certificate,
    };
  }

  /**
   * What we countersigned at the note's size if the note has another root there: two notes of
   * one size, both verified under the log's key, cannot both be true. Only then is there
   * evidence; a smaller, larger or equal tree proves nothing by itself.
   */
  private async forkEvidence(
    db: SqlClient,
    previous: WitnessedCheckpoint | undefined,
    checkpoint: Checkpoint,
  ): Promise<WitnessedCheckpoint | undefined> {
    if (previous === undefined || checkpoint.treeSize > previous.treeSize) return undefined;
    const seen =
      checkpoint.treeSize === previous.treeSize
        ? previous
        : await witnessedAtSize(db, checkpoint.origin, checkpoint.treeSize);
    return seen !== undefined && !seen.rootHash.equals(checkpoint.rootHash) ? seen : undefined;
  }

  /** Keeps the evidence once per size, and only so much per log. */
  private async keepRefusal(
    db: SqlClient,
    refusal: WitnessRefusal,
    certificate: X509Certificate,
  ): Promise<void> {
    const kept = await countWitnessRefusals(db, refusal.origin, refusal.treeSize);
    if (kept.atSize > 0 || kept.total >= MAX_REFUSALS_PER_LOG) return;
    await insertCertificate(
      db,
      refusal.certificate,
      refusal.origin,
      certificate.toString(),
      refusal.refusedAt,
    );
    await insertWitnessRefusal(db, refusal);
  }
}

type Outcome = { response: WitnessResponse } | { refused: AuditError };

function offeredCertificate(pem: string): X509Certificate {
  try {
    return new X509Certificate(pem);
  } catch {
    throw new AuditError(
      AuditErrorCode.CertificateUntrusted,
      'the certificate offered is not X.509',
    );
  }
}

function stale(message: string, origin: string, lastSeen: number): AuditError {
  return new AuditError(AuditErrorCode.CheckpointStale, message, { origin, lastSeen });
}

function head(origin: string, c: Checkpoint): WitnessedHead {
  return {
    origin,
    treeSize: c.treeSize,
    rootHash: c.rootHash.toString('base64'),
    timestamp: c.timestamp.toISOString(),
  };
}
