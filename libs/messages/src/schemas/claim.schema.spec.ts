import { join } from 'node:path';
import { findRepoRoot, loadVocabulary } from '@mxg/config';
import { checkMessageBody } from '../check-message-body';
import { exampleMessage } from '../examples/example-messages';

const vocabulary = loadVocabulary(join(findRepoRoot(), 'config'));
const NOW = new Date('2026-12-03T12:00:00Z');

type Body = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

const claim = (): Body => structuredClone(exampleMessage('reimbursement-claim').body);
const codes = (
  body: unknown,
  type: 'reimbursement-claim' | 'claim-dispute' = 'reimbursement-claim',
) => checkMessageBody(type, body, vocabulary, NOW).problems.map((p) => [p.path, p.code, p.treaty]);

describe('reimbursement-claim body, version 2 (RET-3.1 to RET-3.7)', () => {
  it('money is a decimal string, never a JSON number (RET-3.6)', () => {
    const body = claim();
    body.lines[0].amount = 180000;
    body.total.amount = '880.2e0';
    expect(codes(body)).toEqual([
      ['body.lines[0].amount', 'VALUE_INVALID', 'RET-3.6'],
      ['body.total.amount', 'VALUE_INVALID', 'RET-2'],
    ]);
  });

  it('at most 18 integer and 12 fraction digits, so the conversion stays exact', () => {
    const body = claim();
    body.lines[0].amount = `1${'0'.repeat(18)}.00`;
    body.lines[1].usd = '198.5400000000001';
    expect(codes(body)).toEqual([
      ['body.lines[0].amount', 'VALUE_INVALID', 'RET-3.6'],
      ['body.lines[1].usd', 'VALUE_INVALID', 'RET-3.6'],
    ]);
  });

  it('an accommodation or per-diem line counts its person-nights or -days (RET-3.3, RET-3.4)', () => {
    const body = claim();
    delete body.lines[3].units;
    expect(codes(body)).toEqual([['body.lines[3].units', 'FIELD_REQUIRED', 'RET-3.6']]);
  });

  it('the return act is signed by representatives of both states (RET-3.1)', () => {
    const body = claim();
    body.returnAct.representatives[1].state = 'KZ';
    expect(codes(body)).toEqual([['body.returnAct.representatives', 'FIELD_REQUIRED', 'RET-3.1']]);
  });

  it('typed documents from a closed list; only travel documents say whether they show the fare (RET-3.2)', () => {
    const body = claim();
    body.documents[0].kind = 'receipt';
    body.documents[1].showsFare = true;
    expect(codes(body)).toEqual([
      ['body.documents[0].kind', 'VALUE_INVALID', 'RET-3.2'],
      ['body.documents[1].showsFare', 'VALUE_INVALID', 'RET-3.2'],
    ]);
  });

  it('repeated document ids and line numbers are refused', () => {
    const body = claim();
    body.documents[1].id = 'd1';
    body.lines[1].no = 1;
    expect(codes(body)).toEqual([
      ['body.documents[1]', 'VALUE_INVALID', 'RET-3.2'],
      ['body.lines[1]', 'VALUE_INVALID', 'RET-3.6'],
    ]);
  });

  it('no personal data beyond the return act’s: an unknown field is refused', () => {
    const body = claim();
    body.returnAct.minor.address = 'г. Баку';
    expect(codes(body)).toEqual([['body.returnAct.minor.address', 'FIELD_NOT_ALLOWED', 'RET-3.1']]);
  });

  it('a dispute’s amount is a decimal string too (RET-4)', () => {
    const body = structuredClone(exampleMessage('claim-dispute').body) as Body;
    body.disputedAmount = 118.48;
    expect(codes(body, 'claim-dispute')).toEqual([
      ['body.disputedAmount', 'VALUE_INVALID', 'RET-4'],
    ]);
  });
});
