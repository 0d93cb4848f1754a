import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { unwrapOnce } from './unwrapped-keys';

describe(unwrapOnce.name, () => {
  const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const other = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey;

  it('unwraps an encrypted key once and gives the same key for it again', () => {
    const encryptedKey = randomBytes(256);
    const key = randomBytes(32);
    const unwrap = jest.fn(() => Buffer.from(key));

    const first = unwrapOnce(privateKey, 'sha256', encryptedKey, unwrap);
    const again = unwrapOnce(privateKey, 'sha256', Buffer.from(encryptedKey), unwrap);

    expect(first.equals(key)).toBe(true);
    expect(again).toBe(first);
    expect(unwrap).toHaveBeenCalledTimes(1);
  });

  it('keeps keys apart by private key and OAEP hash', () => {
    const encryptedKey = randomBytes(256);
    const unwrap = jest.fn(() => randomBytes(32));

    unwrapOnce(privateKey, 'sha256', encryptedKey, unwrap);
    unwrapOnce(other, 'sha256', encryptedKey, unwrap);
    unwrapOnce(privateKey, 'sha384', encryptedKey, unwrap);

    expect(unwrap).toHaveBeenCalledTimes(3);
  });

  it('never remembers a failure', () => {
    const encryptedKey = randomBytes(256);
    const failing = () => {
      throw new Error('oaep decoding error');
    };
    expect(() => unwrapOnce(privateKey, 'sha256', encryptedKey, failing)).toThrow('oaep');
    const unwrap = jest.fn(() => randomBytes(32));
    unwrapOnce(privateKey, 'sha256', encryptedKey, unwrap);

    expect(unwrap).toHaveBeenCalledTimes(1);
  });

  it('unwraps again after an hour, and wipes what it forgets', () => {
    const encryptedKey = randomBytes(256);
    const start = 1_000_000;
    const first = unwrapOnce(privateKey, 'sha256', encryptedKey, () => randomBytes(32), start);
    const later = unwrapOnce(
      privateKey,
      'sha256',
      encryptedKey,
      () => randomBytes(32),
      start + 60 * 60 * 1000,
    );

    expect(later).not.toBe(first);
    expect(first.equals(Buffer.alloc(32))).toBe(true);
  });

  it('holds at most 64 keys per private key, forgetting the oldest', () => {
    const { privateKey: own } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const oldest = randomBytes(256);
    const oldestKey = unwrapOnce(own, 'sha256', oldest, () => randomBytes(32));
    for (let i = 0; i < 64; i++) unwrapOnce(own, 'sha256', randomBytes(256), () => randomBytes(32));
    const unwrap = jest.fn(() => randomBytes(32));
    unwrapOnce(own, 'sha256', oldest, unwrap);

    expect(unwrap).toHaveBeenCalledTimes(1);
    expect(oldestKey.equals(Buffer.alloc(32))).toBe(true);
  });
});
