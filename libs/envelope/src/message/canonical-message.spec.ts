import {
  decodeMessage,
  encodeHeader,
  encodeMessage,
  encodeMessageAndHeader,
} from './canonical-message';
import { MESSAGE_FORMAT, type MxgMessage } from './message-header';

const header: MxgMessage['header'] = {
  format: MESSAGE_FORMAT,
  id: '0b7d3c1e-5f2a-4c8e-9a61-3e2f4d5c6b7a',
  type: 'response',
  agreement: 'MIG',
  from: { party: 'KZ', authority: 'KZ-MVD' },
  to: { party: 'AZ', authority: 'AZ-DMX' },
  createdAt: '2026-03-01T10:20:30.456Z',
  correlationId: '1c8e4d2f-6a3b-4d9f-8b72-4f3a5e6d7c8b',
  inReplyTo: {
    id: '1c8e4d2f-6a3b-4d9f-8b72-4f3a5e6d7c8b',
    digest: `sha256:${'ab'.repeat(32)}`,
  },
};

describe('encodeMessageAndHeader', () => {
  it('gives what encodeMessage and encodeHeader give', () => {
    const bodies: Record<string, unknown>[] = [
      {},
      { purpose: 'readmission', categories: ['registration', 'residence'] },
      {
        z: 1,
        a: [3, 1.5e-7, -0, 1e21, null, true],
        é: 'ü\u2028\ud83d\ude00',
        '': { b: {}, a: [] },
      },
      { '\u20ac': 1, '\r': 2, '\ud83d\ude00': 3, '\u0080': 4, ö: 5, header: 'not the header' },
      { at: new Date('2026-03-01T10:20:30.456Z'), skipped: undefined },
    ];
    for (const body of bodies) {
      const message: MxgMessage = { header, body };
      const { content, header: headerBytes } = encodeMessageAndHeader(message);
      expect(Buffer.from(content).equals(encodeMessage(message))).toBe(true);
      expect(Buffer.from(headerBytes).equals(encodeHeader(header))).toBe(true);
    }
  });

  it('refuses what encodeMessage refuses', () => {
    const invalid: MxgMessage = { header: { ...header, agreement: 'mig' }, body: {} };
    expect(() => encodeMessage(invalid)).toThrow();
    expect(() => encodeMessageAndHeader(invalid)).toThrow();
    const nan: MxgMessage = { header, body: { n: Number.NaN } };
    expect(() => encodeMessage(nan)).toThrow('NaN is not allowed');
    expect(() => encodeMessageAndHeader(nan)).toThrow('NaN is not allowed');
  });
});

describe('decodeMessage', () => {
  const canonical = Buffer.from(encodeMessage({ header, body: { purpose: 'é', n: 1 } }));
  const text = canonical.toString('utf8');

  it('reads back what encodeMessage wrote', () => {
    expect(decodeMessage(canonical)).toEqual({ header, body: { purpose: 'é', n: 1 } });
  });

  it.each([
    ['a duplicate key', text.replace('{"n":1,', '{"n":1,"n":1,')],
    ['a __proto__ member', text.replace('{"n":1,', '{"__proto__":{},"n":1,')],
    ['an integer beyond 2^53', text.replace('"n":1', '"n":9007199254740993')],
    ['a lone surrogate', text.replace('"é"', '"\\ud800"')],
  ])('#10.10 refuses signed content with %s instead of reinterpreting it', (_, changed) => {
    expect(() => decodeMessage(Buffer.from(changed, 'utf8'))).toThrow(/^MALFORMED_MESSAGE: /);
  });

  it('#10.10 refuses signed content that is not valid UTF-8 instead of replacing the bytes', () => {
    const bytes = Buffer.from(text.replace('"é"', '"éé"'), 'utf8');
    const at = bytes.indexOf(Buffer.from('éé', 'utf8'));
    bytes[at + 2] = 0xff; // the second é's first byte: U+FFFD to a lenient decoder
    bytes[at + 3] = 0xfe;
    expect(() => decodeMessage(bytes)).toThrow(/^MALFORMED_MESSAGE: /);
  });
});
