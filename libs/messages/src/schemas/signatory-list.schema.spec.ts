import { join } from 'node:path';
import { findRepoRoot, loadVocabulary } from '@mxg/config';
import { checkMessageBody } from '../check-message-body';
import { exampleMessage } from '../examples/example-messages';

const vocabulary = loadVocabulary(join(findRepoRoot(), 'config'));
const NOW = new Date('2026-03-01T12:00:00Z');
const example = () =>
  structuredClone(exampleMessage('signatory-list-update').body) as {
    version: number;
    signatories: Record<string, unknown>[];
    attachments: Record<string, unknown>[];
  };
const codes = (body: unknown) =>
  checkMessageBody('signatory-list-update', body, vocabulary, NOW).problems.map((p) => [
    p.path,
    p.code,
  ]);

describe('signatory-list-update body (MIG-9.3, MIG-9.4)', () => {
  it('accepts the example: the list with a version, certificates and sample signature forms', () => {
    expect(codes(example())).toEqual([]);
  });

  it('refuses a sample signature naming no attachment of the message', () => {
    const body = example();
    body.signatories[0].sampleSignature = 'no-such-attachment';
    expect(codes(body)).toEqual([
      ['body.signatories[0].sampleSignature', 'ATTACHMENT_REFERENCE_INVALID'],
    ]);
  });

  it('refuses a version below 1, a person without certificates, and a person listed twice', () => {
    const body = example();
    body.version = 0;
    body.signatories.push({ ...body.signatories[0], certificates: [] });
    expect(codes(body)).toEqual(
      expect.arrayContaining([
        ['body.version', expect.any(String)],
        ['body.signatories[1].certificates', expect.any(String)],
      ]),
    );
    expect(
      codes({ ...example(), signatories: [...example().signatories, ...example().signatories] }),
    ).toEqual([['body.signatories[1].id', 'VALUE_INVALID']]);
  });

  it('refuses the version-1 shape (fullName, no certificates)', () => {
    const body = example();
    body.signatories[0] = {
      id: 'kz-mvd-head',
      fullName: 'Тестов',
      position: 'Министр',
      validFrom: '2026-01-01',
    };
    expect(codes(body).map(([path]) => path)).toEqual(
      expect.arrayContaining(['body.signatories[0].fullName', 'body.signatories[0].certificates']),
    );
  });
});
