import { createPublicKey } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import { stat, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createCertificateRequest } from './pki-csr';
import { gatewaySubject, signatorySubject } from './distinguished-name';
import { loadPrivateKey } from './pem-files';
import { x509 } from './x509-provider';

const NOW = new Date('2030-03-01T12:00:00.000Z');

describe(createCertificateRequest.name, () => {
  let certsDir: string;
  beforeEach(async () => {
    certsDir = await mkdtemp(join(tmpdir(), 'mxg-pki-csr-'));
  });
  afterEach(() => rm(certsDir, { recursive: true, force: true }));

  it('writes a 0600 key and a PKCS#10 request, signed by it, asking for the seal profile', async () => {
    const result = await createCertificateRequest({
      certsDir,
      party: 'KZ',
      profile: 'seal',
      subject: gatewaySubject('KZ', 'seal'),
      now: NOW,
    });
    expect(result.request).toBe('kz/requests/seal.20300301T120000Z.csr.pem');
    expect(result.privateKey).toBe('kz/requests/seal.20300301T120000Z.key.pem');
    expect((await stat(join(certsDir, result.privateKey))).mode & 0o777).toBe(0o600);

    const request = new x509.Pkcs10CertificateRequest(
      await readFile(join(certsDir, result.request), 'utf8'),
    );
    expect(await request.verify()).toBe(true);
    expect(request.subject).toBe(
      'C=KZ, O=MXG development PKI (KZ), OU=MXG gateway, CN=MXG KZ gateway seal',
    );
    const usage = request.getExtension('2.5.29.15');
    expect(usage && new x509.KeyUsagesExtension(usage.rawData).usages).toBe(
      x509.KeyUsageFlags.digitalSignature | x509.KeyUsageFlags.nonRepudiation,
    );
    // The request's public key is the written key's.
    const key = await loadPrivateKey(join(certsDir, result.privateKey));
    const spki = Buffer.from(request.publicKey.rawData);
    expect(createPublicKey(key).export({ type: 'spki', format: 'der' }).equals(spki)).toBe(true);
    // OpenSSL, as a national CA's tooling would, reads it and checks its signature (else throws).
    const text = execFileSync(
      'openssl',
      ['req', '-in', join(certsDir, result.request), '-noout', '-verify', '-text'],
      { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] },
    );
    expect(text).toContain('Digital Signature, Non Repudiation');
    expect(text).toContain('E-mail Protection');
  });

  it('names a signatory’s request after the signatory and refuses one without an id', async () => {
    const subject = signatorySubject('KZ', {
      id: 'kz-mvd.1',
      authorityCode: 'KZ-MVD',
      authorityNameEn: 'Ministry of Internal Affairs',
      commonName: 'Officer One',
    });
    const result = await createCertificateRequest({
      certsDir,
      party: 'KZ',
      profile: 'signatory',
      signatoryId: 'kz-mvd.1',
      subject,
      now: NOW,
    });
    expect(result.request).toBe('kz/requests/signatory.kz-mvd.1.20300301T120000Z.csr.pem');
    await expect(
      createCertificateRequest({ certsDir, party: 'KZ', profile: 'signatory', subject, now: NOW }),
    ).rejects.toThrow('PKI_INVALID_REQUEST');
  });

  it('makes an RSA key for an encryption request and refuses an EC one', async () => {
    const subject = gatewaySubject('KZ', 'encryption');
    const result = await createCertificateRequest({
      certsDir,
      party: 'KZ',
      profile: 'encryption',
      subject,
      now: NOW,
    });
    expect((await loadPrivateKey(join(certsDir, result.privateKey))).asymmetricKeyType).toBe('rsa');
    await expect(
      createCertificateRequest({
        certsDir,
        party: 'KZ',
        profile: 'encryption',
        subject,
        keyAlgorithm: 'ecdsa-p256',
      }),
    ).rejects.toThrow('PKI_INVALID_REQUEST');
  });

  it('never overwrites an earlier request', async () => {
    const options = {
      certsDir,
      party: 'KZ',
      profile: 'seal' as const,
      subject: gatewaySubject('KZ', 'seal'),
      now: NOW,
    };
    await createCertificateRequest(options);
    await expect(createCertificateRequest(options)).rejects.toThrow('PKI_FILE_EXISTS');
  });
});
