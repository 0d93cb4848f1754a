import { join } from 'node:path';
import { gatewayKeyLabel, signatoryKeyLabel, tokenKeyLabel } from './token-key-labels';

describe(tokenKeyLabel.name, () => {
  const dir = join('certs', 'kz');

  it.each([
    [join(dir, 'gateway', 'seal.cert.pem'), 'seal'],
    [join(dir, 'gateway', 'seal.2.cert.pem'), 'seal.2'],
    [join(dir, 'gateway', 'encryption.cert.pem'), 'encryption'],
    [join(dir, 'gateway', 'encryption.2.cert.pem'), 'encryption.2'],
    [join(dir, 'gateway', 'audit-checkpoint.cert.pem'), 'audit-checkpoint'],
    [
      join(dir, 'signatories', 'kz-mvd-deputy-minister.cert.pem'),
      'signatory.kz-mvd-deputy-minister',
    ],
  ])('labels the key of %s %s', (certificate, label) => {
    expect(tokenKeyLabel(certificate)).toBe(label);
  });

  it('names a signatory key as the key store asks for it', () => {
    expect(signatoryKeyLabel('az-dmx-deputy-head')).toBe(
      tokenKeyLabel(join('certs', 'az', 'signatories', 'az-dmx-deputy-head.cert.pem')),
    );
  });

  it('refuses a file that is not a certificate', () => {
    expect(() => gatewayKeyLabel(join(dir, 'gateway', 'seal.key.pem'))).toThrow(TypeError);
  });
});
