import { HASH_SIZE } from '../merkle/rfc6962-hash';
import { MerkleTree } from '../merkle/merkle-tree';
import {
  readEntriesInRange,
  readSequencedBatches,
  readTileSegments,
} from '../store/audit-log.repository';
import type { SqlClient } from '@mxg/database';
import { TILE_HEIGHT, TILE_WIDTH } from '../tiles/tile-path';
import { hashesAtTileLevel } from '../tiles/tile-segments';
import { auditLeafHash } from './audit-leaf';

const SEGMENT_LOAD_BATCH = 2_000;
const BATCH_LOAD = 1_000;
const ENTRY_LOAD_BATCH = 20_000;

/**
 * The tree as stored, checked end to end: level-0 tiles (the leaf hashes) joined without a gap,
 * the sequenced batches numbering exactly those leaves, every entry re-hashed to its leaf, and
 * every tile above level 0 equal to the tree's own node. `diverged` is called with what is wrong;
 * the caller then compares the tree with the last signed checkpoint.
 */
export async function rebuildStoredTree(
  db: SqlClient,
  diverged: (message: string) => never,
): Promise<MerkleTree> {
  const tree = new MerkleTree();
  for (;;) {
    const segments = await readTileSegments(db, 0, tree.size, SEGMENT_LOAD_BATCH);
    for (const s of segments) {
      if (s.index * TILE_WIDTH + s.start !== tree.size) {
        diverged(`tile 0/${s.index} has a segment at ${s.start} after leaf ${tree.size - 1}`);
      }
      for (let at = 0; at < s.hashes.length; at += HASH_SIZE) {
        tree.append(s.hashes.subarray(at, at + HASH_SIZE));
      }
    }
    if (segments.length < SEGMENT_LOAD_BATCH) break;
  }

  let numbered = 0;
  for (;;) {
    const batches = await readSequencedBatches(db, numbered, BATCH_LOAD);
    for (const b of batches) {
      if (b.firstSeq !== numbered) diverged(`seq ${numbered} is in no sequenced batch`);
      numbered += b.entryIds.length;
    }
    if (batches.length < BATCH_LOAD) break;
  }
  if (numbered !== tree.size) {
    diverged(`${numbered} entries were sequenced but the tiles hold ${tree.size} leaves`);
  }

  for (let seq = 0; seq < tree.size;) {
    const entries = await readEntriesInRange(db, seq, tree.size, ENTRY_LOAD_BATCH);
    for (const entry of entries) {
      if (entry.seq !== seq) diverged(`entry ${seq} is missing`);
      if (!auditLeafHash(entry).equals(tree.leafHash(seq))) {
        diverged(`entry ${seq} no longer hashes to its leaf`);
      }
      seq++;
    }
    if (entries.length === 0) diverged(`entry ${seq} is missing`);
  }

  for (let level = 1; ; level++) {
    const expected = hashesAtTileLevel(tree.size, level);
    let seen = 0;
    for (;;) {
      const segments = await readTileSegments(db, level, seen, SEGMENT_LOAD_BATCH);
      for (const s of segments) {
        if (s.index * TILE_WIDTH + s.start !== seen) {
          diverged(`tile ${level}/${s.index} has a segment at ${s.start} after hash ${seen - 1}`);
        }
        for (let at = 0; at < s.hashes.length; at += HASH_SIZE, seen++) {
          if (seen >= expected) diverged(`tile level ${level} holds more than ${expected} hashes`);
          const node = tree.node(level * TILE_HEIGHT, seen);
          if (!node.equals(s.hashes.subarray(at, at + HASH_SIZE))) {
            diverged(`tile ${level}/${s.index} does not hold the tree's hash ${seen}`);
          }
        }
      }
      if (segments.length < SEGMENT_LOAD_BATCH) break;
    }
    if (seen !== expected) diverged(`tile level ${level} holds ${seen} of ${expected} hashes`);
    if (expected === 0) break;
  }
  return tree;
}
