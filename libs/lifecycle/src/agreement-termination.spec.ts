import { type BilateralAgreement, defaultAlgorithmPolicy } from '@mxg/config';
import { terminationRefusal } from './agreement-termination';
import { REQUEST_MESSAGE_TYPES } from './request-lifecycle';

const names = { ru: 'ру', en: 'en' };

function mig(terminationNoticeReceived: string | null): BilateralAgreement {
  return {
    code: 'MIG',
    kind: 'bilateral',
    title: names,
    parties: ['KZ', 'AZ'],
    inForceFrom: '2020-06-01',
    terminationNoticeReceived,
    authorities: ['KZ-MVD', 'AZ-DMX'],
    messageTypes: ['request', 'response'],
    algorithms: defaultAlgorithmPolicy(),
  };
}

const at = (iso: string) => new Date(iso);
const sut = terminationRefusal;

describe(terminationRefusal.name, () => {
  // Notice received 31 August 2026: in force until 28 February 2027 (no 31 February).
  const terminated = mig('2026-08-31');

  it('MIG-17: lets a new request through on the last day in force', () => {
    expect(sut(terminated, 'request', at('2027-02-28T23:59:59.999Z'))).toBeNull();
  });

  it('MIG-17: refuses a new request or notice from the day termination takes effect', () => {
    for (const type of ['request', 'notice'] as const) {
      expect(sut(terminated, type, at('2027-03-01T00:00:00Z'))).toEqual({
        ok: false,
        code: 'AGREEMENT_TERMINATED',
        message:
          `a new ${type} under MIG on 2027-03-01: the agreement was in force until 2027-02-28, ` +
          'six months after the termination notice was received (MIG-17); requests opened ' +
          'before then are still answered, no new exchange starts',
        treaty: 'MIG-17',
      });
    }
  });

  it('MIG-17: lets every message of a request opened before then run to its end', () => {
    const later = REQUEST_MESSAGE_TYPES.filter((t) => t !== 'request' && t !== 'notice');
    expect(later).toHaveLength(12);
    for (const type of later) {
      expect(sut(terminated, type, at('2027-06-15T10:00:00Z'))).toBeNull();
    }
  });

  it('refuses nothing while no termination notice has been received', () => {
    expect(sut(mig(null), 'request', at('2099-01-01T00:00:00Z'))).toBeNull();
  });
});
