import { formatSignedNote, parseSignedNote, type SignedNote } from './signed-note';
import { codeOf } from '../testing/audit-error-code';

const body =
  'mxg.kz/audit\n5\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\n2025-03-04T05:06:07.089Z\n';
const note: SignedNote = {
  body,
  signatures: [
    { keyName: 'mxg.kz/audit', keyId: '01020304', signature: Buffer.from('log signature') },
    { keyName: 'mxg.az/witness', keyId: 'a0b0c0d0', signature: Buffer.from('witness signature') },
  ],
};
const text = formatSignedNote(note);
const signatureLine = text.split('\n')[5];

describe(formatSignedNote.name, () => {
  it('writes the text, a blank line and one "— name base64(keyID || sig)" line per signature', () => {
    expect(text).toBe(
      `${body}\n` +
        `\u2014 mxg.kz/audit ${Buffer.from('\x01\x02\x03\x04log signature', 'latin1').toString('base64')}\n` +
        `\u2014 mxg.az/witness ${Buffer.concat([Buffer.from('a0b0c0d0', 'hex'), Buffer.from('witness signature')]).toString('base64')}\n`,
    );
  });

  it.each<[string, SignedNote]>([
    ['no signatures', { body, signatures: [] }],
    [
      'a key ID that is not 4 bytes of hex',
      { body, signatures: [{ ...note.signatures[0], keyId: '0102' }] },
    ],
    [
      'a key name with a space',
      { body, signatures: [{ ...note.signatures[0], keyName: 'mxg kz' }] },
    ],
    ['text without a final newline', { body: body.slice(0, -1), signatures: note.signatures }],
  ])('refuses %s', (_, bad) => {
    expect(codeOf(() => formatSignedNote(bad))).toBe('AUDIT_CHECKPOINT_MALFORMED');
  });
});

describe(parseSignedNote.name, () => {
  it('round-trips', () => {
    expect(parseSignedNote(text)).toEqual(note);
  });

  it('keeps signatures of unknown kinds, which verifiers then ignore', () => {
    const foreign = `\u2014 example.com/ed25519 ${Buffer.alloc(68, 7).toString('base64')}\n`;
    expect(parseSignedNote(text + foreign).signatures).toHaveLength(3);
  });

  it('splits text from signatures at the last blank line, as signed-note says', () => {
    const [first, second] = text.split('\n').slice(5, 7);
    const parsed = parseSignedNote(`${body}\n${first}\n\n${second}\n`);
    expect(parsed.body).toBe(`${body}\n${first}\n`);
    expect(parsed.signatures).toEqual([note.signatures[1]]);
  });

  it('accepts a canonical 5-byte signature blob', () => {
    expect(parseSignedNote(`${body}\n\u2014 k AQIDBAU=\n`).signatures[0]).toEqual({
      keyName: 'k',
      keyId: '01020304',
      signature: Buffer.of(5),
    });
  });

  it('accepts 64 signatures', () => {
    const many = Array.from({ length: 64 }, (_, i) => ({
      ...note.signatures[0],
      keyName: `k${i}`,
    }));
    expect(parseSignedNote(formatSignedNote({ body, signatures: many })).signatures).toHaveLength(
      64,
    );
  });

  it.each([
    ['no signatures', `${body}\n`],
    ['no blank line', `${body}${signatureLine}\n`],
    ['no final newline', text.slice(0, -1)],
    ['a hyphen instead of an em dash', text.replace('\u2014 mxg.az', '- mxg.az')],
    ['two spaces after the dash', text.replace('\u2014 mxg.az', '\u2014  mxg.az')],
    ['a key name with "+"', text.replace('mxg.az/witness', 'mxg.az+witness')],
    ['a trailing space', text.replace(/\n$/, ' \n')],
    ['base64 with non-zero padding bits', `${body}\n\u2014 k AQIDBAV=\n`],
    ['base64 without padding', `${body}\n\u2014 k AQIDBAU\n`],
    ['a signature of only a key ID', `${body}\n\u2014 k ${Buffer.alloc(4).toString('base64')}\n`],
    ['two signatures by one key', `${text}${signatureLine}\n`],
    ['a control character', text.replace('mxg.kz/audit\n5', 'mxg.kz/audit\t\n5')],
    ['a carriage return', text.replace(/\n/g, '\r\n')],
    [
      '65 signatures',
      `${body}\n` +
        Array.from(
          { length: 65 },
          (_, i) => `\u2014 k${i} ${Buffer.alloc(8).toString('base64')}\n`,
        ).join(''),
    ],
    ['more than 64 KiB', `${body}\n\u2014 k ${Buffer.alloc(50_000).toString('base64')}\n`],
  ])('rejects %s', (_, bad) => {
    expect(codeOf(() => parseSignedNote(bad))).toBe('AUDIT_CHECKPOINT_MALFORMED');
  });
});
