import { partyPkiPaths } from './pki-layout';

describe(partyPkiPaths.name, () => {
  it('puts every file of a party under its lower-case code', () => {
    const paths = partyPkiPaths('/srv/certs', 'KZ');
    expect(paths).toMatchObject({
      dir: '/srv/certs/kz',
      caCertificate: '/srv/certs/kz/ca.cert.pem',
      caPrivateKey: '/srv/certs/kz/ca.key.pem',
      caCrl: '/srv/certs/kz/ca.crl.pem',
      caDatabase: '/srv/certs/kz/ca.db.json',
      gateway: {
        seal: {
          certificate: '/srv/certs/kz/gateway/seal.cert.pem',
          privateKey: '/srv/certs/kz/gateway/seal.key.pem',
        },
        encryption: {
          certificate: '/srv/certs/kz/gateway/encryption.cert.pem',
          privateKey: '/srv/certs/kz/gateway/encryption.key.pem',
        },
        auditCheckpoint: {
          certificate: '/srv/certs/kz/gateway/audit-checkpoint.cert.pem',
          privateKey: '/srv/certs/kz/gateway/audit-checkpoint.key.pem',
        },
        storageKek: '/srv/certs/kz/gateway/storage-kek.key',
      },
    });
    expect(paths.signatory('kz-mvd.1')).toEqual({
      certificate: '/srv/certs/kz/signatories/kz-mvd.1.cert.pem',
      privateKey: '/srv/certs/kz/signatories/kz-mvd.1.key.pem',
    });
  });

  it.each(['../etc', 'k/z', '', 'K'])('refuses party code %p', (code) => {
    expect(() => partyPkiPaths('/srv/certs', code)).toThrow('PKI_INVALID_REQUEST');
  });

  it.each(['..', '../ca', 'a/b', '.hidden', ''])('refuses signatory id %p', (id) => {
    expect(() => partyPkiPaths('/srv/certs', 'KZ').signatory(id)).toThrow('PKI_INVALID_REQUEST');
  });
});
