import { HASH_SIZE, emptyRootHash, hashChildren, isPowerOfTwo } from './rfc6962-hash';

/**
 * Whether `proof` shows that the tree of `size1` with `root1` is a prefix of the tree of `size2`
 * with `root2`: RFC 9162 §2.1.4.2 for 0 < size1 < size2. The RFC leaves the trivial cases
 * open; like other CT tooling an empty proof is required for them, and in addition a size-0
 * tree must carry the empty-tree hash, so a log cannot sign a bogus root for nothing.
 */
export function verifyConsistency(
  size1: number,
  size2: number,
  proof: readonly Uint8Array[],
  root1: Uint8Array,
  root2: Uint8Array,
): boolean {
  if (!Number.isSafeInteger(size1) || !Number.isSafeInteger(size2)) return false;
  if (size1 < 0 || size1 > size2) return false;
  if (root1.length !== HASH_SIZE || root2.length !== HASH_SIZE) return false;
  if (proof.some((p) => p.length !== HASH_SIZE)) return false;
  if (size1 === size2) return proof.length === 0 && Buffer.from(root1).equals(root2);
  if (size1 === 0) return proof.length === 0 && emptyRootHash().equals(root1);
  if (proof.length === 0) return false;

  // Step 2: a complete old tree is itself a node of the new one, so the proof omits it.
  const path = isPowerOfTwo(size1) ? [root1, ...proof] : proof;
  let fn = size1 - 1;
  let sn = size2 - 1;
  while (fn % 2 === 1) {
    fn = (fn - 1) / 2;
    sn = Math.floor(sn / 2);
  }
  let fr: Buffer = Buffer.from(path[0]);
  let sr = fr;
  for (let i = 1; i < path.length; i++) {
    const c = path[i];
    if (sn === 0) return false;
    if (fn % 2 === 1 || fn === sn) {
      fr = hashChildren(c, fr);
      sr = hashChildren(c, sr);
      while (fn % 2 === 0 && fn !== 0) {
        fn /= 2;
        sn = Math.floor(sn / 2);
      }
    } else {
      sr = hashChildren(sr, c);
    }
    fn = Math.floor(fn / 2);
    sn = Math.floor(sn / 2);
  }
  return sn === 0 && fr.equals(root1) && sr.equals(root2);
}
