import { randomBytes } from 'node:crypto';
import { ContentKeyReuse, type WrappedContentKey } from './content-key-reuse';

describe(ContentKeyReuse.name, () => {
  let now = 0;
  let made = 0;
  const fresh = (): WrappedContentKey => {
    made++;
    return { key: randomBytes(32), encryptedKey: randomBytes(256) };
  };
  const sut = (maxAgeMs = 1000, maxUses = 3) =>
    new ContentKeyReuse({ maxAgeMs, maxUses, now: () => now });

  beforeEach(() => {
    now = 0;
    made = 0;
  });

  it('gives one recipient the same wrapped key until it has served maxUses envelopes', () => {
    const reuse = sut();
    const keys = Array.from({ length: 4 }, () => reuse.take('az', fresh));

    expect(keys[1]).toBe(keys[0]);
    expect(keys[2]).toBe(keys[0]);
    expect(keys[3].encryptedKey.equals(keys[0].encryptedKey)).toBe(false);
    expect(made).toBe(2);
  });

  it('draws a fresh key once the key is maxAgeMs old, and wipes the old one', () => {
    const reuse = sut();
    const first = reuse.take('az', fresh);
    const firstKey = Buffer.from(first.key);
    now = 999;
    expect(reuse.take('az', fresh)).toBe(first);
    now = 1000;
    const second = reuse.take('az', fresh);

    expect(second).not.toBe(first);
    expect(second.key.equals(firstKey)).toBe(false);
    expect(first.key.equals(Buffer.alloc(32))).toBe(true);
  });

  it('keeps a key per recipient', () => {
    const reuse = sut();
    const az = reuse.take('az', fresh);
    const kg = reuse.take('kg', fresh);

    expect(kg).not.toBe(az);
    expect(reuse.take('az', fresh)).toBe(az);
    expect(made).toBe(2);
  });

  it('refuses limits that would never rotate or never reuse', () => {
    expect(() => sut(0, 3)).toThrow(RangeError);
    expect(() => sut(1000, 0)).toThrow(RangeError);
  });
});
