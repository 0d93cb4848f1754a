import { sniffContentType } from './sniff-content-type';

describe(sniffContentType.name, () => {
  const bytes = (...values: (number | string)[]) =>
    Buffer.concat(
      values.map((v) => (typeof v === 'string' ? Buffer.from(v, 'latin1') : Buffer.from([v]))),
    );

  it.each([
    ['JPEG', bytes(0xff, 0xd8, 0xff, 0xe0, 0, 0x10, 'JFIF'), 'image/jpeg'],
    ['PNG', bytes(0x89, 'PNG\r\n\x1a\n', 0, 0, 0, 13, 'IHDR'), 'image/png'],
    ['PDF', bytes('%PDF-1.7\n'), 'application/pdf'],
    ['ANSI/NIST-ITL', bytes('1.001:251\x1d1.002:0500'), 'application/x-ansi-nist-itl'],
    ['ISO 19794-2', bytes('FMR', 0, ' 20', 0), 'application/x-iso-19794-2'],
    ['ISO 19794-4', bytes('FIR', 0, '010', 0), 'application/x-iso-19794-4'],
  ])('recognises %s by its magic number', (_name, input, type) => {
    expect(sniffContentType(input)).toBe(type);
  });

  it.each([
    ['text', bytes('hello')],
    ['a GIF', bytes('GIF89a')],
    ['a truncated PNG signature', bytes(0x89, 'PN')],
    ['nothing', bytes()],
  ])('recognises nothing in %s', (_name, input) => {
    expect(sniffContentType(input)).toBeUndefined();
  });
});
