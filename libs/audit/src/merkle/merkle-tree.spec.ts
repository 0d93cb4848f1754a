import { createHash } from 'node:crypto';
import { MerkleFrontier } from './merkle-frontier';
import { MerkleTree } from './merkle-tree';
import { hashLeaf } from './rfc6962-hash';
import {
  CONSISTENCY_PROOFS,
  INCLUSION_PROOFS,
  LEAF_HASHES,
  LEAF_INPUTS,
  ROOTS,
} from './rfc6962.test-vectors';
import { verifyInclusion } from './verify-inclusion';

// A deliberately naive transcription of RFC 9162 §2.1.1, §2.1.3.1 and §2.1.4.1 (array slices,
// plain recursion, its own hashing), to cross-check the incremental tree against.
const sha256 = (...parts: Uint8Array[]): Buffer => {
  const hash = createHash('sha256');
  for (const part of parts) hash.update(part);
  return hash.digest();
};
const largestPowerOfTwoBelow = (n: number): number => 2 ** Math.floor(Math.log2(n - 1));

function mth(leaves: Buffer[]): Buffer {
  if (leaves.length === 0) return sha256();
  if (leaves.length === 1) return leaves[0];
  const k = largestPowerOfTwoBelow(leaves.length);
  return sha256(Buffer.of(1), mth(leaves.slice(0, k)), mth(leaves.slice(k)));
}

function path(m: number, leaves: Buffer[]): Buffer[] {
  if (leaves.length === 1) return [];
  const k = largestPowerOfTwoBelow(leaves.length);
  return m < k
    ? [...path(m, leaves.slice(0, k)), mth(leaves.slice(k))]
    : [...path(m - k, leaves.slice(k)), mth(leaves.slice(0, k))];
}

function subproof(m: number, leaves: Buffer[], b: boolean): Buffer[] {
  if (m === leaves.length) return b ? [] : [mth(leaves)];
  const k = largestPowerOfTwoBelow(leaves.length);
  return m <= k
    ? [...subproof(m, leaves.slice(0, k), b), mth(leaves.slice(k))]
    : [...subproof(m - k, leaves.slice(k), false), mth(leaves.slice(0, k))];
}

const hex = (hashes: Buffer[]): string[] => hashes.map((hash) => hash.toString('hex'));
const leafHashes = (count: number): Buffer[] =>
  Array.from({ length: count }, (_, i) => sha256(Buffer.of(0), Buffer.from(`entry ${i}`)));

describe(MerkleTree.name, () => {
  describe('known answers (CT reference tree)', () => {
    const tree = MerkleTree.fromLeafHashes(LEAF_INPUTS.map((input) => hashLeaf(input)));

    it('stores the reference leaf hashes', () => {
      expect(hex(LEAF_INPUTS.map((_, i) => tree.leafHash(i)))).toEqual(hex(LEAF_HASHES));
    });

    it('has the reference root at every size 0..8', () => {
      expect(hex(ROOTS.map((_, size) => tree.root(size)))).toEqual(hex(ROOTS));
    });

    it.each(INCLUSION_PROOFS)(
      'gives the reference inclusion proof of $index in $size',
      (vector) => {
        expect(hex(tree.inclusionProof(vector.index, vector.size))).toEqual(hex(vector.proof));
      },
    );

    it.each(CONSISTENCY_PROOFS)(
      'gives the reference consistency proof $size1 → $size2',
      (vector) => {
        expect(hex(tree.consistencyProof(vector.size1, vector.size2))).toEqual(hex(vector.proof));
      },
    );
  });

  describe('against the naive RFC 9162 transcription', () => {
    const leaves = leafHashes(64);
    const tree = MerkleTree.fromLeafHashes(leaves);

    it('has the same root at every size 0..64', () => {
      for (let n = 0; n <= 64; n++) expect(tree.root(n)).toEqual(mth(leaves.slice(0, n)));
    });

    it('gives PATH(m, D[n]) for every 0 ≤ m < n ≤ 64', () => {
      for (let n = 1; n <= 64; n++) {
        for (let m = 0; m < n; m++) {
          expect(hex(tree.inclusionProof(m, n))).toEqual(hex(path(m, leaves.slice(0, n))));
        }
      }
    });

    it('gives PROOF(m, D[n]) for every 0 < m ≤ n ≤ 64, and nothing for m = 0', () => {
      for (let n = 1; n <= 64; n++) {
        expect(tree.consistencyProof(0, n)).toEqual([]);
        for (let m = 1; m <= n; m++) {
          expect(hex(tree.consistencyProof(m, n))).toEqual(
            hex(subproof(m, leaves.slice(0, n), true)),
          );
        }
      }
    });

    it('keeps each root unchanged as the tree grows', () => {
      const growing = new MerkleTree();
      const roots = leaves.map((leaf, i) => {
        expect(growing.append(leaf)).toBe(i);
        return growing.root();
      });
      expect(hex(roots)).toEqual(hex(roots.map((_, i) => growing.root(i + 1))));
    });
  });

  it('stays correct across storage chunk boundaries', () => {
    const leaves = leafHashes(70_000);
    const tree = new MerkleTree();
    const frontier = new MerkleFrontier();
    for (const leaf of leaves) {
      tree.append(leaf);
      frontier.append(leaf);
    }
    const root = tree.root();
    expect(root).toEqual(mth(leaves));
    expect(root).toEqual(frontier.root());
    for (const index of [0, 32_767, 32_768, 65_535, 65_536, 69_999]) {
      const proof = tree.inclusionProof(index);
      expect(verifyInclusion(index, tree.size, leaves[index], proof, root)).toBe(true);
    }
  });

  it('has the empty-tree root when empty', () => {
    expect(new MerkleTree().root().toString('hex')).toBe(
      'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855',
    );
  });

  it('hands out copies, not views of its storage', () => {
    const tree = MerkleTree.fromLeafHashes(leafHashes(5));
    const before = hex([tree.root(), tree.root(4), tree.leafHash(0)]);
    tree.root(4).fill(0);
    tree.leafHash(0).fill(0);
    tree.inclusionProof(0).forEach((hash) => hash.fill(0));
    tree.consistencyProof(3).forEach((hash) => hash.fill(0));
    expect(hex([tree.root(), tree.root(4), tree.leafHash(0)])).toEqual(before);
  });

  it('rejects leaf hashes that are not 32 bytes', () => {
    expect(() => new MerkleTree().append(Buffer.alloc(31))).toThrow(RangeError);
  });

  it.each([
    ['root beyond the size', (t: MerkleTree) => t.root(6)],
    ['root of a fractional size', (t: MerkleTree) => t.root(2.5)],
    ['leaf beyond the size', (t: MerkleTree) => t.leafHash(5)],
    ['inclusion in an empty tree', (t: MerkleTree) => t.inclusionProof(0, 0)],
    ['inclusion of index = size', (t: MerkleTree) => t.inclusionProof(3, 3)],
    ['inclusion of a negative index', (t: MerkleTree) => t.inclusionProof(-1)],
    ['inclusion beyond the size', (t: MerkleTree) => t.inclusionProof(0, 6)],
    ['consistency with old > new', (t: MerkleTree) => t.consistencyProof(4, 3)],
    ['consistency beyond the size', (t: MerkleTree) => t.consistencyProof(1, 6)],
  ])('rejects %s', (_, call) => {
    expect(() => call(MerkleTree.fromLeafHashes(leafHashes(5)))).toThrow(RangeError);
  });
});
