import { join } from 'node:path';
import { findRepoRoot, loadVocabulary } from '@mxg/config';
import { checkMessageBody } from '../check-message-body';

const vocabulary = loadVocabulary(join(findRepoRoot(), 'config'));
const NOW = new Date('2026-03-01T12:00:00Z');
const M = '11111111-1111-4111-8111-111111111111';
const codes = (type: 'consent-request' | 'consent-grant' | 'consent-revocation', body: unknown) =>
  checkMessageBody(type, body, vocabulary, NOW).problems.map((p) => [p.path, p.code]);

const ONWARD = {
  messages: [M],
  use: 'onward-transfer',
  recipient: { id: 'AZ-GP', name: 'Генеральная прокуратура' },
  justification: 'Для производства по делу',
};

describe('consent bodies (MIG-11.2, MIG-11.3)', () => {
  it.each([
    ['an onward transfer naming its third party', ONWARD, []],
    [
      'a new purpose naming a purpose code',
      { messages: [M], use: 'new-purpose', purpose: 'judicial-proceedings', justification: 'Суд' },
      [],
    ],
    [
      'an onward transfer without its third party',
      { ...ONWARD, recipient: undefined },
      [['body.recipient', 'FIELD_REQUIRED']],
    ],
    [
      'a new purpose without its purpose',
      { messages: [M], use: 'new-purpose', justification: 'Суд' },
      [['body.purpose', 'FIELD_REQUIRED']],
    ],
    [
      'a purpose outside config/vocabularies.yaml',
      { ...ONWARD, purpose: 'curiosity' },
      [['body.purpose', 'VALUE_INVALID']],
    ],
    ['no messages', { ...ONWARD, messages: [] }, [['body.messages', 'VALUE_INVALID']]],
    [
      'a message named twice',
      { ...ONWARD, messages: [M, M] },
      [['body.messages', 'VALUE_INVALID']],
    ],
    [
      'a message id that is no UUID',
      { ...ONWARD, messages: ['n1'] },
      [['body.messages[0]', 'VALUE_INVALID']],
    ],
    ['another use', { ...ONWARD, use: 'publication' }, [['body.use', 'VALUE_INVALID']]],
    [
      'a third party code that is no organisation code',
      { ...ONWARD, recipient: { id: 'prosecutor', name: 'Прокуратура' } },
      [['body.recipient.id', 'VALUE_INVALID']],
    ],
  ])('consent-request: %s', (_name, body, expected) => {
    expect(codes('consent-request', body)).toEqual(expected);
  });

  it('a grant states until when it holds: validUntil is required, and a real date', () => {
    expect(codes('consent-grant', { conditions: 'Только по делу' })).toEqual([
      ['body.validUntil', 'FIELD_REQUIRED'],
    ]);
    expect(codes('consent-grant', { validUntil: '2026-02-30' })).toEqual([
      ['body.validUntil', 'DATE_INVALID'],
    ]);
    expect(codes('consent-grant', { validUntil: '2026-12-31' })).toEqual([]);
  });

  it('a revocation may give its reason', () => {
    expect(codes('consent-revocation', {})).toEqual([]);
    expect(codes('consent-revocation', { reason: 'Основания отпали' })).toEqual([]);
  });
});
