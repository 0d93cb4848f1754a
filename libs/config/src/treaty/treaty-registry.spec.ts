import { MxgError } from '@mxg/core';
import { defaultAlgorithmPolicy } from './treaty-config.schema';
import { TreatyRegistry } from './treaty-registry';
import type { Participant, TreatyData } from './treaty.types';

const names = { ru: 'ру', en: 'en' };
const party = (code: string, currency: string, bank: string) => ({
  code,
  names,
  currency,
  nationalBank: { code: bank, ...names },
});
const participant = (
  code: string,
  notificationReceived: string | null,
  more: Partial<Participant> = {},
): Participant => ({ party: code, notificationReceived, accession: false, leftOn: null, ...more });

/** RET-7: KZ, AZ, RU notify; RU's is the third (2016-01-31), so RET is in force from 2016-03-01. */
const RET_PARTICIPANTS: readonly Participant[] = [
  participant('KZ', '2016-01-15'),
  participant('AZ', '2016-01-20'),
  participant('RU', '2016-01-31'),
  participant('BY', '2016-02-10'),
  participant('KG', '2016-12-11', { accession: true }),
  participant('UA', '2016-02-15', { leftOn: '2019-01-01' }),
  participant('AM', null),
];

function registry(
  overrides: {
    terminationNoticeReceived?: string | null;
    participants?: readonly Participant[];
    endsOn?: string | null;
  } = {},
): TreatyRegistry {
  const data: TreatyData = {
    parties: [
      party('KZ', 'KZT', 'NBK'),
      party('AZ', 'AZN', 'CBAR'),
      party('AM', 'AMD', 'CBA'),
      party('RU', 'RUB', 'CBR'),
      party('BY', 'BYN', 'NBRB'),
      party('KG', 'KGS', 'NBKR'),
      party('UA', 'UAH', 'NBU'),
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
        placeholder: false,
        validFrom: '2020-06-01',
        validTo: null,
      },
      {
        code: 'AZ-DMX',
        party: 'AZ',
        timeZone: 'Asia/Baku',
        names: [{ from: '2020-06-01', ...names }],
        placeholder: false,
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
        participants: overrides.participants ?? RET_PARTICIPANTS,
        endsOn: overrides.endsOn ?? null,
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
        certificates: ['kz/signatories/kz-mvd-head.cert.pem'],
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

  describe('RET-7/8: each party takes part from its computed date', () => {
    it('enters into force 30 days after the third notification, for the first three alike', () => {
      const sut = registry();
      expect(sut.entryIntoForce('RET')).toBe('2016-03-01');
      for (const code of ['KZ', 'AZ', 'RU']) {
        expect(sut.participation('RET', code)).toEqual({
          agreement: 'RET',
          party: code,
          notificationReceived: RET_PARTICIPANTS.find((p) => p.party === code)!
            .notificationReceived,
          accession: false,
          participatingFrom: '2016-03-01',
          leftOn: null,
        });
      }
      expect(sut.isParticipating('RET', 'KZ', at('2016-02-29T23:59:59Z'))).toBe(false);
      expect(sut.isParticipating('RET', 'KZ', at('2016-03-01T00:00:00Z'))).toBe(true);
    });

    it('is not in force for anyone while fewer than three notifications have come', () => {
      const sut = registry({
        participants: [participant('KZ', '2016-01-15'), participant('AZ', '2016-01-20')],
      });
      expect(sut.entryIntoForce('RET')).toBeNull();
      expect(sut.participation('RET', 'KZ')?.participatingFrom).toBeNull();
      expect(sut.isParticipating('RET', 'KZ', at('2030-01-01T00:00:00Z'))).toBe(false);
    });

    it('admits a later notification 30 days after its own receipt', () => {
      const sut = registry();
      expect(sut.participation('RET', 'BY')?.participatingFrom).toBe('2016-03-11');
      expect(sut.isParticipating('RET', 'BY', at('2016-03-10T23:59:59Z'))).toBe(false);
      expect(sut.isParticipating('RET', 'BY', at('2016-03-11T00:00:00Z'))).toBe(true);
    });

    it('admits an acceding party 30 days after its document, which does not count towards three', () => {
      const sut = registry();
      expect(sut.participation('RET', 'KG')).toMatchObject({
        accession: true,
        participatingFrom: '2017-01-10',
      });
      const early = registry({
        participants: [
          participant('KZ', '2016-01-15'),
          participant('AZ', '2016-01-20'),
          participant('KG', '2016-01-10', { accession: true }),
          participant('RU', '2016-06-01'),
        ],
      });
      // KG's accession does not make AZ's the third notification: RU's is (2016-06-01).
      expect(early.entryIntoForce('RET')).toBe('2016-07-01');
      // nor does an early accession take effect before the protocol is in force.
      expect(early.participation('RET', 'KG')?.participatingFrom).toBe('2016-07-01');
    });

    it('stops on leftOn: the first day the party no longer takes part', () => {
      const sut = registry();
      expect(sut.participation('RET', 'UA')).toMatchObject({
        participatingFrom: '2016-03-16',
        leftOn: '2019-01-01',
      });
      expect(sut.isParticipating('RET', 'UA', at('2018-12-31T23:59:59Z'))).toBe(true);
      expect(sut.isParticipating('RET', 'UA', at('2019-01-01T00:00:00Z'))).toBe(false);
    });

    it('stops for everyone on endsOn, unless a party left earlier', () => {
      const sut = registry({ endsOn: '2030-01-01' });
      expect(sut.participation('RET', 'KZ')?.leftOn).toBe('2030-01-01');
      expect(sut.participation('RET', 'UA')?.leftOn).toBe('2019-01-01');
      expect(sut.isParticipating('RET', 'KZ', at('2029-12-31T23:59:59Z'))).toBe(true);
      expect(sut.isParticipating('RET', 'KZ', at('2030-01-01T00:00:00Z'))).toBe(false);
    });

    it('refuses a party with no notification (null) and one that is not a participant', () => {
      const sut = registry();
      expect(sut.participation('RET', 'AM')).toMatchObject({
        notificationReceived: null,
        participatingFrom: null,
      });
      expect(sut.isParticipating('RET', 'AM', at('2026-01-01T00:00:00Z'))).toBe(false);
      expect(sut.participation('RET', 'TM')).toBeUndefined();
      expect(sut.isParticipating('RET', 'TM', at('2026-01-01T00:00:00Z'))).toBe(false);
    });

    it('gives MIG-17 participation from inForceFrom to the day after the last day in force', () => {
      const sut = registry({ terminationNoticeReceived: '2026-08-31' });
      expect(sut.participation('MIG', 'KZ')).toMatchObject({
        participatingFrom: '2020-06-01',
        leftOn: '2027-03-01',
      });
      expect(sut.participation('MIG', 'AM')).toBeUndefined();
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
