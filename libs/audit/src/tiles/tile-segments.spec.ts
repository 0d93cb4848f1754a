import { randomBytes } from 'node:crypto';
import { MerkleTree } from '../merkle/merkle-tree';
import { hashChildren, hashLeaf } from '../merkle/rfc6962-hash';
import {
  decodeEntryBundle,
  encodeEntryBundle,
  joinTileSegments,
  tileSegmentsBetween,
  tileWidth,
  type TileSegment,
} from './tile-segments';

const leaves = (n: number) => Array.from({ length: n }, (_, i) => hashLeaf(Buffer.from(`e${i}`)));

/** MTH of 2^k hashes by the RFC's recursion, independent of MerkleTree. */
function perfectRoot(hashes: Buffer[]): Buffer {
  if (hashes.length === 1) return hashes[0];
  const half = hashes.length / 2;
  return hashChildren(perfectRoot(hashes.slice(0, half)), perfectRoot(hashes.slice(half)));
}

/** Grows a tree in batches of the given sizes, keeping every segment each batch adds. */
function grow(batches: number[]): { tree: MerkleTree; segments: TileSegment[]; all: Buffer[] } {
  const all = leaves(batches.reduce((a, b) => a + b, 0));
  const tree = new MerkleTree();
  const segments: TileSegment[] = [];
  for (const size of batches) {
    const from = tree.size;
    for (let i = 0; i < size; i++) tree.append(all[from + i]);
    segments.push(...tileSegmentsBetween(tree, from, tree.size));
  }
  return { tree, segments, all };
}

const tileOf = (segments: TileSegment[], level: number, index: number, width: number) =>
  joinTileSegments(
    segments.filter((s) => s.level === level && s.index === index),
    width,
  );

describe('tile segments', () => {
  it('stores level 0 as the leaf hashes and level 1 as the roots of full level-0 tiles', () => {
    const { segments, all } = grow([100, 100, 100, 300, 1]);
    expect(tileOf(segments, 0, 0, 256)).toEqual(Buffer.concat(all.slice(0, 256)));
    expect(tileOf(segments, 0, 2, 89)).toEqual(Buffer.concat(all.slice(512, 601)));
    expect(tileOf(segments, 0, 2, 90)).toBeUndefined();
    expect(tileOf(segments, 1, 0, 2)).toEqual(
      Buffer.concat([perfectRoot(all.slice(0, 256)), perfectRoot(all.slice(256, 512))]),
    );
    // No hash of an incomplete subtree is ever stored.
    expect(tileOf(segments, 1, 0, 3)).toBeUndefined();
    expect(segments.some((s) => s.level === 2)).toBe(false);
  });

  it('cuts a batch at tile boundaries and starts each segment where the last one ended', () => {
    const { segments } = grow([200, 100]);
    expect(segments.map((s) => [s.level, s.index, s.start, s.hashes.length / 32])).toEqual([
      [0, 0, 0, 200],
      [0, 0, 200, 56],
      [0, 1, 0, 44],
      [1, 0, 0, 1],
    ]);
  });

  it('writes the same tiles whatever the batches', () => {
    const one = grow([70_000]);
    const many = grow([1, 255, 1, 65_279, 4_464]);
    for (const [level, index, width] of [
      [0, 0, 256],
      [0, 273, 112],
      [1, 0, 256],
      [1, 1, 17],
      [2, 0, 1],
    ]) {
      expect(tileOf(many.segments, level, index, width)).toEqual(
        tileOf(one.segments, level, index, width),
      );
    }
    expect(tileOf(one.segments, 2, 0, 1)).toEqual(perfectRoot(one.all.slice(0, 65_536)));
  });

  it('gives each tile’s width for a tree size', () => {
    expect(tileWidth(0, 0, 0)).toBe(0);
    expect(tileWidth(600, 0, 0)).toBe(256);
    expect(tileWidth(600, 0, 2)).toBe(88);
    expect(tileWidth(600, 0, 3)).toBe(0);
    expect(tileWidth(600, 1, 0)).toBe(2);
    expect(tileWidth(600, 2, 0)).toBe(0);
  });

  it('refuses segments that do not join up (an altered store)', () => {
    const h = randomBytes(64);
    expect(() =>
      joinTileSegments(
        [
          { start: 0, hashes: h },
          { start: 3, hashes: h },
        ],
        4,
      ),
    ).toThrow(/does not follow 2 hashes/);
    expect(() => joinTileSegments([{ start: 0, hashes: h.subarray(0, 33) }], 1)).toThrow(
      RangeError,
    );
  });
});

describe('entry bundles', () => {
  it('round-trips entries as uint16 big-endian length and bytes', () => {
    const entries = [Buffer.from('a'), Buffer.alloc(0), randomBytes(300)];
    const bundle = encodeEntryBundle(entries);
    expect(bundle.subarray(0, 3)).toEqual(Buffer.from([0, 1, 0x61]));
    expect(bundle.readUInt16BE(5)).toBe(300);
    expect(decodeEntryBundle(bundle)).toEqual(entries);
  });

  it('refuses an entry over 65535 bytes and a truncated bundle', () => {
    expect(() => encodeEntryBundle([Buffer.alloc(65_536)])).toThrow(RangeError);
    const bundle = encodeEntryBundle([Buffer.from('abc')]);
    expect(() => decodeEntryBundle(bundle.subarray(0, 4))).toThrow(/truncated in an entry/);
    expect(() => decodeEntryBundle(Buffer.from([0]))).toThrow(/truncated in a length/);
  });
});
