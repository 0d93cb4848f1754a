import type { X509Certificate } from 'node:crypto';
import { X509Certificate as NodeX509Certificate } from 'node:crypto';
import { certificateProfileProblem } from './certificate-profile-check';
import { AUDIT_CHECKPOINT_KEY_PURPOSE, type CertificateProfile } from './certificate-profiles';
import { gatewaySubject, rootCaSubject } from './distinguished-name';
import { type CertificateAuthority, createRootCa, issueCertificate } from './issue-certificate';
import { publicKeyToSpki, toWebCryptoSigner, generateKeyPair } from './key-pair';
import { x509 } from './x509-provider';

const NOW = new Date('2030-03-01T12:00:00.000Z');
const { digitalSignature, nonRepudiation } = x509.KeyUsageFlags;

/** A leaf with exactly the given extensions, as another CA (or an older MXG) might issue it. */
async function leaf(
  ca: CertificateAuthority,
  extensions: x509.Extension[],
): Promise<X509Certificate> {
  const keys = await generateKeyPair('ecdsa-p256');
  const signer = await toWebCryptoSigner(ca.privateKey);
  const certificate = await x509.X509CertificateGenerator.create({
    serialNumber: '4a01',
    subject: 'C=KZ, CN=MXG KZ gateway audit checkpoint',
    issuer: new x509.X509Certificate(ca.certificate.raw).subjectName,
    notBefore: NOW,
    notAfter: new Date('2031-03-01T12:00:00.000Z'),
    publicKey: publicKeyToSpki(keys.publicKey),
    signingKey: signer.key,
    signingAlgorithm: signer.algorithm,
    extensions,
  });
  return new NodeX509Certificate(Buffer.from(certificate.rawData));
}

describe(certificateProfileProblem.name, () => {
  let ca: CertificateAuthority;
  const issued = async (profile: CertificateProfile) =>
    (
      await issueCertificate({
        issuer: ca,
        profile,
        subject: gatewaySubject('KZ', profile === 'encryption' ? 'encryption' : 'seal'),
        keyAlgorithm: profile === 'encryption' ? 'rsa-2048' : 'ecdsa-p256',
        now: NOW,
      })
    ).certificate;

  beforeAll(async () => {
    ca = await createRootCa({
      partySubject: rootCaSubject('KZ'),
      keyAlgorithm: 'ecdsa-p256',
      now: NOW,
    });
  });

  it.each<CertificateProfile>(['seal', 'signatory', 'encryption', 'audit-checkpoint'])(
    'finds nothing wrong with a %s certificate MXG issued',
    async (profile) => {
      expect(certificateProfileProblem(await issued(profile), profile)).toBeUndefined();
    },
  );

  it.each<CertificateProfile>(['seal', 'signatory', 'encryption'])(
    '#10.1 does not take a %s certificate for an audit-checkpoint one',
    async (profile) => {
      expect(certificateProfileProblem(await issued(profile), 'audit-checkpoint')).toMatch(
        /key usage|extended key usage/,
      );
    },
  );

  it('#10.1 does not take the party CA for an audit-checkpoint certificate', () => {
    expect(certificateProfileProblem(ca.certificate, 'audit-checkpoint')).toBe(
      'it is a CA certificate',
    );
  });

  it.each<[string, () => x509.Extension[], RegExp]>([
    [
      'the pre-#10 audit profile: digitalSignature, no key purpose',
      () => [new x509.KeyUsagesExtension(digitalSignature, true)],
      /extended key usage is absent/,
    ],
    [
      'the audit purpose beside another',
      () => [
        new x509.KeyUsagesExtension(digitalSignature, true),
        new x509.ExtendedKeyUsageExtension(
          [AUDIT_CHECKPOINT_KEY_PURPOSE, x509.ExtendedKeyUsage.emailProtection],
          true,
        ),
      ],
      /extended key usage is/,
    ],
    [
      'the audit purpose on a key that may also sign with non-repudiation',
      () => [
        new x509.KeyUsagesExtension(digitalSignature | nonRepudiation, true),
        new x509.ExtendedKeyUsageExtension([AUDIT_CHECKPOINT_KEY_PURPOSE], true),
      ],
      /key usage is digitalSignature\+nonRepudiation, not digitalSignature/,
    ],
    [
      'the audit purpose without any key usage',
      () => [new x509.ExtendedKeyUsageExtension([AUDIT_CHECKPOINT_KEY_PURPOSE], true)],
      /key usage is absent/,
    ],
    [
      'the audit purpose on a CA',
      () => [
        new x509.BasicConstraintsExtension(true, 0, true),
        new x509.KeyUsagesExtension(digitalSignature, true),
        new x509.ExtendedKeyUsageExtension([AUDIT_CHECKPOINT_KEY_PURPOSE], true),
      ],
      /CA certificate/,
    ],
  ])('#10.1 refuses %s', async (_, extensions, expected) => {
    expect(certificateProfileProblem(await leaf(ca, extensions()), 'audit-checkpoint')).toMatch(
      expected,
    );
  });
});
