import { objectIdentifier, sequence, setOf, time, tlv } from './der';

const hex = (bytes: Uint8Array) => Buffer.from(bytes).toString('hex');

describe('der', () => {
  it('encodes short and long lengths (X.690 §8.1.3)', () => {
    expect(hex(tlv(0x04, new Uint8Array(3)))).toBe('0403000000');
    expect(hex(tlv(0x04, new Uint8Array(200))).slice(0, 6)).toBe('0481c8');
    expect(hex(tlv(0x04, new Uint8Array(70_000))).slice(0, 10)).toBe('0483011170');
    const header = (length: number) => hex(tlv(0x04, new Uint8Array(length))).slice(0, 12);
    expect(header(127)).toMatch(/^047f/);
    expect(header(128)).toMatch(/^048180/);
    expect(header(255)).toMatch(/^0481ff/);
    expect(header(256)).toMatch(/^04820100/);
    expect(header(65_535)).toMatch(/^0482ffff/);
    expect(header(65_536)).toMatch(/^0483010000/);
    expect(header(16_777_216)).toMatch(/^048401000000/);
  });

  it('writes the children one after another, whatever kind of array each is', () => {
    const parts = [Uint8Array.of(1, 2), Buffer.from([3]), new Uint8Array(0), Uint8Array.of(4)];
    expect(hex(sequence(...parts))).toBe('300401020304');
    expect(hex(sequence())).toBe('3000');
    const view = new Uint8Array(Uint8Array.of(9, 8, 7, 6).buffer, 1, 2);
    expect(hex(tlv(0x04, view))).toBe('04020807');
  });

  it('encodes OIDs (X.690 §8.19), the same every time, each caller with its own copy', () => {
    const sha256 = '2.16.840.1.101.3.4.2.1';
    const first = objectIdentifier(sha256);
    expect(hex(first)).toBe('0609608648016503040201');
    first[2] = 0;
    expect(hex(objectIdentifier(sha256))).toBe('0609608648016503040201');
    expect(hex(objectIdentifier('1.2.840.113549.1.7.2'))).toBe('06092a864886f70d010702');
  });

  it('sorts SET OF members by their encodings (X.690 §11.6)', () => {
    const big = sequence(Uint8Array.of(0x05, 0x00), Uint8Array.of(0x05, 0x00));
    const small = sequence(Uint8Array.of(0x05, 0x00));

    expect(hex(setOf(big, small))).toBe(`310a${hex(small)}${hex(big)}`);
  });

  it('writes UTCTime for 1950–2049 and GeneralizedTime otherwise, in whole seconds', () => {
    expect(Buffer.from(time(new Date('2049-12-31T23:59:59.999Z'))).toString('latin1')).toBe(
      '\x17\x0d491231235959Z',
    );
    expect(Buffer.from(time(new Date('1950-01-01T00:00:00Z'))).toString('latin1')).toBe(
      '\x17\x0d500101000000Z',
    );
    expect(Buffer.from(time(new Date('2050-01-01T00:00:00Z'))).toString('latin1')).toBe(
      '\x18\x0f20500101000000Z',
    );
    expect(Buffer.from(time(new Date('1949-06-01T12:00:00Z'))).toString('latin1')).toBe(
      '\x18\x0f19490601120000Z',
    );
  });
});
