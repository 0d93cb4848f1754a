import { createHash } from 'node:crypto';
import type { MxgConfigService } from '@mxg/config';
import { ClientRegistry } from './client-registry';

const sha256 = (token: string) => createHash('sha256').update(token).digest('hex');

function configWith(signatories: string[]): MxgConfigService {
  return {
    apiClients: [
      {
        id: 'kz-mvd-system',
        authority: 'KZ-MVD',
        roles: ['publisher'],
        tokenSha256: sha256('token-1'),
        signatories,
      },
    ],
    treaty: {
      allSignatories: () => [
        { id: 'kz-mvd-deputy-minister', authority: 'KZ-MVD' },
        { id: 'az-dmx-deputy-head', authority: 'AZ-DMX' },
      ],
    },
  } as unknown as MxgConfigService;
}

describe(ClientRegistry.name, () => {
  it('authenticates a client with the signatories it is bound to (MIG-9.3)', () => {
    const sut = new ClientRegistry(configWith(['kz-mvd-deputy-minister']));
    expect(sut.authenticate('token-1')).toEqual({
      id: 'kz-mvd-system',
      authority: 'KZ-MVD',
      roles: ['publisher'],
      signatories: ['kz-mvd-deputy-minister'],
    });
    expect(sut.authenticate('token-2')).toBeUndefined();
  });

  it('refuses to start with a client bound to a signatory of another authority', () => {
    expect(() => new ClientRegistry(configWith(['az-dmx-deputy-head']))).toThrow(
      /az-dmx-deputy-head is not a signatory of KZ-MVD/,
    );
  });
});
