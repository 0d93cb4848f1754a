import { MxgError } from '@mxg/core';
import { defaultAlgorithmPolicy } from './treaty-config.schema';
import { TreatyRegistry } from './treaty-registry';
import type { TreatyData } from './treaty.types';

const names = { ru: 'ру', en: 'en' };

function registry(overrides: { terminationNoticeReceived?: string | null } = {}): TreatyRegistry {
  const data: TreatyData = {
    parties: [
      { code: 'KZ', names },
      { code: 'AZ', names },
      { code: 'AM', names },
    ],
    authorities: [
      {
        code: 'KZ-MVD',
        party: 'KZ',
        timeZone: 'Asia/Almaty',
        names: [
          { from: '2020-06-01', ru: 'МВД', en: 'Ministry of Internal Affairs' },
          { from: '2027-01-01', ru: 'МВД (новое)', en: 'Ministry of the Interior' },
        ],
        validFrom: '2020-06-01',
        validTo: null,
      },
      {
        code: 'AZ-DMX',
        party: 'AZ',
        timeZone: 'Asia/Baku',
        names: [{ from: '2020-06-01', ...names }],
        validFrom: '2020-06-01',
        validTo: '2025-12-31',
      },
    ],
    agreements: [
      {
        code: 'MIG',
        kind: 'bilateral',
        title: names,
        parties: ['KZ', 'AZ'],
        inForceFrom: '2020-06-01',
        terminationNoticeReceived: overrides.terminationNoticeReceived ?? null,
        authorities: ['KZ-MVD', 'AZ-DMX'],
        messageTypes: ['request', 'response'],
        algorithms: defaultAlgorithmPolicy(),
      },
      {
        code: 'RET',
        kind: 'multilateral',
        title: names,
        participants: [
          { party: 'KZ', participatingFrom: '2016-03-01' },
          { party: 'AZ', participatingFrom: '2016-04-10' },
          { party: 'AM', participatingFrom: null },
        ],
        authorities: [],
        messageTypes: ['reimbursement-claim'],
        algorithms: defaultAlgorithmPolicy(),
      },
    ],
    signatories: [
      {
        id: 'kz-mvd-head',
        authority: 'KZ-MVD',
        person: names,
        position: names,
        certificate: 'kz/signatories/kz-mvd-head.cert.pem',
        validFrom: '2026-01-01',
        validTo: '2026-06-30',
      },
    ],
  };
  return new TreatyRegistry(data);
}

const at = (iso: string) => new Date(iso);

describe(TreatyRegistry.name, () => {
  describe('MIG-2: authority names by date, time zones and notified changes', () => {
    it('gives the name in force on the day, the first one before its date', () => {
      const sut = registry();
      expect(sut.authorityName('KZ-MVD', at('2019-01-01T00:00:00Z')).en).toBe(
        'Ministry of Internal Affairs',
      );
      expect(sut.authorityName('KZ-MVD', at('2026-12-31T23:59:59.999Z'))).toEqual({
        ru: 'МВД',
        en: 'Ministry of Internal Affairs',
      });
      expect(sut.authorityName('KZ-MVD', at('2027-01-01T00:00:00Z'))).toEqual({
        ru: 'МВД (новое)',
        en: 'Ministry of the Interior',
      });
    });

    it("gives each authority's time zone (MIG-10.3)", () => {
      const sut = registry();
      expect(sut.authorityTimeZone('KZ-MVD')).toBe('Asia/Almaty');
      expect(sut.authorityTimeZone('AZ-DMX')).toBe('Asia/Baku');
      expect(() => sut.authorityTimeZone('AZ-XYZ')).toThrow(MxgError);
    });

    it('applies a notified rename from its effective date in a new registry, keeping the notice', () => {
      const before = registry();
      const notice = {
        authority: 'AZ-DMX',
        change: 'rename',
        names: { ru: 'Миграционная служба', en: 'Migration Service' },
        effectiveFrom: '2025-07-01',
        description: 'renamed',
      } as const;
      const sut = before.withAuthorityChange(notice);
      expect(sut.authorityName('AZ-DMX', at('2025-06-30T12:00:00Z')).en).toBe('en');
      expect(sut.authorityName('AZ-DMX', at('2025-07-01T00:00:00Z')).en).toBe('Migration Service');
      expect(sut.authorityChanges('AZ-DMX')).toEqual([notice]);
      expect(sut.authorityChanges('KZ-MVD')).toEqual([]);
      expect(before.authorityName('AZ-DMX', at('2025-07-01T00:00:00Z')).en).toBe('en');
      expect(sut.withAuthorityChange(notice).authorityChanges('AZ-DMX')).toEqual([notice]);
    });

    it('keeps a change of functions as history, by effective date', () => {
      const functions = (effectiveFrom: string) =>
        ({ authority: 'KZ-MVD', change: 'functions', effectiveFrom, description: 'x' }) as const;
      const sut = registry()
        .withAuthorityChange(functions('2026-05-01'))
        .withAuthorityChange(functions('2025-05-01'));
      expect(sut.authorityChanges('KZ-MVD').map((c) => c.effectiveFrom)).toEqual([
        '2025-05-01',
        '2026-05-01',
      ]);
      expect(sut.authority('KZ-MVD')).toEqual(registry().authority('KZ-MVD'));
    });

    it('refuses a change of an authority that is not registered', () => {
      const notice = {
        authority: 'AZ-XYZ',
        change: 'functions',
        effectiveFrom: '2026-01-01',
        description: 'x',
      } as const;
      expect(() => registry().withAuthorityChange(notice)).toThrow(/^UNKNOWN_AUTHORITY/);
    });
  });

  describe('MIG-17: in force from the last notification, until 6 months after a termination notice', () => {
    it('is in force from its first day for its two parties only', () => {
      const sut = registry();
      expect(sut.isParticipating('MIG', 'KZ', at('2020-05-31T23:59:59Z'))).toBe(false);
      expect(sut.isParticipating('MIG', 'KZ', at('2020-06-01T00:00:00Z'))).toBe(true);
      expect(sut.isParticipating('MIG', 'AZ', at('2030-01-01T00:00:00Z'))).toBe(true);
      expect(sut.isParticipating('MIG', 'AM', at('2030-01-01T00:00:00Z'))).toBe(false);
      expect(sut.lastDayInForce('MIG')).toBeNull();
    });

    it('stays in force for six months after a notice is received, then stops', () => {
      const sut = registry({ terminationNoticeReceived: '2026-08-31' });
      expect(sut.lastDayInForce('MIG')).toBe('2027-02-28');
      expect(sut.isParticipating('MIG', 'KZ', at('2027-02-28T23:00:00Z'))).toBe(true);
      expect(sut.isParticipating('MIG', 'KZ', at('2027-03-01T00:00:00Z'))).toBe(false);
    });
  });

  describe('RET-7/8: each party takes part from its own date', () => {
    it('admits a party from its date and refuses one that has not joined', () => {
      const sut = registry();
      expect(sut.isParticipating('RET', 'AZ', at('2016-04-09T12:00:00Z'))).toBe(false);
      expect(sut.isParticipating('RET', 'AZ', at('2016-04-10T00:00:00Z'))).toBe(true);
      expect(sut.isParticipating('RET', 'AM', at('2026-01-01T00:00:00Z'))).toBe(false);
      expect(sut.isParticipating('RET', 'RU', at('2026-01-01T00:00:00Z'))).toBe(false);
    });
  });

  it('MIG-9.3: a signatory is authorised only within their window and only for their authority', () => {
    const sut = registry();
    expect(sut.isSignatoryAuthorised('kz-mvd-head', 'KZ-MVD', at('2026-03-01T10:00:00Z'))).toBe(
      true,
    );
    expect(sut.isSignatoryAuthorised('kz-mvd-head', 'KZ-MVD', at('2026-07-01T00:00:00Z'))).toBe(
      false,
    );
    expect(sut.isSignatoryAuthorised('kz-mvd-head', 'AZ-DMX', at('2026-03-01T10:00:00Z'))).toBe(
      false,
    );
    expect(sut.isSignatoryAuthorised('someone-else', 'KZ-MVD', at('2026-03-01T10:00:00Z'))).toBe(
      false,
    );
  });

  it('MIG-2: an authority acts only inside its validity window', () => {
    const sut = registry();
    expect(sut.isAuthorityActive('AZ-DMX', at('2025-12-31T12:00:00Z'))).toBe(true);
    expect(sut.isAuthorityActive('AZ-DMX', at('2026-01-01T00:00:00Z'))).toBe(false);
    expect(sut.isAuthorityActive('XX-NONE', at('2026-01-01T00:00:00Z'))).toBe(false);
  });

  it('allows only the message types an agreement lists', () => {
    const sut = registry();
    expect(sut.allowsMessageType('MIG', 'request')).toBe(true);
    expect(sut.allowsMessageType('MIG', 'reimbursement-claim')).toBe(false);
    expect(sut.allowsMessageType('RET', 'reimbursement-claim')).toBe(true);
  });

  it('answers an unknown code with a stable error code', () => {
    const sut = registry();
    expect(() => sut.authority('KZ-XXX')).toThrow(MxgError);
    expect(() => sut.authority('KZ-XXX')).toThrow(/^UNKNOWN_AUTHORITY: /);
    expect(() => sut.agreement('NOPE')).toThrow(/^UNKNOWN_AGREEMENT: /);
  });
});
