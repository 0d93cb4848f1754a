import { createHash, X509Certificate } from 'node:crypto';
import type { Clock } from '@mxg/core';
import { AuditError, AuditErrorCode } from '../audit-error';
import { parseCheckpoint } from '../checkpoint/checkpoint';
import {
  type AuditTrust,
  checkCheckpointCertificate,
  pinnedCertificates,
  sameKey,
} from '../checkpoint/checkpoint-certificate';
import { checkpointKeyId, noteSignatureVerifies } from '../checkpoint/checkpoint-signature';
import { formatSignedNote, parseSignedNote } from '../checkpoint/signed-note';
import { partyOfKeyName, witnessKeyName } from '../log/log-identity';
import {
  insertCertificate,
  insertWitnessSignature,
  type StoredCheckpoint,
} from '../store/audit-log.repository';
import type { SqlClient } from '@mxg/database';
import type { WitnessTransport } from './witness.types';

const ALARMS = new Set<string>([
  AuditErrorCode.CheckpointInconsistent,
  AuditErrorCode.ConsistencyProofInvalid,
]);

export interface WitnessPeer {
  readonly party: string;
  readonly transport: WitnessTransport;
}

export interface WitnessClientOptions {
  db: SqlClient;
  origin: string;
  certificatePem: string;
  peers: readonly WitnessPeer[];
  /** Whose audit keys may cosign as a peer's witness: the parties' CAs, each party's pinned keys. */
  trust: AuditTrust;
  clock: Clock;
  /** RFC 9162 consistency proof between two sizes of our tree (the sequencer's tree). */
  consistencyProof: (oldSize: number, newSize: number) => Buffer[];
  logger?: { warn(message: string): void; error(message: string): void };
  /** Called for each checkpoint a witness did not cosign (#17: counted), with the AuditError code or `UNAVAILABLE`. */
  onFailure?(party: string, code: string): void;
}

/**
 * The log side of witnessing: sends each new checkpoint to every peer's witness and stores the
 * cosignatures it gets back. Runs beside the sequencer, never in its way: one submission per
 * peer at a time, and a newer checkpoint simply replaces one still waiting to be sent.
 */
export class WitnessClient {
  private readonly busy = new Set<string>();
  private readonly waiting = new Map<string, StoredCheckpoint>();
  private readonly certificate: X509Certificate;

  constructor(private readonly options: WitnessClientOptions) {
    this.certificate = new X509Certificate(options.certificatePem);
    const own = partyOfKeyName(options.origin);
    const self = options.peers.find((p) => p.party.toUpperCase() === own);
    if (self !== undefined) {
      // #10.1: a log's own key is never its witness, however it is configured.
      throw new AuditError(
        AuditErrorCode.CheckpointOriginMismatch,
        `${options.origin} cannot be witnessed by its own party ${self.party}: list another party's gateway under witnesses`,
      );
    }
  }

  /** Fire and forget: failures are logged, the next checkpoint tries again. */
  notify(checkpoint: StoredCheckpoint): void {
    for (const peer of this.options.peers) void this.drain(peer, checkpoint);
  }

  private async drain(peer: WitnessPeer, checkpoint: StoredCheckpoint): Promise<void> {
    if (this.busy.has(peer.party)) {
      this.waiting.set(peer.party, checkpoint);
      return;
    }
    this.busy.add(peer.party);
    let next: StoredCheckpoint | undefined = checkpoint;
    try {
      while (next !== undefined) {
        this.waiting.delete(peer.party);
        await this.submit(peer, next).catch((error: unknown) => {
          const message = error instanceof Error ? error.message : String(error);
          const log = this.options.logger;
          this.options.onFailure?.(
            peer.party,
            error instanceof AuditError ? error.code : 'UNAVAILABLE',
          );
          // A witness finding our log forked, or our own honest proof not linking our tree to
          // what it countersigned, means our log was rewritten: never routine. A stale
          // checkpoint or an outage is retried with the next one.
          if (error instanceof AuditError && ALARMS.has(error.code)) {
            log?.error(`audit witness ${peer.party} refused size ${next?.treeSize}: ${message}`);
          } else {
            log?.warn(
              `audit witness ${peer.party} did not cosign size ${next?.treeSize}: ${message}`,
            );
          }
        });
        next = this.waiting.get(peer.party);
      }
    } finally {
      this.busy.delete(peer.party);
    }
  }

  /** Sends one checkpoint to one witness and stores its verified cosignature. */
  async submit(peer: WitnessPeer, checkpoint: StoredCheckpoint): Promise<string> {
    const { origin, consistencyProof, certificatePem, db, clock } = this.options;
    const seen = await peer.transport.lastSeen(origin);
    const oldSize = seen?.treeSize ?? 0;
    if (oldSize > checkpoint.treeSize) {
      throw new AuditError(
        AuditErrorCode.CheckpointInconsistent,
        `witness ${peer.party} has seen size ${oldSize}, more than our ${checkpoint.treeSize}: our log lost entries`,
        { witness: peer.party, lastSeen: oldSize, size: checkpoint.treeSize },
      );
    }
    const proof = oldSize === 0 ? [] : consistencyProof(oldSize, checkpoint.treeSize);
    const response = await peer.transport.submit({
      note: checkpoint.note,
      oldSize,
      consistency: proof.map((h) => h.toString('base64')),
      certificate: certificatePem,
    });
    const note = this.cosignatureOf(peer, checkpoint, response);
    const fingerprint = createHash('sha256').update(note.certificate.raw).digest();
    const now = clock.now();
    await insertCertificate(db, fingerprint, note.name, note.certificate.toString(), now);
    await insertWitnessSignature(db, {
      treeSize: checkpoint.treeSize,
      witness: note.name,
      note: note.text,
      certificate: fingerprint,
      receivedAt: now,
    });
    return note.text;
  }

  /**
   * The peer's cosignature on exactly our note, by an audit key that may speak for the peer's
   * witness and is not our own; returned as our note plus that one line, so that what we keep
   * holds nothing else the reply carried.
   */
  private cosignatureOf(
    peer: WitnessPeer,
    checkpoint: StoredCheckpoint,
    response: { note: string; certificate: string },
  ): { name: string; text: string; certificate: X509Certificate } {
    const { trust } = this.options;
    const name = witnessKeyName(peer.party);
    const party = peer.party.toUpperCase();
    const ours = parseSignedNote(checkpoint.note);
    const theirs = parseSignedNote(response.note);
    if (theirs.body !== ours.body) {
      throw new AuditError(
        AuditErrorCode.WitnessFailed,
        `witness ${name} cosigned another checkpoint`,
      );
    }
    const candidates = pinnedCertificates(trust, party) ?? [
      new X509Certificate(response.certificate),
    ];
    const lines = theirs.signatures.filter((s) => s.keyName === name);
    const certificate = candidates.find((c) =>
      lines.some((s) => s.keyId === checkpointKeyId(c.publicKey)),
    );
    if (certificate === undefined) {
      throw new AuditError(
        AuditErrorCode.CheckpointSignatureInvalid,
        `no cosignature by an audit-checkpoint key of ${party} configured for ${name}`,
        { keyName: name },
      );
    }
    checkCheckpointCertificate(certificate, name, trust, parseCheckpoint(ours.body).timestamp);
    if (sameKey(certificate.publicKey, this.certificate.publicKey)) {
      throw new AuditError(
        AuditErrorCode.CheckpointOriginMismatch,
        `${name} cosigned with our own key: a log's own key is never its witness`,
      );
    }
    const keyId = checkpointKeyId(certificate.publicKey);
    const line = lines.find(
      (s) => s.keyId === keyId && noteSignatureVerifies(ours.body, s, certificate.publicKey),
    );
    if (line === undefined) {
      throw new AuditError(
        AuditErrorCode.CheckpointSignatureInvalid,
        `the cosignature by ${name} does not verify`,
        { keyName: name, keyId },
      );
    }
    return {
      name,
      certificate,
      text: formatSignedNote({ body: ours.body, signatures: [...ours.signatures, line] }),
    };
  }
}
