import {
  applyAuthorityChange,
  AuthorityChangeError,
  type AuthorityChangeNotice,
} from './authority-change';
import type { Authority } from './treaty.types';

const dmx: Authority = {
  code: 'AZ-DMX',
  party: 'AZ',
  timeZone: 'Asia/Baku',
  names: [{ from: '2020-06-01', ru: 'ГМС', en: 'State Migration Service' }],
  placeholder: false,
  validFrom: '2020-06-01',
  validTo: null,
};

const rename: AuthorityChangeNotice = {
  authority: 'AZ-DMX',
  change: 'rename',
  names: { ru: 'Миграционная служба', en: 'Migration Service' },
  effectiveFrom: '2027-01-01',
  description: 'renamed by presidential decree',
};

function codeOf(run: () => unknown): string {
  try {
    run();
  } catch (error) {
    if (error instanceof AuthorityChangeError) return error.code;
    throw error;
  }
  throw new Error('expected an AuthorityChangeError');
}

const sut = applyAuthorityChange;

describe(applyAuthorityChange.name, () => {
  it('MIG-2: a rename adds the new names from its effective date and keeps the code', () => {
    expect(sut(dmx, rename)).toEqual({
      ...dmx,
      names: [
        { from: '2020-06-01', ru: 'ГМС', en: 'State Migration Service' },
        { from: '2027-01-01', ru: 'Миграционная служба', en: 'Migration Service' },
      ],
    });
  });

  it('keeps the names in date order when an earlier rename is notified late', () => {
    const later = sut(dmx, rename);
    const earlier = sut(later, {
      ...rename,
      names: { ru: 'ГМС АР', en: 'SMS of Azerbaijan' },
      effectiveFrom: '2024-03-01',
    });
    expect(earlier.names.map((n) => n.from)).toEqual(['2020-06-01', '2024-03-01', '2027-01-01']);
  });

  it('changes nothing when the same rename arrives twice', () => {
    const once = sut(dmx, rename);
    expect(sut(once, rename)).toBe(once);
  });

  it('refuses a different name for a date that already has one', () => {
    const once = sut(dmx, rename);
    const other = { ...rename, names: { ru: 'Другое', en: 'Other' } };
    expect(codeOf(() => sut(once, other))).toBe('AUTHORITY_CHANGE_CONFLICT');
  });

  it('leaves the record as it is for a change of functions', () => {
    const functions: AuthorityChangeNotice = {
      authority: 'AZ-DMX',
      change: 'functions',
      effectiveFrom: '2027-01-01',
      description: 'also issues work permits',
    };
    expect(sut(dmx, functions)).toBe(dmx);
  });

  it.each([
    ['a rename without names', { ...rename, names: undefined }],
    ['a rename with an empty English name', { ...rename, names: { ru: 'МС', en: ' ' } }],
    ['a change of functions that carries names', { ...rename, change: 'functions' as const }],
    ['a date that is no calendar date', { ...rename, effectiveFrom: '2027-02-30' }],
    ['a date before the authority was registered', { ...rename, effectiveFrom: '2019-12-31' }],
    ['a notice about another authority', { ...rename, authority: 'KZ-MVD' }],
  ])('refuses %s', (_case, notice) => {
    expect(codeOf(() => sut(dmx, notice))).toBe('AUTHORITY_CHANGE_INVALID');
  });

  it('says what to fix, with the article', () => {
    expect(() => sut(dmx, { ...rename, names: undefined })).toThrow(
      'AUTHORITY_CHANGE_INVALID: rename of AZ-DMX from 2027-01-01: a rename carries the new names in ru and en (MIG-2)',
    );
  });
});
