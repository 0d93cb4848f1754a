import { PkiPartyPlan, PkiSignatoryPlan, validatePlan } from './pki-plan';

const signatory = (id: string, extra: Partial<PkiSignatoryPlan> = {}): PkiSignatoryPlan => ({
  id,
  authorityCode: 'KZ-MVD',
  authorityNameEn: 'Migration Service',
  commonName: 'Aigerim Bekova',
  ...extra,
});
const party = (code: string, signatories: PkiSignatoryPlan[] = []): PkiPartyPlan => ({
  code,
  nameEn: code,
  signatories,
});

describe(validatePlan.name, () => {
  it('accepts distinct parties with distinct signatories', () => {
    expect(() =>
      validatePlan([party('KZ', [signatory('a'), signatory('b')]), party('AZ', [signatory('a')])]),
    ).not.toThrow();
  });

  it.each<[string, PkiPartyPlan[]]>([
    ['a party listed twice', [party('KZ'), party('kz')]],
    ['a signatory listed twice', [party('KZ', [signatory('a1'), signatory('A1')])]],
    ['a path in a signatory id', [party('KZ', [signatory('../a')])]],
    ['a path in a party code', [party('../KZ')]],
    ['an empty common name', [party('KZ', [signatory('a', { commonName: ' ' })])]],
    ['an empty authority name', [party('KZ', [signatory('a', { authorityNameEn: '' })])]],
    ['an empty position', [party('KZ', [signatory('a', { position: '' })])]],
  ])('rejects %s', (_case, parties) => {
    expect(() => validatePlan(parties)).toThrow('PKI_INVALID_PLAN');
  });
});
