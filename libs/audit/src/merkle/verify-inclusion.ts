import { HASH_SIZE, hashChildren } from './rfc6962-hash';

/**
 * RFC 9162 §2.1.3.2: recomputes the root from a leaf hash and its audit path. Undefined when the
 * inputs cannot describe an inclusion proof (index outside the tree, wrong path length, hashes
 * of the wrong size). Numbers, not 32-bit bit operators, so sizes up to 2^53 work.
 */
export function rootFromInclusionProof(
  leafIndex: number,
  treeSize: number,
  leafHash: Uint8Array,
  proof: readonly Uint8Array[],
): Buffer | undefined {
  if (!Number.isSafeInteger(leafIndex) || !Number.isSafeInteger(treeSize)) return undefined;
  if (leafIndex < 0 || leafIndex >= treeSize || leafHash.length !== HASH_SIZE) return undefined;
  let fn = leafIndex;
  let sn = treeSize - 1;
  let r: Buffer = Buffer.from(leafHash);
  for (const p of proof) {
    if (sn === 0 || p.length !== HASH_SIZE) return undefined;
    if (fn % 2 === 1 || fn === sn) {
      r = hashChildren(p, r);
      // fn is the last node of its level: skip the levels where it has no right sibling.
      while (fn % 2 === 0 && fn !== 0) {
        fn /= 2;
        sn = Math.floor(sn / 2);
      }
    } else {
      r = hashChildren(r, p);
    }
    fn = Math.floor(fn / 2);
    sn = Math.floor(sn / 2);
  }
  return sn === 0 ? r : undefined;
}

/** Whether `proof` shows that `leafHash` is leaf `leafIndex` of the tree of `treeSize` with `rootHash`. */
export function verifyInclusion(
  leafIndex: number,
  treeSize: number,
  leafHash: Uint8Array,
  proof: readonly Uint8Array[],
  rootHash: Uint8Array,
): boolean {
  const computed = rootFromInclusionProof(leafIndex, treeSize, leafHash, proof);
  return computed !== undefined && computed.equals(rootHash);
}
