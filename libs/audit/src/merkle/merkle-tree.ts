import { HASH_SIZE, emptyRootHash, hashChildren, splitPoint } from './rfc6962-hash';

// 32 768 hashes (1 MiB) per chunk: growing never copies more than one chunk, and no single
// Buffer approaches the 4 GiB limit however large the log gets.
const CHUNK_HASHES = 1 << 15;
const FIRST_CHUNK_HASHES = 16;

/** Append-only array of 32-byte hashes kept in a few large buffers instead of one object each. */
class HashArray {
  private readonly chunks: Buffer[] = [];
  private lastCapacity = 0;
  length = 0;

  push(hash: Uint8Array): void {
    const offset = this.length % CHUNK_HASHES;
    if (offset === 0) {
      this.chunks.push(Buffer.allocUnsafe(FIRST_CHUNK_HASHES * HASH_SIZE));
      this.lastCapacity = FIRST_CHUNK_HASHES;
    } else if (offset === this.lastCapacity) {
      // Small trees stay small: the newest chunk doubles until it reaches full size.
      this.lastCapacity *= 2;
      const grown = Buffer.allocUnsafe(this.lastCapacity * HASH_SIZE);
      this.chunks[this.chunks.length - 1].copy(grown);
      this.chunks[this.chunks.length - 1] = grown;
    }
    this.chunks[this.chunks.length - 1].set(hash, offset * HASH_SIZE);
    this.length++;
  }

  /** A view into storage, not a copy: never hand it out. */
  at(index: number): Buffer {
    const offset = (index % CHUNK_HASHES) * HASH_SIZE;
    return this.chunks[Math.floor(index / CHUNK_HASHES)].subarray(offset, offset + HASH_SIZE);
  }
}

/**
 * In-memory RFC 9162 Merkle tree over leaf hashes. Level k holds the hash of every complete,
 * aligned subtree of 2^k leaves, so appending is amortised O(1) hashes and the root of any
 * earlier size, or any proof, costs O(log n) hashes: every MTH the proof algorithms need is a
 * stored node or a right edge of at most log n stored nodes.
 */
export class MerkleTree {
  private readonly levels: HashArray[] = [new HashArray()];

  static fromLeafHashes(leafHashes: Iterable<Uint8Array>): MerkleTree {
    const tree = new MerkleTree();
    for (const leafHash of leafHashes) tree.append(leafHash);
    return tree;
  }

  get size(): number {
    return this.levels[0].length;
  }

  /** Appends a leaf hash (see `hashLeaf`) and returns its index. */
  append(leafHash: Uint8Array): number {
    if (leafHash.length !== HASH_SIZE) throw new RangeError(`leaf hash must be ${HASH_SIZE} bytes`);
    const index = this.size;
    this.levels[0].push(leafHash);
    // Each completed pair of subtrees completes their parent; carry upwards like a binary counter.
    for (let level = 0, count = index + 1; count % 2 === 0; level++, count /= 2) {
      if (this.levels.length === level + 1) this.levels.push(new HashArray());
      const nodes = this.levels[level];
      this.levels[level + 1].push(hashChildren(nodes.at(count - 2), nodes.at(count - 1)));
    }
    return index;
  }

  /**
   * The hash of the complete subtree of 2^height leaves starting at leaf index·2^height (a copy):
   * what tlog-tiles stores in its tiles.
   */
  node(height: number, index: number): Buffer {
    const nodes = this.levels[height];
    if (nodes === undefined || !Number.isSafeInteger(index) || index < 0 || index >= nodes.length) {
      throw new RangeError(`no complete subtree ${index} of height ${height}`);
    }
    return Buffer.from(nodes.at(index));
  }

  leafHash(index: number): Buffer {
    this.checkRange('index', index, 0, this.size - 1);
    return Buffer.from(this.levels[0].at(index));
  }

  /** MTH(D[0:size]) for the current or any earlier size (RFC 9162 §2.1.1). */
  root(size: number = this.size): Buffer {
    this.checkRange('size', size, 0, this.size);
    return size === 0 ? emptyRootHash() : this.rangeHash(0, size);
  }

  /** PATH(m, D[0:size]) of RFC 9162 §2.1.3.1, leaf-side sibling first. */
  inclusionProof(index: number, size: number = this.size): Buffer[] {
    this.checkRange('size', size, 1, this.size);
    this.checkRange('index', index, 0, size - 1);
    // Walk the recursion top-down: each step records the sibling the recursive call appends.
    const proof: Buffer[] = [];
    let start = 0;
    let n = size;
    let m = index;
    while (n > 1) {
      const k = splitPoint(n);
      if (m < k) {
        proof.push(this.rangeHash(start + k, start + n));
        n = k;
      } else {
        proof.push(this.rangeHash(start, start + k));
        start += k;
        m -= k;
        n -= k;
      }
    }
    return proof.reverse();
  }

  /** PROOF(m, D[0:n]) = SUBPROOF(m, D[0:n], true) of RFC 9162 §2.1.4.1; empty for m = 0 or m = n. */
  consistencyProof(oldSize: number, newSize: number = this.size): Buffer[] {
    this.checkRange('newSize', newSize, 0, this.size);
    this.checkRange('oldSize', oldSize, 0, newSize);
    if (oldSize === 0 || oldSize === newSize) return [];
    const proof: Buffer[] = [];
    let start = 0;
    let n = newSize;
    let m = oldSize;
    let wholeOldTree = true; // the b flag of SUBPROOF
    while (m !== n) {
      const k = splitPoint(n);
      if (m <= k) {
        proof.push(this.rangeHash(start + k, start + n));
        n = k;
      } else {
        proof.push(this.rangeHash(start, start + k));
        start += k;
        m -= k;
        n -= k;
        wholeOldTree = false;
      }
    }
    // SUBPROOF(m, D[m], false) = {MTH(D[m])}: the verifier cannot know this subtree's hash.
    if (!wholeOldTree) proof.push(this.rangeHash(start, start + n));
    return proof.reverse();
  }

  /**
   * MTH(D[start:end]) for a start aligned as the RFC recursion always leaves it. Splitting off
   * the largest power of two below the size, again and again, is the binary expansion of
   * end - start: complete stored subtrees of decreasing size, folded together from the right.
   */
  private rangeHash(start: number, end: number): Buffer {
    const pieces: Buffer[] = [];
    for (let level = this.levels.length - 1, at = start; at < end; level--) {
      const width = 2 ** level;
      if (end - at >= width) {
        pieces.push(this.levels[level].at(at / width));
        at += width;
      }
    }
    let hash: Buffer = Buffer.from(pieces[pieces.length - 1]);
    for (let i = pieces.length - 2; i >= 0; i--) hash = hashChildren(pieces[i], hash);
    return hash;
  }

  private checkRange(name: string, value: number, min: number, max: number): void {
    if (!Number.isSafeInteger(value) || value < min || value > max) {
      throw new RangeError(`${name} ${value} is outside [${min}, ${max}]`);
    }
  }
}
