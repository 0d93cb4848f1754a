import { AuditError } from '../audit-error';
import { MerkleTree } from './merkle-tree';
import { assertConsistency } from './proof-assertions';
import { emptyRootHash, hashChildren, hashLeaf } from './rfc6962-hash';
import { CONSISTENCY_PROOFS, ROOTS } from './rfc6962.test-vectors';
import { verifyConsistency } from './verify-consistency';

const flipBit = (hash: Uint8Array, bit = 4): Buffer => {
  const copy = Buffer.from(hash);
  copy[0] ^= 1 << bit;
  return copy;
};
const empty = emptyRootHash();
const root1 = hashLeaf(Buffer.from('root 1'));
const root2 = hashLeaf(Buffer.from('root 2'));

describe(verifyConsistency.name, () => {
  it.each(CONSISTENCY_PROOFS)(
    'accepts the reference proof $size1 → $size2',
    ({ size1, size2, proof }) => {
      expect(verifyConsistency(size1, size2, proof, ROOTS[size1], ROOTS[size2])).toBe(true);
    },
  );

  it.each([
    ['0 → 0, same root', 0, 0, [], root1, root1, true],
    ['0 → 0, different roots', 0, 0, [], root1, root2, false],
    ['1 → 1, same root', 1, 1, [], root2, root2, true],
    ['1 → 1, different roots', 1, 1, [], root1, root2, false],
    ['0 → 1 from the empty tree', 0, 1, [], empty, root2, true],
    ['0 → 1 from a non-empty root', 0, 1, [], root1, root2, false],
    ['1 → 0, time travel', 1, 0, [], root1, root2, false],
    ['2 → 1, time travel', 2, 1, [], root1, root2, false],
    ['1 → 2 with an empty proof', 1, 2, [], root1, root2, false],
    ['0 → 0 with a non-empty proof', 0, 0, [empty], empty, empty, false],
    ['0 → 1 with a non-empty proof', 0, 1, [empty], empty, empty, false],
    ['1 → 1 with a non-empty proof', 1, 1, [empty], empty, empty, false],
    ['negative size', -1, 1, [], empty, root2, false],
    ['fractional size', 0.5, 1, [root1], root1, root2, false],
    ['roots that are not 32 bytes', 1, 1, [], Buffer.alloc(0), Buffer.alloc(0), false],
  ])('%s', (_, size1, size2, proof, first, second, expected) => {
    expect(verifyConsistency(size1, size2, proof, first, second)).toBe(expected);
  });

  it('handles sizes beyond 32 bits', () => {
    // 2^40 → 2^40 + 1: the old root is a node of the new tree, so the proof is the new leaf.
    const leaf = hashLeaf(Buffer.from('next'));
    const newRoot = hashChildren(root1, leaf);
    expect(verifyConsistency(2 ** 40, 2 ** 40 + 1, [leaf], root1, newRoot)).toBe(true);
    expect(verifyConsistency(2 ** 40 - 1, 2 ** 40 + 1, [leaf], root1, newRoot)).toBe(false);
  });

  describe('every proof between trees of 0..70 leaves', () => {
    const leaves = Array.from({ length: 70 }, (_, i) => hashLeaf(Buffer.from(`entry ${i}`)));
    const tree = MerkleTree.fromLeafHashes(leaves);
    const roots = Array.from({ length: 71 }, (_, size) => tree.root(size));
    const cases = [] as { size1: number; size2: number; proof: Buffer[] }[];
    for (let size2 = 0; size2 <= 70; size2++) {
      for (let size1 = 0; size1 <= size2; size1++) {
        cases.push({ size1, size2, proof: tree.consistencyProof(size1, size2) });
      }
    }
    const nonTrivial = cases.filter(({ proof }) => proof.length > 0);
    // Collected rather than asserted one by one: ~10^5 probes, and the failures read better.
    const accepted = (
      probe: (c: (typeof cases)[number], r1: Buffer, r2: Buffer) => [string, boolean][],
    ) =>
      nonTrivial.flatMap((c) =>
        probe(c, roots[c.size1], roots[c.size2])
          .filter(([, ok]) => ok)
          .map(([what]) => `${what} for ${c.size1} → ${c.size2}`),
      );

    it('verifies', () => {
      const rejected = cases.filter(
        (c) => !verifyConsistency(c.size1, c.size2, c.proof, roots[c.size1], roots[c.size2]),
      );
      expect(rejected).toEqual([]);
      expect(nonTrivial).toHaveLength((70 * 69) / 2);
    });

    it('fails once any hash is tampered with', () => {
      const wrong = accepted(({ size1, size2, proof }, r1, r2) => [
        ['flipped root1', verifyConsistency(size1, size2, proof, flipBit(r1), r2)],
        ['flipped root2', verifyConsistency(size1, size2, proof, r1, flipBit(r2))],
        ['swapped roots', verifyConsistency(size1, size2, proof, r2, r1)],
        ...proof.map((_, i): [string, boolean] => [
          `flipped proof[${i}]`,
          verifyConsistency(
            size1,
            size2,
            proof.map((h, j) => (i === j ? flipBit(h) : h)),
            r1,
            r2,
          ),
        ]),
      ]);
      expect(wrong).toEqual([]);
    });

    it('fails with hashes removed or added', () => {
      const wrong = accepted(({ size1, size2, proof }, r1, r2) =>
        Object.entries({
          empty: [],
          'last removed': proof.slice(0, -1),
          'first removed': proof.slice(1),
          'trailing root1': [...proof, r1],
          'trailing root2': [...proof, r2],
          'preceding root1': [r1, ...proof],
          'preceding root2': [r2, ...proof],
          'preceding proof[0]': [proof[0], ...proof],
          'trailing garbage': [...proof, Buffer.alloc(0)],
        }).map(([what, wrongProof]): [string, boolean] => [
          what,
          verifyConsistency(size1, size2, wrongProof, r1, r2),
        ]),
      );
      expect(wrong).toEqual([]);
    });

    it('fails for other tree sizes, with their roots or the same roots', () => {
      const wrong = accepted(({ size1, size2, proof }, r1, r2) => [
        ...[
          [size1 - 1, size2],
          [size1 + 1, size2],
          [size1, size2 - 1],
          [size1, size2 + 1],
        ].map(([s1, s2]): [string, boolean] => [
          `sizes ${s1} → ${s2}`,
          s1 >= 0 && s1 <= s2 && s2 <= 70 && verifyConsistency(s1, s2, proof, roots[s1], roots[s2]),
        ]),
        ['double size2', verifyConsistency(size1, size2 * 2, proof, r1, r2)],
        ['half size2', verifyConsistency(size1, Math.floor(size2 / 2), proof, r1, r2)],
        ['size1 - 1, same roots', verifyConsistency(size1 - 1, size2, proof, r1, r2)],
        ['size1 + 1, same roots', verifyConsistency(size1 + 1, size2, proof, r1, r2)],
      ]);
      expect(wrong).toEqual([]);
    });
  });
});

describe(assertConsistency.name, () => {
  it('passes a valid proof and throws AUDIT_CONSISTENCY_PROOF_INVALID otherwise', () => {
    const { size1, size2, proof } = CONSISTENCY_PROOFS[2];
    expect(() => assertConsistency(size1, size2, proof, ROOTS[size1], ROOTS[size2])).not.toThrow();
    const call = () => assertConsistency(size1, size2, proof, ROOTS[size2], ROOTS[size1]);
    expect(call).toThrow(AuditError);
    expect(call).toThrow('AUDIT_CONSISTENCY_PROOF_INVALID');
  });
});
