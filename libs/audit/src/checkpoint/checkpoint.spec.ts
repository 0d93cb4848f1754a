import { formatCheckpoint, parseCheckpoint, type Checkpoint } from './checkpoint';
import { codeOf } from '../testing/audit-error-code';

const checkpoint: Checkpoint = {
  origin: 'mxg.kz/audit',
  treeSize: 20852163,
  rootHash: Buffer.from('CsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=', 'base64'),
  timestamp: new Date('2025-03-04T05:06:07.089Z'),
};
const body =
  'mxg.kz/audit\n20852163\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\n2025-03-04T05:06:07.089Z\n';

describe(formatCheckpoint.name, () => {
  it('writes origin, size, base64 root and UTC time, one per line', () => {
    expect(formatCheckpoint(checkpoint)).toBe(body);
  });

  it('writes the empty tree with size 0', () => {
    const empty = { ...checkpoint, treeSize: 0 };
    expect(formatCheckpoint(empty).split('\n')[1]).toBe('0');
  });

  it.each<[string, Partial<Checkpoint>]>([
    ['an empty origin', { origin: '' }],
    ['an origin with a space', { origin: 'mxg kz' }],
    ['an origin with "+"', { origin: 'mxg+kz' }],
    ['an origin with a newline', { origin: 'mxg\nkz' }],
    ['a non-ASCII origin', { origin: 'mxg.қз/audit' }],
    ['a negative size', { treeSize: -1 }],
    ['a fractional size', { treeSize: 1.5 }],
    ['an unsafe size', { treeSize: 2 ** 53 }],
    ['a short root hash', { rootHash: Buffer.alloc(31) }],
    ['an invalid date', { timestamp: new Date(Number.NaN) }],
    ['a year beyond 9999', { timestamp: new Date('+010000-01-01T00:00:00.000Z') }],
  ])('refuses %s', (_, change) => {
    expect(codeOf(() => formatCheckpoint({ ...checkpoint, ...change }))).toBe(
      'AUDIT_CHECKPOINT_MALFORMED',
    );
  });
});

describe(parseCheckpoint.name, () => {
  it('round-trips', () => {
    const parsed = parseCheckpoint(body);
    expect(parsed).toEqual(checkpoint);
    expect(formatCheckpoint(parsed)).toBe(body);
  });

  it('accepts the empty tree', () => {
    const empty = formatCheckpoint({ ...checkpoint, treeSize: 0 });
    expect(parseCheckpoint(empty).treeSize).toBe(0);
  });

  const lines = body.slice(0, -1).split('\n');
  const withLine = (index: number, line: string): string =>
    lines.map((l, i) => (i === index ? line : l)).join('\n') + '\n';

  it.each([
    ['no final newline', body.slice(0, -1)],
    ['CRLF line ends', body.replace(/\n/g, '\r\n')],
    ['a byte-order mark', `\ufeff${body}`],
    ['a trailing blank line', `${body}\n`],
    ['an extra extension line', `${body}extension\n`],
    ['no timestamp line', lines.slice(0, 3).join('\n') + '\n'],
    ['a blank line inside', body.replace('\n', '\n\n')],
    ['an empty origin', withLine(0, '')],
    ['an origin with a space', withLine(0, 'mxg.kz audit')],
    ['an origin with "+"', withLine(0, 'mxg.kz+audit')],
    ['a size with a leading zero', withLine(1, '020852163')],
    ['a size with a sign', withLine(1, '+20852163')],
    ['a negative size', withLine(1, '-1')],
    ['a size with spaces', withLine(1, ' 20852163')],
    ['a hexadecimal size', withLine(1, '0x13e2c3')],
    ['a size beyond 2^53', withLine(1, '9007199254740993')],
    [
      'a root with non-zero padding bits',
      withLine(2, 'CsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2J='),
    ],
    ['a root without padding', withLine(2, 'CsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I')],
    ['a base64url root', withLine(2, 'CsUYapGGPo4dkMgIAUqom_Xajj7h2fB2MPA3j2jxq2I=')],
    ['a 33-byte root', withLine(2, Buffer.alloc(33).toString('base64'))],
    ['a 31-byte root', withLine(2, Buffer.alloc(31).toString('base64'))],
    ['a hex root', withLine(2, Buffer.alloc(32).toString('hex'))],
    ['a time without milliseconds', withLine(3, '2025-03-04T05:06:07Z')],
    ['a time with an offset', withLine(3, '2025-03-04T05:06:07.089+00:00')],
    ['a lower-case zone', withLine(3, '2025-03-04T05:06:07.089z')],
    ['a local time', withLine(3, '2025-03-04T05:06:07.089')],
    ['an impossible date', withLine(3, '2025-02-30T05:06:07.089Z')],
    ['a leap second', withLine(3, '2016-12-31T23:59:60.000Z')],
    ['a Unix time', withLine(3, '1741064767089')],
  ])('rejects %s', (_, text) => {
    expect(codeOf(() => parseCheckpoint(text))).toBe('AUDIT_CHECKPOINT_MALFORMED');
  });
});
