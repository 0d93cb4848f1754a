import { randomBytes, randomUUID } from 'node:crypto';
import {
  CONTENT_CIPHER_OVERHEAD,
  CONTENT_CIPHER_VERSION,
  decryptColumn,
  encryptColumn,
  isEncryptedColumn,
  type ColumnPlace,
} from './content-cipher';

const PLAINTEXT = Buffer.from('{"header":{},"body":{"familyName":"Zzyzx-Quillfeather"}}');

describe('content cipher (MIG-11.4: AES-256-GCM per column, bound to its message and column)', () => {
  const key = randomBytes(32);
  const place: ColumnPlace = { messageId: randomUUID(), column: 'content' };

  it('round-trips, in the documented format, without the plaintext in it', () => {
    const stored = encryptColumn(key, place, PLAINTEXT);
    expect(stored[0]).toBe(CONTENT_CIPHER_VERSION);
    expect(stored.length).toBe(PLAINTEXT.length + CONTENT_CIPHER_OVERHEAD);
    expect(stored.includes(Buffer.from('Zzyzx'))).toBe(false);
    expect(isEncryptedColumn(stored)).toBe(true);
    expect(decryptColumn(key, place, stored)).toEqual(PLAINTEXT);
  });

  it('uses a fresh nonce each time: the same value encrypts differently', () => {
    const a = encryptColumn(key, place, PLAINTEXT);
    const b = encryptColumn(key, place, PLAINTEXT);
    expect(a.subarray(1, 13).equals(b.subarray(1, 13))).toBe(false);
    expect(a.equals(b)).toBe(false);
  });

  it('round-trips an empty value', () => {
    expect(decryptColumn(key, place, encryptColumn(key, place, Buffer.alloc(0)))).toEqual(
      Buffer.alloc(0),
    );
  });

  it.each([
    ['the nonce', 1],
    ['the ciphertext', 20],
    ['the tag', -1],
  ])('refuses a value whose %s was altered: CONTENT_AUTHENTICATION_FAILED', (_what, at) => {
    const stored = encryptColumn(key, place, PLAINTEXT);
    stored[at < 0 ? stored.length + at : at] ^= 0x01;
    expect(() => decryptColumn(key, place, stored)).toThrow('CONTENT_AUTHENTICATION_FAILED');
  });

  it('refuses a truncated value', () => {
    const stored = encryptColumn(key, place, PLAINTEXT);
    expect(() => decryptColumn(key, place, stored.subarray(0, stored.length - 1))).toThrow(
      'CONTENT_AUTHENTICATION_FAILED',
    );
    expect(() => decryptColumn(key, place, stored.subarray(0, 10))).toThrow(
      'CONTENT_AUTHENTICATION_FAILED',
    );
  });

  it('refuses a value moved to another message', () => {
    const stored = encryptColumn(key, place, PLAINTEXT);
    expect(() => decryptColumn(key, { ...place, messageId: randomUUID() }, stored)).toThrow(
      'CONTENT_AUTHENTICATION_FAILED',
    );
  });

  it('refuses a value moved to another column', () => {
    const stored = encryptColumn(key, place, PLAINTEXT);
    expect(() => decryptColumn(key, { ...place, column: 'signed' }, stored)).toThrow(
      'CONTENT_AUTHENTICATION_FAILED',
    );
  });

  it('binds the id case-insensitively (PostgreSQL returns UUIDs in lower case)', () => {
    const upper = { ...place, messageId: place.messageId.toUpperCase() };
    expect(decryptColumn(key, place, encryptColumn(key, upper, PLAINTEXT))).toEqual(PLAINTEXT);
  });

  it('refuses a value under another data key', () => {
    const stored = encryptColumn(key, place, PLAINTEXT);
    expect(() => decryptColumn(randomBytes(32), place, stored)).toThrow(
      'CONTENT_AUTHENTICATION_FAILED',
    );
  });

  it('refuses an unknown version, and a legacy plaintext, as CONTENT_FORMAT_UNSUPPORTED', () => {
    const stored = encryptColumn(key, place, PLAINTEXT);
    stored[0] = 0x02;
    expect(() => decryptColumn(key, place, stored)).toThrow('CONTENT_FORMAT_UNSUPPORTED');
    expect(() => decryptColumn(key, place, PLAINTEXT)).toThrow('CONTENT_FORMAT_UNSUPPORTED');
    expect(isEncryptedColumn(PLAINTEXT)).toBe(false);
    expect(isEncryptedColumn(Buffer.of(0x30, 0x82))).toBe(false);
  });

  it('takes only a 256-bit data key', () => {
    expect(() => encryptColumn(randomBytes(16), place, PLAINTEXT)).toThrow(RangeError);
  });
});
