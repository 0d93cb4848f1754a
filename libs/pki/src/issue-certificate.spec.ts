import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AUDIT_CHECKPOINT_KEY_PURPOSE, CertificateProfile } from './certificate-profiles';
import { gatewaySubject, rootCaSubject } from './distinguished-name';
import { CertificateAuthority, createRootCa, issueCertificate } from './issue-certificate';
import { x509 } from './x509-provider';

const NOW = new Date('2030-03-01T12:00:00.000Z');
const { digitalSignature, nonRepudiation, keyEncipherment, keyCertSign, cRLSign } =
  x509.KeyUsageFlags;
const EMAIL_PROTECTION = '1.3.6.1.5.5.7.3.4';

function parse(certificate: { raw: Buffer }): x509.X509Certificate {
  return new x509.X509Certificate(certificate.raw);
}

describe(createRootCa.name, () => {
  it('creates a self-signed, ten-year root restricted to signing certificates and CRLs', async () => {
    const root = await createRootCa({
      partySubject: rootCaSubject('KZ'),
      keyAlgorithm: 'ecdsa-p256',
      now: new Date('2030-03-01T12:00:00.789Z'),
    });
    const cert = parse(root.certificate);
    expect(cert.subject).toBe('C=KZ, O=MXG development PKI (KZ), CN=MXG KZ Root CA');
    expect(cert.issuer).toBe(cert.subject);
    expect(await cert.verify({ signatureOnly: true })).toBe(true);
    expect(cert.notBefore).toEqual(NOW);
    expect(cert.notAfter).toEqual(new Date('2040-03-01T12:00:00.000Z'));
    expect(cert.signatureAlgorithm).toMatchObject({ name: 'ECDSA', hash: { name: 'SHA-256' } });

    const basic = cert.getExtension(x509.BasicConstraintsExtension);
    expect(basic).toMatchObject({ ca: true, pathLength: 0, critical: true });
    const usage = cert.getExtension(x509.KeyUsagesExtension);
    expect(usage).toMatchObject({ usages: keyCertSign | cRLSign, critical: true });
    expect(cert.getExtension(x509.SubjectKeyIdentifierExtension)?.keyId).toMatch(/^[0-9a-f]{40}$/);
    expect(root.certificate.checkPrivateKey(root.privateKey)).toBe(true);
  });

  it('uses sha256WithRSAEncryption for an RSA root', async () => {
    const root = await createRootCa({
      partySubject: rootCaSubject('AZ'),
      keyAlgorithm: 'rsa-2048',
    });
    expect(parse(root.certificate).signatureAlgorithm).toMatchObject({
      name: 'RSASSA-PKCS1-v1_5',
      hash: { name: 'SHA-256' },
    });
  });
});

describe(issueCertificate.name, () => {
  let ca: CertificateAuthority;
  let caKeyId: string;

  beforeAll(async () => {
    ca = await createRootCa({
      partySubject: rootCaSubject('KZ'),
      keyAlgorithm: 'ecdsa-p256',
      now: NOW,
    });
    caKeyId = parse(ca.certificate).getExtension(x509.SubjectKeyIdentifierExtension)?.keyId ?? '';
  });

  it.each<[CertificateProfile, 'ecdsa-p256' | 'rsa-2048', number, string[], boolean]>([
    ['seal', 'ecdsa-p256', digitalSignature | nonRepudiation, [EMAIL_PROTECTION], false],
    ['signatory', 'ecdsa-p256', digitalSignature | nonRepudiation, [EMAIL_PROTECTION], false],
    ['encryption', 'rsa-2048', keyEncipherment, [EMAIL_PROTECTION], false],
    // #10.1: the audit key's one purpose, critical, so it can be told from every other key.
    ['audit-checkpoint', 'ecdsa-p256', digitalSignature, [AUDIT_CHECKPOINT_KEY_PURPOSE], true],
  ])(
    'issues %s certificates with their key usages',
    async (profile, keyAlgorithm, usages, eku, ekuCritical) => {
      const issued = await issueCertificate({
        issuer: ca,
        profile,
        subject: gatewaySubject('KZ', 'seal'),
        keyAlgorithm,
        now: NOW,
      });
      const cert = parse(issued.certificate);
      expect(
        await cert.verify({ publicKey: parse(ca.certificate).publicKey, signatureOnly: true }),
      ).toBe(true);
      expect(cert.issuer).toBe(parse(ca.certificate).subject);
      expect(cert.getExtension(x509.BasicConstraintsExtension)).toMatchObject({
        ca: false,
        critical: true,
      });
      expect(cert.getExtension(x509.KeyUsagesExtension)).toMatchObject({ usages, critical: true });
      // node reads the purposes (@peculiar/x509 garbles a UUID-length arc), x509 the criticality.
      expect(issued.certificate.keyUsage ?? []).toEqual(eku);
      expect(cert.getExtension(x509.ExtendedKeyUsageExtension)?.critical).toBe(ekuCritical);
      expect(cert.getExtension(x509.AuthorityKeyIdentifierExtension)?.keyId).toBe(caKeyId);
      expect(cert.getExtension(x509.SubjectKeyIdentifierExtension)).not.toBeNull();
      expect(issued.certificate.checkPrivateKey(issued.privateKey)).toBe(true);
      expect(cert.notAfter).toEqual(new Date('2032-03-01T12:00:00.000Z'));
    },
  );

  it('draws random, positive, 16-byte serials', async () => {
    const serials = await Promise.all(
      [1, 2, 3].map(async () => {
        const issued = await issueCertificate({
          issuer: ca,
          profile: 'audit-checkpoint',
          subject: gatewaySubject('KZ', 'audit-checkpoint'),
          keyAlgorithm: 'ecdsa-p256',
        });
        return issued.serial;
      }),
    );
    for (const serial of serials) expect(serial).toMatch(/^[4-7][0-9A-F]{31}$/);
    expect(new Set(serials).size).toBe(3);
  });

  it('honours a validity window in the past, for expired test certificates', async () => {
    const issued = await issueCertificate({
      issuer: ca,
      profile: 'signatory',
      subject: gatewaySubject('KZ', 'seal'),
      keyAlgorithm: 'ecdsa-p256',
      notBefore: new Date('2020-01-01T00:00:00Z'),
      notAfter: new Date('2021-01-01T00:00:00Z'),
    });
    expect(issued.notAfter).toEqual(new Date('2021-01-01T00:00:00Z'));
    expect(issued.certificate.validTo).toBe('Jan  1 00:00:00 2021 GMT');
  });

  it('never lets a default validity outlive the issuing CA', async () => {
    const issued = await issueCertificate({
      issuer: ca,
      profile: 'seal',
      subject: gatewaySubject('KZ', 'seal'),
      keyAlgorithm: 'ecdsa-p256',
      now: new Date('2039-06-01T00:00:00Z'),
    });
    expect(issued.notAfter).toEqual(new Date('2040-03-01T12:00:00.000Z'));
  });

  it('rejects an inverted validity window', async () => {
    await expect(
      issueCertificate({
        issuer: ca,
        profile: 'seal',
        subject: gatewaySubject('KZ', 'seal'),
        keyAlgorithm: 'ecdsa-p256',
        notBefore: NOW,
        notAfter: NOW,
      }),
    ).rejects.toMatchObject({ code: 'PKI_INVALID_REQUEST' });
  });

  it('issues RSA-1024 only when allowWeakForTests is set', async () => {
    const request = {
      issuer: ca,
      profile: 'encryption' as const,
      subject: gatewaySubject('KZ', 'encryption'),
      keyAlgorithm: 'rsa-1024' as const,
    };
    await expect(issueCertificate(request)).rejects.toMatchObject({ code: 'PKI_WEAK_KEY' });
    const weak = await issueCertificate({ ...request, allowWeakForTests: true });
    expect(weak.certificate.publicKey.asymmetricKeyDetails?.modulusLength).toBe(1024);
  });

  it('refuses an encryption certificate for a key that cannot do RSA key transport', async () => {
    await expect(
      issueCertificate({
        issuer: ca,
        profile: 'encryption',
        subject: gatewaySubject('KZ', 'encryption'),
        keyAlgorithm: 'ecdsa-p256',
      }),
    ).rejects.toMatchObject({ code: 'PKI_INVALID_REQUEST' });
  });

  it('refuses an issuer whose key is not its own or that is not a CA', async () => {
    const leaf = await issueCertificate({
      issuer: ca,
      profile: 'seal',
      subject: gatewaySubject('KZ', 'seal'),
      keyAlgorithm: 'ecdsa-p256',
    });
    const request = {
      profile: 'seal' as const,
      subject: gatewaySubject('KZ', 'seal'),
      keyAlgorithm: 'ecdsa-p256' as const,
    };
    await expect(
      issueCertificate({
        ...request,
        issuer: { certificate: ca.certificate, privateKey: leaf.privateKey },
      }),
    ).rejects.toMatchObject({ code: 'PKI_INVALID_REQUEST' });
    await expect(issueCertificate({ ...request, issuer: leaf })).rejects.toMatchObject({
      code: 'PKI_INVALID_REQUEST',
    });
  });

  describe('writeTo', () => {
    let dir: string;

    beforeEach(async () => {
      dir = await mkdtemp(join(tmpdir(), 'mxg-pki-issue-'));
    });

    afterEach(async () => {
      await rm(dir, { recursive: true, force: true });
    });

    it('writes the key 0600 and the certificate, and never overwrites either', async () => {
      const writeTo = {
        certificatePath: join(dir, 'x', 'leaf.cert.pem'),
        privateKeyPath: join(dir, 'x', 'leaf.key.pem'),
      };
      const request = {
        issuer: ca,
        profile: 'seal' as const,
        subject: gatewaySubject('KZ', 'seal'),
        keyAlgorithm: 'ecdsa-p256' as const,
        writeTo,
      };
      const issued = await issueCertificate(request);
      expect(await readFile(writeTo.certificatePath, 'utf8')).toBe(issued.certificatePem);
      expect(await readFile(writeTo.privateKeyPath, 'utf8')).toMatch(
        /^-----BEGIN PRIVATE KEY-----\n/,
      );
      expect((await stat(writeTo.privateKeyPath)).mode & 0o777).toBe(0o600);

      const keyBefore = await readFile(writeTo.privateKeyPath);
      await expect(issueCertificate(request)).rejects.toMatchObject({ code: 'PKI_FILE_EXISTS' });
      expect(await readFile(writeTo.privateKeyPath)).toEqual(keyBefore);
    });
  });
});
