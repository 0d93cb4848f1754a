import { AuditError } from '../audit-error';
import { MerkleTree } from './merkle-tree';
import { assertInclusion } from './proof-assertions';
import { emptyRootHash, hashChildren, hashLeaf } from './rfc6962-hash';
import { INCLUSION_PROOFS, LEAF_HASHES, ROOTS } from './rfc6962.test-vectors';
import { rootFromInclusionProof, verifyInclusion } from './verify-inclusion';

const flipBit = (hash: Uint8Array, bit = 3): Buffer => {
  const copy = Buffer.from(hash);
  copy[0] ^= 1 << bit;
  return copy;
};
const someHash = Buffer.from(
  'abacaba000000000000000000000000000000000000000000060061e00123456',
  'hex',
);

describe(verifyInclusion.name, () => {
  it.each(INCLUSION_PROOFS)(
    'accepts the reference proof of $index in $size',
    ({ index, size, proof }) => {
      expect(rootFromInclusionProof(index, size, LEAF_HASHES[index], proof)).toEqual(ROOTS[size]);
      expect(verifyInclusion(index, size, LEAF_HASHES[index], proof, ROOTS[size])).toBe(true);
    },
  );

  it('accepts a single-leaf tree whose root is the leaf hash', () => {
    const leaf = hashLeaf(Buffer.from('data'));
    expect(verifyInclusion(0, 1, leaf, [], leaf)).toBe(true);
    expect(verifyInclusion(0, 1, leaf, [], Buffer.alloc(0))).toBe(false);
    expect(verifyInclusion(0, 1, Buffer.alloc(0), [], leaf)).toBe(false);
  });

  it.each([
    [0, 0],
    [1, 0],
    [2, 1],
    [-1, 1],
    [0.5, 1],
    [0, 2 ** 53],
  ])('rejects index %d in a tree of %d', (index, size) => {
    expect(verifyInclusion(index, size, someHash, [], emptyRootHash())).toBe(false);
    expect(verifyInclusion(index, size, someHash, [], someHash)).toBe(false);
  });

  it('handles indices beyond 32 bits', () => {
    // The last leaf of a tree of 2^40 + 1 is proven by the root of the first 2^40 leaves alone.
    const left = hashLeaf(Buffer.from('first 2^40 leaves'));
    const leaf = hashLeaf(Buffer.from('last'));
    const root = hashChildren(left, leaf);
    expect(verifyInclusion(2 ** 40, 2 ** 40 + 1, leaf, [left], root)).toBe(true);
    expect(verifyInclusion(2 ** 40 - 1, 2 ** 40 + 1, leaf, [left], root)).toBe(false);
  });

  describe('every proof in trees of 1..70 leaves', () => {
    const leaves = Array.from({ length: 70 }, (_, i) => hashLeaf(Buffer.from(`entry ${i}`)));
    const tree = MerkleTree.fromLeafHashes(leaves);
    const cases = [] as { index: number; size: number; proof: Buffer[]; root: Buffer }[];
    for (let size = 1; size <= 70; size++) {
      for (let index = 0; index < size; index++) {
        cases.push({ index, size, proof: tree.inclusionProof(index, size), root: tree.root(size) });
      }
    }
    // Collected rather than asserted one by one: ~10^5 probes, and the failures read better.
    const accepted = (probe: (c: (typeof cases)[number], leaf: Buffer) => [string, boolean][]) =>
      cases.flatMap((c) =>
        probe(c, leaves[c.index])
          .filter(([, ok]) => ok)
          .map(([what]) => `${what} for ${c.index} in ${c.size}`),
      );

    it('verifies', () => {
      const rejected = cases.filter(
        (c) => !verifyInclusion(c.index, c.size, leaves[c.index], c.proof, c.root),
      );
      expect(rejected).toEqual([]);
    });

    it('fails once any hash is tampered with', () => {
      const wrong = accepted(({ index, size, proof, root }, leaf) => [
        ['flipped leaf', verifyInclusion(index, size, flipBit(leaf), proof, root)],
        ['flipped root', verifyInclusion(index, size, leaf, proof, flipBit(root))],
        ...proof.map((_, i): [string, boolean] => [
          `flipped proof[${i}]`,
          verifyInclusion(
            index,
            size,
            leaf,
            proof.map((h, j) => (i === j ? flipBit(h) : h)),
            root,
          ),
        ]),
      ]);
      expect(wrong).toEqual([]);
    });

    it('fails with hashes removed, added or swapped', () => {
      const wrong = accepted(({ index, size, proof, root }, leaf) => [
        [
          'last removed',
          proof.length > 0 && verifyInclusion(index, size, leaf, proof.slice(0, -1), root),
        ],
        [
          'first removed',
          proof.length > 0 && verifyInclusion(index, size, leaf, proof.slice(1), root),
        ],
        [
          'inserted',
          proof.length > 0 &&
            verifyInclusion(index, size, leaf, [proof[0], someHash, ...proof.slice(1)], root),
        ],
        [
          'reversed',
          proof.length > 1 && verifyInclusion(index, size, leaf, [...proof].reverse(), root),
        ],
        ['trailing root', verifyInclusion(index, size, leaf, [...proof, root], root)],
        ['preceding root', verifyInclusion(index, size, leaf, [root, ...proof], root)],
        ['trailing garbage', verifyInclusion(index, size, leaf, [...proof, Buffer.alloc(0)], root)],
      ]);
      expect(wrong).toEqual([]);
    });

    it('fails for any other index', () => {
      const wrong = accepted(({ index, size, proof, root }, leaf) =>
        Array.from({ length: size }, (_, other): [string, boolean] => [
          `index ${other}`,
          other !== index && verifyInclusion(other, size, leaf, proof, root),
        ]),
      );
      expect(wrong).toEqual([]);
    });

    it('fails for another tree size, with that size’s root or the same root', () => {
      const wrong = accepted(({ index, size, proof, root }, leaf) => [
        ...[size - 1, size + 1].map((other): [string, boolean] => [
          `size ${other}`,
          other > index &&
            other <= 70 &&
            verifyInclusion(index, other, leaf, proof, tree.root(other)),
        ]),
        ['double size', verifyInclusion(index, size * 2, leaf, proof, root)],
        ['half size', verifyInclusion(index, Math.floor(size / 2), leaf, proof, root)],
      ]);
      expect(wrong).toEqual([]);
    });
  });
});

describe(assertInclusion.name, () => {
  it('passes a valid proof and throws AUDIT_INCLUSION_PROOF_INVALID otherwise', () => {
    const { index, size, proof } = INCLUSION_PROOFS[2];
    expect(() =>
      assertInclusion(index, size, LEAF_HASHES[index], proof, ROOTS[size]),
    ).not.toThrow();
    let thrown: unknown;
    try {
      assertInclusion(index, size, LEAF_HASHES[0], proof, ROOTS[size]);
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(AuditError);
    expect(thrown).toMatchObject({
      code: 'AUDIT_INCLUSION_PROOF_INVALID',
      details: { leafIndex: index },
    });
  });
});
