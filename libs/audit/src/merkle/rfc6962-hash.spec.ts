import { createHash } from 'node:crypto';
import {
  emptyRootHash,
  hashChildren,
  hashLeaf,
  hashLeafText,
  isPowerOfTwo,
  splitPoint,
} from './rfc6962-hash';
import { EMPTY_ROOT, LEAF_HASHES, LEAF_INPUTS } from './rfc6962.test-vectors';

const sha256 = (...parts: Uint8Array[]): string => {
  const hash = createHash('sha256');
  for (const part of parts) hash.update(part);
  return hash.digest('hex');
};

describe(emptyRootHash.name, () => {
  it('is SHA-256 of the empty string', () => {
    expect(emptyRootHash()).toEqual(EMPTY_ROOT);
  });
});

describe(hashLeaf.name, () => {
  it('matches the reference leaf hashes', () => {
    expect(LEAF_INPUTS.map((input) => hashLeaf(input).toString('hex'))).toEqual(
      LEAF_HASHES.map((hash) => hash.toString('hex')),
    );
  });

  it('matches the CT known answer for "L123456"', () => {
    expect(hashLeaf(Buffer.from('L123456')).toString('hex')).toBe(
      '395aa064aa4c29f7010acfe3f25db9485bbd4b91897b6ad7ad547639252b4d56',
    );
  });

  it('differs from the empty-tree hash for an empty leaf', () => {
    expect(hashLeaf(Buffer.alloc(0)).equals(emptyRootHash())).toBe(false);
  });

  it.each([0, 1, 300, 4096, 4097, 100_000])('prefixes 0x00 to %i bytes of data', (length) => {
    const data = Buffer.alloc(length, 0xa5);
    expect(hashLeaf(data).toString('hex')).toBe(sha256(Buffer.of(0), data));
  });

  it('is not disturbed by a longer leaf hashed before it', () => {
    hashLeaf(Buffer.alloc(64, 0xff));
    expect(hashLeaf(Buffer.of(7)).toString('hex')).toBe(sha256(Buffer.of(0, 7)));
  });
});

describe(hashChildren.name, () => {
  const left = Buffer.alloc(32, 1);
  const right = Buffer.alloc(32, 2);

  it('is SHA-256(0x01 || left || right)', () => {
    expect(hashChildren(left, right).toString('hex')).toBe(sha256(Buffer.of(1), left, right));
  });

  it('depends on the order of the children', () => {
    expect(hashChildren(left, right).equals(hashChildren(right, left))).toBe(false);
  });

  it('is not the leaf hash of the concatenated children', () => {
    expect(hashChildren(left, right).equals(hashLeaf(Buffer.concat([left, right])))).toBe(false);
  });

  it('rejects children that are not 32 bytes', () => {
    expect(() => hashChildren(left, Buffer.alloc(31))).toThrow(RangeError);
    expect(() => hashChildren(Buffer.alloc(33), right)).toThrow(RangeError);
  });
});

describe(splitPoint.name, () => {
  it.each([
    [2, 1],
    [3, 2],
    [4, 2],
    [5, 4],
    [8, 4],
    [9, 8],
    [2 ** 40 + 1, 2 ** 40],
    [2 ** 53 - 1, 2 ** 52],
  ])('of %i is %i', (n, k) => {
    expect(splitPoint(n)).toBe(k);
  });
});

describe(isPowerOfTwo.name, () => {
  it('holds for 2^0 .. 2^52 and nothing in between', () => {
    for (let k = 0; k <= 52; k++) {
      expect(isPowerOfTwo(2 ** k)).toBe(true);
      if (k >= 2) expect(isPowerOfTwo(2 ** k - 1)).toBe(false);
      if (k >= 1) expect(isPowerOfTwo(2 ** k + 1)).toBe(false);
    }
    expect(isPowerOfTwo(0)).toBe(false);
    expect(isPowerOfTwo(-2)).toBe(false);
  });
});

describe(hashLeafText.name, () => {
  it.each([
    ['empty', ''],
    ['ASCII', '{"seq":1}'],
    ['non-ASCII', 'ünïcødé — 日本語 \u{1f600}'],
    ['longer than the scratch buffer', 'ж'.repeat(3000)],
  ])('equals hashLeaf of the UTF-8 bytes: %s', (_what, text) => {
    expect(hashLeafText(text)).toEqual(hashLeaf(Buffer.from(text, 'utf8')));
  });
});
