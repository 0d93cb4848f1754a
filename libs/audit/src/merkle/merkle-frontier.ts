import { HASH_SIZE, emptyRootHash, hashChildren } from './rfc6962-hash';

/**
 * The right edge ("compact range" [0, n)) of an RFC 9162 tree: one complete-subtree hash per set
 * bit of n. It yields the root of a stream of leaves in O(log n) memory, which is all an offline
 * verifier recomputing a checkpoint's root from an export needs.
 */
export class MerkleFrontier {
  /** nodes[k] is MTH of the trailing complete subtree of 2^k leaves, present iff bit k of size is set. */
  private readonly nodes: (Buffer | undefined)[] = [];
  private count = 0;

  get size(): number {
    return this.count;
  }

  append(leafHash: Uint8Array): void {
    if (leafHash.length !== HASH_SIZE) throw new RangeError(`leaf hash must be ${HASH_SIZE} bytes`);
    if (this.count % 2 === 0) {
      // Kept as it is only here: a copy, since the caller may reuse its bytes.
      this.nodes[0] = Buffer.from(leafHash);
      this.count++;
      return;
    }
    let hash = hashChildren(this.nodes[0] as Buffer, leafHash);
    this.nodes[0] = undefined;
    let level = 1;
    // Merging equal-sized neighbours is the carry of a binary increment of the leaf count.
    for (let carry = (this.count - 1) / 2; carry % 2 === 1; carry = (carry - 1) / 2, level++) {
      hash = hashChildren(this.nodes[level] as Buffer, hash);
      this.nodes[level] = undefined;
    }
    this.nodes[level] = hash;
    this.count++;
  }

  /** MTH(D[0:size]): the subtrees folded right to left, as the RFC 9162 §2.1.1 recursion nests them. */
  root(): Buffer {
    let root: Buffer | undefined;
    for (const node of this.nodes) {
      if (node !== undefined) root = root === undefined ? node : hashChildren(node, root);
    }
    return root === undefined ? emptyRootHash() : Buffer.from(root);
  }
}
