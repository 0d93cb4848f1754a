import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readCaDatabase } from './ca-database';
import { isIssuedBy } from './certificate-authority';
import { certificateProfileProblem } from './certificate-profile-check';
import { crlDistributionPointUrls } from './crl-distribution-point';
import { keyGenerations } from './key-generations';
import { loadCertificatePem, loadPrivateKey } from './pem-files';
import { initPki } from './pki-init';
import { partyPkiPaths } from './pki-layout';
import { rotateKey } from './pki-rotate';

const NOW = new Date('2030-03-01T12:00:00.000Z');
const LATER = new Date('2031-06-01T00:00:00.000Z');
const CDP = 'http://127.0.0.1:3101/pki/kz.crl';

describe(rotateKey.name, () => {
  let certsDir: string;
  beforeEach(async () => {
    certsDir = await mkdtemp(join(tmpdir(), 'mxg-pki-rotate-'));
    await initPki({
      certsDir,
      now: NOW,
      parties: [{ code: 'KZ', nameEn: 'Kazakhstan', signatories: [], crlDistributionPoint: CDP }],
    });
  });
  afterEach(() => rm(certsDir, { recursive: true, force: true }));

  it('issues the next seal generation from now, leaving the previous one in place and valid', async () => {
    const paths = partyPkiPaths(certsDir, 'KZ');
    const first = await loadCertificatePem(paths.gateway.seal.certificate);

    const result = await rotateKey({ certsDir, party: 'KZ', key: 'seal', now: LATER });

    expect(result).toMatchObject({
      generation: 2,
      certificate: 'kz/gateway/seal.2.cert.pem',
      privateKey: 'kz/gateway/seal.2.key.pem',
      notBefore: LATER,
      previous: {
        generation: 1,
        serial: first.serialNumber.toUpperCase(),
        notAfter: new Date(first.validTo),
      },
    });
    expect(keyGenerations(paths.gateway.seal).map((g) => g.certificate)).toEqual([
      paths.gateway.seal.certificate,
      join(certsDir, 'kz/gateway/seal.2.cert.pem'),
    ]);
    const second = await loadCertificatePem(join(certsDir, result.certificate));
    expect(second.checkPrivateKey(await loadPrivateKey(join(certsDir, result.privateKey)))).toBe(
      true,
    );
    expect(isIssuedBy(second, await loadCertificatePem(paths.caCertificate))).toBe(true);
    expect(certificateProfileProblem(second, 'seal')).toBeUndefined();
    expect(crlDistributionPointUrls(second)).toEqual([CDP]);
    expect(second.subject).toBe(first.subject);
    // Generation 1 untouched and still recorded; generation 2 recorded beside it.
    expect((await loadCertificatePem(paths.gateway.seal.certificate)).raw.equals(first.raw)).toBe(
      true,
    );
    const db = await readCaDatabase(paths.caDatabase);
    expect(db.issued.map((e) => e.serial)).toContain(result.serial);
    expect(db.revoked).toEqual([]);
  });

  it('rotates the encryption key with an RSA key and counts generations on', async () => {
    await rotateKey({ certsDir, party: 'KZ', key: 'encryption', now: LATER });
    const third = await rotateKey({ certsDir, party: 'KZ', key: 'encryption', now: LATER });
    expect(third.generation).toBe(3);
    expect(third.previous.generation).toBe(2);
    const key = await loadPrivateKey(join(certsDir, third.privateKey));
    expect(key.asymmetricKeyType).toBe('rsa');
    expect(
      certificateProfileProblem(
        await loadCertificatePem(join(certsDir, third.certificate)),
        'encryption',
      ),
    ).toBeUndefined();
  });

  it('says when the previous generation ends before the overlap asked for', async () => {
    // Generation 1 ends on 2032-03-01: 30 days from 2032-02-20 is past it.
    const result = await rotateKey({
      certsDir,
      party: 'KZ',
      key: 'seal',
      overlapDays: 30,
      now: new Date('2032-02-20T12:00:00Z'),
    });
    expect(result.overlapShortBy).toBe(20);
    const roomy = await rotateKey({
      certsDir,
      party: 'KZ',
      key: 'seal',
      overlapDays: 30,
      now: LATER,
    });
    expect(roomy.overlapShortBy).toBeUndefined();
  });

  it('starts the new generation later when asked, so peers can trust it before it is used', async () => {
    const start = new Date('2031-06-08T00:00:00.000Z');
    const result = await rotateKey({ certsDir, party: 'KZ', key: 'seal', now: LATER, start });
    expect(result.notBefore).toEqual(start);
    const second = await loadCertificatePem(join(certsDir, result.certificate));
    expect(new Date(second.validFrom)).toEqual(start);
  });

  it('refuses a party without the key to rotate', async () => {
    await expect(rotateKey({ certsDir, party: 'AZ', key: 'seal' })).rejects.toThrow(
      'PKI_CERT_NOT_FOUND',
    );
  });
});
