import { createHash, generateKeyPairSync } from 'node:crypto';
import { parseCheckpoint } from '../checkpoint/checkpoint';
import { signCheckpoint, verifyCheckpointSignature } from '../checkpoint/checkpoint-signature';
import { noteSignerFromKeyObject } from '../checkpoint/note-signer';
import { parseSignedNote } from '../checkpoint/signed-note';
import { AUDIT_EXPORT_FORMAT } from './audit-export-format';
import {
  type ExportStatement,
  formatExportStatement,
  parseExportStatement,
  signExportStatement,
} from './export-statement';
import { asyncCodeOf, codeOf } from '../testing/audit-error-code';

const statement: ExportStatement = {
  format: AUDIT_EXPORT_FORMAT,
  origin: 'mxg.kz/audit',
  treeSize: 37,
  rootHash: createHash('sha256').update('root').digest(),
  checkpoints: 3,
  exportedAt: new Date('2030-03-01T12:00:00.123Z'),
  linesDigest: createHash('sha256').update('lines').digest(),
};
const text = formatExportStatement(statement);

describe(formatExportStatement.name, () => {
  it('writes seven lines, the format first, and reads back the same', () => {
    expect(text.split('\n')).toEqual([
      'mxg-audit-export/2',
      'origin mxg.kz/audit',
      'size 37',
      `root ${statement.rootHash.toString('base64')}`,
      'checkpoints 3',
      'exported 2030-03-01T12:00:00.123Z',
      `lines ${statement.linesDigest.toString('base64')}`,
      '',
    ]);
    expect(parseExportStatement(text)).toEqual(statement);
  });
});

describe(parseExportStatement.name, () => {
  const lines = text.slice(0, -1).split('\n');
  const withLine = (i: number, line: string) =>
    lines.map((l, k) => (k === i ? line : l)).join('\n') + '\n';
  it.each([
    ['another format', withLine(0, 'mxg-audit-export/1')],
    ['no final newline', text.slice(0, -1)],
    ['a missing line', lines.slice(0, 6).join('\n') + '\n'],
    ['an extra line', `${text}extra\n`],
    ['lines out of order', withLine(2, 'checkpoints 3')],
    ['a size with a leading zero', withLine(2, 'size 037')],
    ['a non-canonical root', withLine(3, `root ${'A'.repeat(42)}B=`)],
    ['a time in another spelling', withLine(5, 'exported 2030-03-01T12:00:00Z')],
    ['an impossible date', withLine(5, 'exported 2030-02-30T12:00:00.000Z')],
  ])('rejects %s', (_, body) => {
    expect(codeOf(() => parseExportStatement(body))).toBe('AUDIT_EXPORT_UNREADABLE');
  });
});

describe(signExportStatement.name, () => {
  const keys = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const signer = noteSignerFromKeyObject(keys.privateKey);

  it('signs the statement as a signed note by the log’s key name', async () => {
    const note = await signExportStatement(statement, signer, 'mxg.kz/audit');
    const parsed = parseSignedNote(note);
    expect(parsed.body).toBe(text);
    expect(parsed.signatures.map((s) => s.keyName)).toEqual(['mxg.kz/audit']);
  });

  it('can never be taken for a checkpoint, nor a checkpoint for it: the same key signs both', async () => {
    const note = await signExportStatement(statement, signer, 'mxg.kz/audit');
    expect(codeOf(() => verifyCheckpointSignature(note, keys.publicKey, 'mxg.kz/audit'))).toBe(
      'AUDIT_CHECKPOINT_MALFORMED',
    );
    expect(await asyncCodeOf(() => signCheckpoint(text, signer, 'mxg.kz/audit'))).toBe(
      'AUDIT_CHECKPOINT_MALFORMED',
    );
    const checkpoint =
      'mxg.kz/audit\n37\n' + `${statement.rootHash.toString('base64')}\n2030-03-01T12:00:00.123Z\n`;
    expect(parseCheckpoint(checkpoint).treeSize).toBe(37);
    expect(codeOf(() => parseExportStatement(checkpoint))).toBe('AUDIT_EXPORT_UNREADABLE');
  });
});
