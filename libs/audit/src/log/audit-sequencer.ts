import { createHash, X509Certificate } from 'node:crypto';
import type { Clock } from '@mxg/core';
import { AuditError, AuditErrorCode } from '../audit-error';
import { formatCheckpoint } from '../checkpoint/checkpoint';
import { signCheckpoint } from '../checkpoint/checkpoint-signature';
import type { NoteSigner } from '../checkpoint/note-signer';
import { MerkleTree } from '../merkle/merkle-tree';
import {
  insertCertificate,
  insertCheckpoint,
  insertSequenced,
  latestCheckpoint,
  readUnsequenced,
  sequencerCursor,
  tryLockSequencer,
  type SequencerCursor,
  type StoredCheckpoint,
} from '../store/audit-log.repository';
import type { SqlClient } from '@mxg/database';
import { tileSegmentsBetween } from '../tiles/tile-segments';
import { auditLeafHash } from './audit-leaf';
import { rebuildStoredTree } from './stored-tree';

/** A connection of its own: the leader's advisory lock lives as long as this session. */
export interface SqlSession extends SqlClient {
  end(): Promise<void>;
}

export interface AuditSequencerOptions {
  connect(): Promise<SqlSession>;
  clock: Clock;
  /** The log's identity (`mxg.kz/audit`), its audit-checkpoint key (an operation) and certificate. */
  origin: string;
  signer: NoteSigner;
  /** Stored with each checkpoint, so that exports carry every key the log ever signed with. */
  certificatePem: string;
  batchSize?: number;
}

/**
 * Sequencer and checkpointer of one gateway database. Only the session holding the advisory
 * lock leads, so any number of gateway instances may run one; the others wait. The leader
 * reads entries whose transactions have ended, gives them gap-free `seq`s, hashes them into the
 * RFC 6962 tree held in memory (rebuilt from storage when it takes over) and stores, per batch,
 * the ids it numbered and the tiles of hashes it completed (tlog-tiles); `checkpoint()` signs
 * the tree head when it has grown.
 */
export class AuditSequencer {
  private session: SqlSession | undefined;
  private merkle: MerkleTree | undefined;
  private cursor: SequencerCursor = { xid: '0', id: '0' };
  private last: StoredCheckpoint | undefined;
  private readonly batchSize: number;
  private readonly certificate: X509Certificate;
  private readonly certificateSha256: Buffer;

  constructor(private readonly options: AuditSequencerOptions) {
    this.batchSize = options.batchSize ?? 2000;
    this.certificate = new X509Certificate(options.certificatePem);
    if (!this.certificate.publicKey.equals(options.signer.publicKey)) {
      throw new AuditError(
        AuditErrorCode.CheckpointKeyUnsupported,
        'the audit-checkpoint private key does not match its certificate',
      );
    }
    this.certificateSha256 = createHash('sha256').update(this.certificate.raw).digest();
  }

  get leading(): boolean {
    return this.merkle !== undefined;
  }

  /** The tree as sequenced so far (leader only): proofs for witnesses and exports. */
  get tree(): MerkleTree {
    if (this.merkle === undefined) throw new Error('not the audit sequencer leader');
    return this.merkle;
  }

  get lastCheckpoint(): StoredCheckpoint | undefined {
    return this.last;
  }

  /**
   * Tries to become the leader and, if so, rebuilds the tree from storage and checks it: every
   * entry still hashes to its leaf, the tiles above level 0 are the tree's, and the tree yields
   * the last signed checkpoint. A log altered underneath us is refused: we sign nothing on top.
   */
  async tryLead(): Promise<boolean> {
    if (this.leading) return true;
    const session = await this.options.connect();
    try {
      if (!(await tryLockSequencer(session))) {
        await session.end();
        return false;
      }
      const tree = await rebuildStoredTree(session, diverged);
      const last = await latestCheckpoint(session);
      if (last && (last.treeSize > tree.size || !tree.root(last.treeSize).equals(last.rootHash))) {
        diverged(`the stored tiles do not yield the signed checkpoint of size ${last.treeSize}`);
      }
      this.cursor = await sequencerCursor(session);
      await insertCertificate(
        session,
        this.certificateSha256,
        this.options.origin,
        this.certificate.toString(),
        this.options.clock.now(),
      );
      this.last = last;
      this.session = session;
      this.merkle = tree;
      return true;
    } catch (error) {
      await session.end().catch(() => undefined);
      throw error;
    }
  }

  /** Sequences up to one batch; returns how many entries it sequenced. */
  async sequence(): Promise<number> {
    const session = this.requireSession();
    const tree = this.tree;
    const pending = await readUnsequenced(session, this.cursor, this.batchSize);
    if (pending.length === 0) return 0;
    const firstSeq = tree.size;
    // The tree computes the tiles' hashes, so it grows first; if storing fails, leadership is
    // dropped with it and the next leader rebuilds the tree from the database, the one truth.
    for (let i = 0; i < pending.length; i++) {
      tree.append(auditLeafHash(pending[i].toEntry(firstSeq + i)));
    }
    const last = pending[pending.length - 1].cursor;
    try {
      await insertSequenced(
        session,
        {
          firstSeq,
          entryIds: pending.map((p) => p.id),
          last,
          sequencedAt: this.options.clock.now(),
        },
        tileSegmentsBetween(tree, firstSeq, tree.size),
      );
    } catch (error) {
      await this.release();
      throw error;
    }
    this.cursor = last;
    return pending.length;
  }

  /** Signs and stores a checkpoint if the tree grew since the last one; returns it if so. */
  async checkpoint(): Promise<StoredCheckpoint | undefined> {
    const session = this.requireSession();
    const tree = this.tree;
    if (tree.size === 0 || tree.size === this.last?.treeSize) return undefined;
    // Witnesses refuse a checkpoint older than the last one they saw (cosignCheckpoint), so a
    // clock stepping back must not move checkpoint time back.
    const now = this.options.clock.now();
    const signedAt = this.last && this.last.signedAt > now ? this.last.signedAt : now;
    const rootHash = tree.root();
    const body = formatCheckpoint({
      origin: this.options.origin,
      treeSize: tree.size,
      rootHash,
      timestamp: signedAt,
    });
    const checkpoint: StoredCheckpoint = {
      treeSize: tree.size,
      rootHash,
      signedAt,
      note: await signCheckpoint(body, this.options.signer, this.options.origin),
      certificate: this.certificateSha256,
    };
    await insertCheckpoint(session, checkpoint);
    this.last = checkpoint;
    return checkpoint;
  }

  /** Gives up leadership (ending the session releases the advisory lock). */
  async release(): Promise<void> {
    const session = this.session;
    this.session = undefined;
    this.merkle = undefined;
    await session?.end().catch(() => undefined);
  }

  private requireSession(): SqlSession {
    if (this.session === undefined) throw new Error('not the audit sequencer leader');
    return this.session;
  }
}

function diverged(message: string): never {
  throw new AuditError(AuditErrorCode.LogDiverged, `the audit log was altered: ${message}`);
}
