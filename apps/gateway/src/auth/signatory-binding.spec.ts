import { AuthError } from './auth.errors';
import type { AuthenticatedClient } from './auth.types';
import { assertSignatoryBound } from './signatory-binding';

describe(assertSignatoryBound.name, () => {
  const client: AuthenticatedClient = {
    id: 'kz-mvd-system',
    authority: 'KZ-MVD',
    roles: ['publisher'],
    signatories: ['kz-mvd-migration-head'],
  };

  it('admits a signatory bound to the client', () => {
    expect(() => assertSignatoryBound(client, 'kz-mvd-migration-head')).not.toThrow();
  });

  it('refuses another signatory of the same authority with SIGNATORY_NOT_BOUND (MIG-9.3)', () => {
    const refuse = () => assertSignatoryBound(client, 'kz-mvd-deputy-minister');
    expect(refuse).toThrow(AuthError);
    expect(refuse).toThrow(/SIGNATORY_NOT_BOUND/);
  });

  it('refuses every signatory for a client bound to none', () => {
    expect(() =>
      assertSignatoryBound({ ...client, signatories: [] }, 'kz-mvd-migration-head'),
    ).toThrow(/SIGNATORY_NOT_BOUND/);
  });
});
