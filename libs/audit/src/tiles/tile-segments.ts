import { HASH_SIZE } from '../merkle/rfc6962-hash';
import { TILE_HEIGHT, TILE_WIDTH } from './tile-path';

/**
 * Hashes of one tile appended in one step: tile (`level`, `index`) holds `hashes` at positions
 * `start`… . A tile is the concatenation of its segments in `start` order, so a tile grows by
 * new rows only — append-only storage, linear in the log's size — and a full tile, once
 * written, never changes.
 */
export interface TileSegment {
  readonly level: number;
  readonly index: number;
  readonly start: number;
  readonly hashes: Buffer;
}

/** What a tile segment needs from the tree: the hash of node `index` at binary `height`. */
export interface TileNodeSource {
  node(height: number, index: number): Buffer;
}

/** How many hashes tile level `level` holds for a tree of `treeSize` leaves, across all tiles. */
export function hashesAtTileLevel(treeSize: number, level: number): number {
  return Math.floor(treeSize / TILE_WIDTH ** level);
}

/** Width of tile (`level`, `index`) in a tree of `treeSize`: 0 (none), 1–255 (partial) or 256. */
export function tileWidth(treeSize: number, level: number, index: number): number {
  return Math.max(0, Math.min(TILE_WIDTH, hashesAtTileLevel(treeSize, level) - index * TILE_WIDTH));
}

/**
 * The segments a tree grown from `oldSize` to `newSize` leaves adds: at each tile level, the
 * hashes of the subtrees of 256^level leaves completed in between, cut at tile boundaries.
 */
export function tileSegmentsBetween(
  tree: TileNodeSource,
  oldSize: number,
  newSize: number,
): TileSegment[] {
  const segments: TileSegment[] = [];
  for (let level = 0; ; level++) {
    const from = hashesAtTileLevel(oldSize, level);
    const to = hashesAtTileLevel(newSize, level);
    if (to === from) break;
    for (let at = from; at < to;) {
      const index = Math.floor(at / TILE_WIDTH);
      const end = Math.min(to, (index + 1) * TILE_WIDTH);
      const hashes = Buffer.allocUnsafe((end - at) * HASH_SIZE);
      for (let i = at; i < end; i++) {
        tree.node(level * TILE_HEIGHT, i).copy(hashes, (i - at) * HASH_SIZE);
      }
      segments.push({ level, index, start: at - index * TILE_WIDTH, hashes });
      at = end;
    }
  }
  return segments;
}

/**
 * A tile from its segments (ordered by start), cut to `width` hashes; undefined when the
 * segments do not reach that far. Segments that do not join up are an altered store.
 */
export function joinTileSegments(
  segments: readonly { start: number; hashes: Buffer }[],
  width: number,
): Buffer | undefined {
  let length = 0;
  for (const s of segments) {
    if (s.start !== length || s.hashes.length % HASH_SIZE !== 0) {
      throw new RangeError(`tile segment at ${s.start} does not follow ${length} hashes`);
    }
    length += s.hashes.length / HASH_SIZE;
  }
  if (length < width) return undefined;
  return Buffer.concat(segments.map((s) => s.hashes)).subarray(0, width * HASH_SIZE);
}

/**
 * An entry bundle (c2sp.org/tlog-tiles): each entry as a big-endian uint16 length and its bytes,
 * the bytes whose RFC 6962 leaf hash is in tile level 0.
 */
export function encodeEntryBundle(entries: readonly Uint8Array[]): Buffer {
  const parts: Uint8Array[] = [];
  for (const entry of entries) {
    if (entry.length > 0xffff) throw new RangeError('an entry of a bundle is at most 65535 bytes');
    const length = Buffer.allocUnsafe(2);
    length.writeUInt16BE(entry.length);
    parts.push(length, entry);
  }
  return Buffer.concat(parts);
}

/** The entries of a bundle; throws on a truncated one. */
export function decodeEntryBundle(bundle: Uint8Array): Buffer[] {
  const data = Buffer.from(bundle.buffer, bundle.byteOffset, bundle.byteLength);
  const entries: Buffer[] = [];
  for (let at = 0; at < data.length;) {
    if (at + 2 > data.length) throw new RangeError('entry bundle truncated in a length');
    const length = data.readUInt16BE(at);
    if (at + 2 + length > data.length) throw new RangeError('entry bundle truncated in an entry');
    entries.push(data.subarray(at + 2, at + 2 + length));
    at += 2 + length;
  }
  return entries;
}
