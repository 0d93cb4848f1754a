import { X509Certificate } from 'node:crypto';
import { readFileSync } from 'node:fs';
import {
  EXTENDED_KEY_USAGE,
  readExtendedKeyUsage,
  readKeyUsage,
  verifyCertificateChain,
  type CertificateChainInput,
} from '.';
import { pemToDer } from './certificate';
import { createCmsFixtures, type CmsFixtures, type Credential } from './testing/openssl-fixtures';

describe('verifyCertificateChain and key usage helpers', () => {
  let fx: CmsFixtures;
  let rootCrl: string;
  let intermediateCrl: string;
  let now: Date;

  beforeAll(() => {
    fx = createCmsFixtures();
    now = new Date(); // not earlier: the CRLs' thisUpdate is their creation time
    rootCrl = readFileSync(fx.rootCrlPath, 'utf8');
    intermediateCrl = readFileSync(fx.intermediateCrlPath, 'utf8');
  });
  afterAll(() => fx.cleanup());

  const partyA = (
    leaf: Credential,
    extra: Partial<CertificateChainInput> = {},
  ): CertificateChainInput => ({
    certificate: leaf.certDer,
    intermediates: [fx.intermediateA.certPem],
    trustAnchors: [fx.rootA.certDer],
    crls: [rootCrl, intermediateCrl],
    at: now,
    ...extra,
  });

  it('validates leaf → intermediate → root with CRLs for both levels', async () => {
    const result = await verifyCertificateChain(partyA(fx.ecSigner));

    expect(result).toMatchObject({ valid: true, revocationChecked: true });
    expect(result.valid && result.path.map((c) => Buffer.from(c).toString('hex'))).toEqual(
      [fx.ecSigner, fx.intermediateA, fx.rootA].map((c) => Buffer.from(c.certDer).toString('hex')),
    );
  });

  it('says when revocation was not checked', async () => {
    await expect(verifyCertificateChain(partyA(fx.rsaSigner, { crls: [] }))).resolves.toMatchObject(
      {
        valid: true,
        revocationChecked: false,
      },
    );
  });

  it('gives CERT_EXPIRED for an expired certificate and for one not yet valid', async () => {
    await expect(verifyCertificateChain(partyA(fx.expiredSigner))).resolves.toMatchObject({
      valid: false,
      code: 'CERT_EXPIRED',
      message: 'Certificate has expired',
      certificate: { subject: 'CN=Expired Signer, O=MXG Test, C=KZ' },
    });
    await expect(
      verifyCertificateChain(partyA(fx.ecSigner, { at: new Date('2000-01-01T00:00:00Z') })),
    ).resolves.toMatchObject({
      valid: false,
      code: 'CERT_EXPIRED',
      message: 'Certificate is not yet valid',
    });
  });

  it('gives CERT_UNTRUSTED for a certificate from another CA', async () => {
    await expect(verifyCertificateChain(partyA(fx.otherSigner))).resolves.toMatchObject({
      valid: false,
      code: 'CERT_UNTRUSTED',
      certificate: { subject: 'CN=Other Signer, O=MXG Test, C=KZ' },
    });
  });

  it('gives CERT_UNTRUSTED for a certificate whose signature was altered', async () => {
    const forged = Uint8Array.from(fx.ecSigner.certDer);
    forged[forged.length - 1] ^= 0x01; // inside the issuer's signature; names and AKI intact

    await expect(
      verifyCertificateChain(partyA(fx.ecSigner, { certificate: forged })),
    ).resolves.toMatchObject({
      valid: false,
      code: 'CERT_UNTRUSTED',
    });
  });

  it('gives CERT_UNTRUSTED when the intermediate is missing', async () => {
    await expect(
      verifyCertificateChain(partyA(fx.ecSigner, { intermediates: [] })),
    ).resolves.toMatchObject({
      valid: false,
      code: 'CERT_UNTRUSTED',
    });
  });

  /** Issues a P-256 certificate with plain `openssl x509 -req`, which — unlike `openssl ca` — lets us misbehave. */
  const issueWith = (
    issuer: Pick<Credential, 'certPath' | 'keyPath'>,
    name: string,
    extensions: string,
  ) => {
    const keyPath = fx.file(
      `${name}.key.pem`,
      fx.openssl(['genpkey', '-algorithm', 'EC', '-pkeyopt', 'ec_paramgen_curve:P-256']),
    );
    const csr = fx.file(
      `${name}.csr`,
      fx.openssl(['req', '-new', '-key', keyPath, '-subj', `/CN=${name}`]),
    );
    const ext = fx.file(
      `${name}.ext`,
      `${extensions}\nsubjectKeyIdentifier = hash\nauthorityKeyIdentifier = keyid\n`,
    );
    const pem = fx.openssl([
      'x509',
      '-req',
      '-in',
      csr,
      '-CA',
      issuer.certPath,
      '-CAkey',
      issuer.keyPath,
      '-days',
      '5',
      '-extfile',
      ext,
    ]);
    return {
      certPath: fx.file(`${name}.cert.pem`, pem),
      keyPath,
      certDer: new X509Certificate(pem).raw,
    };
  };

  it('does not let a non-CA certificate act as an issuer, even with keyCertSign', async () => {
    // X509_check_issued only looks at keyUsage; basicConstraints cA is our own check.
    // Issued by the root (no pathlen), so only the cA flag can stop it.
    const notCa = issueWith(
      fx.rootA,
      'not-a-ca',
      'basicConstraints = critical, CA:FALSE\nkeyUsage = critical, keyCertSign, digitalSignature',
    );
    const underIt = issueWith(notCa, 'under-not-a-ca', 'keyUsage = critical, digitalSignature');
    const input = partyA(fx.ecSigner, {
      certificate: underIt.certDer,
      intermediates: [notCa.certDer, fx.intermediateA.certDer],
      crls: [],
      at: new Date(Date.now() + 60_000), // issued just now, after `now`
    });

    await expect(verifyCertificateChain(input)).resolves.toMatchObject({
      valid: false,
      code: 'CERT_UNTRUSTED',
    });
    await expect(
      verifyCertificateChain({ ...input, certificate: notCa.certDer }),
    ).resolves.toMatchObject({ valid: true });
  });

  it('enforces pathLenConstraint (the intermediate has pathlen 0)', async () => {
    const subCa = issueWith(
      fx.intermediateA,
      'sub-ca',
      'basicConstraints = critical, CA:TRUE\nkeyUsage = critical, keyCertSign',
    );
    const leaf = issueWith(subCa, 'below-sub-ca', 'keyUsage = critical, digitalSignature');
    const input = partyA(fx.ecSigner, {
      certificate: leaf.certDer,
      intermediates: [subCa.certDer, fx.intermediateA.certDer],
      crls: [],
      at: new Date(Date.now() + 60_000), // issued just now, after `now`
    });

    await expect(verifyCertificateChain(input)).resolves.toMatchObject({
      valid: false,
      code: 'CERT_UNTRUSTED',
    });
    // The same path is fine once the sub-CA itself is the anchor: the constraint was the cause.
    await expect(
      verifyCertificateChain({ ...input, trustAnchors: [subCa.certDer] }),
    ).resolves.toMatchObject({
      valid: true,
    });
  });

  it('rejects a critical extension it does not process', async () => {
    const constrained = issueWith(
      fx.intermediateA,
      'constrained',
      'keyUsage = critical, digitalSignature\n1.2.3.4 = critical, ASN1:NULL',
    );

    await expect(
      verifyCertificateChain(partyA(fx.ecSigner, { certificate: constrained.certDer, crls: [] })),
    ).resolves.toMatchObject({
      valid: false,
      code: 'CERT_UNTRUSTED',
      message: expect.stringContaining('critical') as unknown,
    });
  });

  it('gives CERT_REVOKED for a certificate on the issuer’s CRL', async () => {
    await expect(verifyCertificateChain(partyA(fx.revokedSigner))).resolves.toMatchObject({
      valid: false,
      code: 'CERT_REVOKED',
      certificate: { serialNumber: fx.revokedSigner.certificate.serialNumber },
    });
  });

  it('gives CERT_REVOCATION_UNKNOWN when a level has no CRL', async () => {
    await expect(
      verifyCertificateChain(partyA(fx.ecSigner, { crls: [intermediateCrl] })),
    ).resolves.toMatchObject({
      valid: false,
      code: 'CERT_REVOCATION_UNKNOWN',
      certificate: { subject: 'CN=Intermediate A, O=MXG Test, C=KZ' },
    });
  });

  it('ignores a CRL whose signature does not verify', async () => {
    const forged = Uint8Array.from(pemToDer(intermediateCrl, 'X509 CRL'));
    forged[forged.length - 5] ^= 0x01;

    await expect(
      verifyCertificateChain(partyA(fx.revokedSigner, { crls: [rootCrl, forged] })),
    ).resolves.toMatchObject({ valid: false, code: 'CERT_REVOCATION_UNKNOWN' });
  });

  it('ignores a CRL that is not current at the validation time', async () => {
    const tooEarly = new Date(Date.now() - 3_600_000); // before the CRLs' thisUpdate, within validity
    const input = partyA(fx.ecSigner, { at: tooEarly, trustAnchors: [fx.intermediateA.certDer] });

    await expect(verifyCertificateChain(input)).resolves.toMatchObject({
      valid: false,
      code: 'CERT_REVOCATION_UNKNOWN',
    });
  });

  it('accepts the intermediate itself as a trust anchor', async () => {
    await expect(
      verifyCertificateChain(
        partyA(fx.ecSigner, { intermediates: [], trustAnchors: [fx.intermediateA.certDer] }),
      ),
    ).resolves.toMatchObject({ valid: true });
  });

  it('reads the key usages OpenSSL wrote', () => {
    expect(readKeyUsage(fx.ecSigner.certDer)).toEqual(['digitalSignature', 'nonRepudiation']);
    expect(readKeyUsage(fx.encryption.certPem)).toEqual(['keyEncipherment']);
    expect(readKeyUsage(fx.rootA.certificate)).toEqual(['keyCertSign', 'cRLSign']);
    expect(readExtendedKeyUsage(fx.rsaSigner.certDer)).toEqual([
      EXTENDED_KEY_USAGE.emailProtection,
    ]);
  });

  it('reads an absent extended key usage as undefined', () => {
    expect(readExtendedKeyUsage(fx.rootA.certDer)).toBeUndefined();
  });
});
