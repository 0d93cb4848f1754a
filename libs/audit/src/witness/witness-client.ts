import { createHash, X509Certificate } from 'node:crypto';
import type { Clock } from '@mxg/core';
import { AuditError, AuditErrorCode } from '../audit-error';
import { parseCheckpoint } from '../checkpoint/checkpoint';
import { checkCheckpointCertificate } from '../checkpoint/checkpoint-certificate';
import { verifyCheckpointSignature } from '../checkpoint/checkpoint-signature';
import { parseSignedNote } from '../checkpoint/signed-note';
import { witnessKeyName } from '../log/log-identity';
import {
  insertCertificate,
  insertWitnessSignature,
  type StoredCheckpoint,
} from '../store/audit-log.repository';
import type { SqlClient } from '../store/sql-client';
import type { WitnessTransport } from './witness.types';

export interface WitnessPeer {
  readonly party: string;
  readonly transport: WitnessTransport;
}

export interface WitnessClientOptions {
  db: SqlClient;
  origin: string;
  certificatePem: string;
  peers: readonly WitnessPeer[];
  trustedCas: readonly X509Certificate[];
  clock: Clock;
  /** RFC 9162 consistency proof between two sizes of our tree (the sequencer's tree). */
  consistencyProof: (oldSize: number, newSize: number) => Buffer[];
  logger?: { warn(message: string): void; error(message: string): void };
}

/**
 * The log side of witnessing: sends each new checkpoint to every peer's witness and stores the
 * cosignatures it gets back. Runs beside the sequencer, never in its way: one submission per
 * peer at a time, and a newer checkpoint simply replaces one still waiting to be sent.
 */
export class WitnessClient {
  private readonly busy = new Set<string>();
  private readonly waiting = new Map<string, StoredCheckpoint>();

  constructor(private readonly options: WitnessClientOptions) {}

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
          // A witness refusing our checkpoint is evidence of a rewritten log: never routine.
          if (error instanceof AuditError && error.code === AuditErrorCode.CheckpointInconsistent) {
            log?.error(`audit witness ${peer.party} refused size ${next?.treeSize}: ${message}`);
          } else {
            log?.warn(`audit witness ${peer.party} unavailable: ${message}`);
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
    const { origin, consistencyProof, certificatePem, trustedCas, clock, db } = this.options;
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
    const name = witnessKeyName(peer.party);
    const certificate = new X509Certificate(response.certificate);
    checkCheckpointCertificate(certificate, name, trustedCas, clock.now());
    const cosigned = verifyCheckpointSignature(response.note, certificate.publicKey, name);
    const ours = parseCheckpoint(parseSignedNote(checkpoint.note).body);
    if (cosigned.treeSize !== ours.treeSize || !cosigned.rootHash.equals(ours.rootHash)) {
      throw new AuditError(
        AuditErrorCode.WitnessFailed,
        `witness ${name} cosigned another checkpoint`,
      );
    }
    const fingerprint = createHash('sha256').update(certificate.raw).digest();
    const now = clock.now();
    await insertCertificate(db, fingerprint, name, certificate.toString(), now);
    await insertWitnessSignature(db, {
      treeSize: checkpoint.treeSize,
      witness: name,
      note: response.note,
      certificate: fingerprint,
      receivedAt: now,
    });
    return response.note;
  }
}
