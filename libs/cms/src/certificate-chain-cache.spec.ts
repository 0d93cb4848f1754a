import { readFileSync } from 'node:fs';
import { verifyCertificateChain, type CertificateChainInput } from '.';
import { createCmsFixtures, type CmsFixtures, type Credential } from './testing/openssl-fixtures';

/**
 * verifyCertificateChain remembers parsed certificates and CRLs and the paths it has built.
 * None of that may outlive what it was derived from: a new CRL, a later time, other
 * intermediates or other bytes must each be checked afresh.
 */
describe('verifyCertificateChain caches', () => {
  let fx: CmsFixtures;
  let rootCrl: string;
  let listingCrl: string;
  let emptyCrl: string;
  let now: Date;

  beforeAll(() => {
    fx = createCmsFixtures();
    rootCrl = readFileSync(fx.rootCrlPath, 'utf8');
    listingCrl = readFileSync(fx.intermediateCrlPath, 'utf8');
    emptyCrl = intermediateCrlListingNothing(fx);
    // Taken once every CRL is made: a CRL's thisUpdate is its making, in whole seconds, so a
    // `now` read before it is before the CRL when the second turns in between (failed in CI).
    now = new Date();
  });
  afterAll(() => fx.cleanup());

  const chain = (
    leaf: Credential,
    extra: Partial<CertificateChainInput> = {},
  ): CertificateChainInput => ({
    certificate: leaf.certificate,
    intermediates: [fx.intermediateA.certDer],
    trustAnchors: [fx.rootA.certificate],
    crls: [rootCrl, emptyCrl],
    at: now,
    ...extra,
  });

  it('refuses a revoked certificate once a reloaded CRL lists it, and not before', async () => {
    await expect(verifyCertificateChain(chain(fx.revokedSigner))).resolves.toMatchObject({
      valid: true,
      revocationChecked: true,
    });

    // What a trust store reload hands over: the file read again, as PEM or as DER.
    const reloaded = readFileSync(fx.intermediateCrlPath, 'utf8');
    await expect(
      verifyCertificateChain(chain(fx.revokedSigner, { crls: [rootCrl, reloaded] })),
    ).resolves.toMatchObject({ valid: false, code: 'CERT_REVOKED' });
    await expect(
      verifyCertificateChain(
        chain(fx.revokedSigner, { crls: [rootCrl, Buffer.from(pemBody(listingCrl), 'base64')] }),
      ),
    ).resolves.toMatchObject({ valid: false, code: 'CERT_REVOKED' });
  });

  it('checks the validity of a cached path at every call', async () => {
    await expect(verifyCertificateChain(chain(fx.ecSigner))).resolves.toMatchObject({
      valid: true,
    });
    const afterExpiry = new Date(fx.ecSigner.certificate.validTo);
    afterExpiry.setUTCDate(afterExpiry.getUTCDate() + 1);

    await expect(
      verifyCertificateChain(chain(fx.ecSigner, { at: afterExpiry, crls: [] })),
    ).resolves.toMatchObject({
      valid: false,
      code: 'CERT_EXPIRED',
      message: 'Certificate has expired',
    });
    await expect(
      verifyCertificateChain(chain(fx.ecSigner, { at: new Date('2000-01-01T00:00:00Z') })),
    ).resolves.toMatchObject({ valid: false, code: 'CERT_EXPIRED' });
  });

  it('checks the currency of a cached CRL at every call', async () => {
    await expect(verifyCertificateChain(chain(fx.ecSigner))).resolves.toMatchObject({
      valid: true,
    });
    const afterNextUpdate = new Date(now.getTime() + 2 * 3_600_000); // the empty CRL lasts 1 h

    await expect(
      verifyCertificateChain(chain(fx.ecSigner, { at: afterNextUpdate })),
    ).resolves.toMatchObject({ valid: false, code: 'CERT_REVOCATION_UNKNOWN' });
  });

  it('does not reuse a path built with other intermediates', async () => {
    await expect(verifyCertificateChain(chain(fx.ecSigner))).resolves.toMatchObject({
      valid: true,
    });

    await expect(
      verifyCertificateChain(chain(fx.ecSigner, { intermediates: [] })),
    ).resolves.toMatchObject({ valid: false, code: 'CERT_UNTRUSTED' });
    await expect(
      verifyCertificateChain(chain(fx.ecSigner, { trustAnchors: [fx.rootB.certificate] })),
    ).resolves.toMatchObject({ valid: false, code: 'CERT_UNTRUSTED' });
  });

  it('refuses a revoked certificate after cache hits for a good one under the same CRL', async () => {
    const listing = readFileSync(fx.intermediateCrlPath, 'utf8');
    for (let i = 0; i < 3; i++) {
      // Path, parsed CRL and issuer check all cached after the first round.
      await expect(
        verifyCertificateChain(chain(fx.ecSigner, { crls: [rootCrl, listing] })),
      ).resolves.toMatchObject({ valid: true, revocationChecked: true });
      await expect(
        verifyCertificateChain(chain(fx.revokedSigner, { crls: [rootCrl, listing] })),
      ).resolves.toMatchObject({ valid: false, code: 'CERT_REVOKED' });
    }
    // The very same string and the same content as another string: one parsed CRL, same answer.
    await expect(
      verifyCertificateChain(chain(fx.revokedSigner, { crls: [rootCrl, `${listing}`] })),
    ).resolves.toMatchObject({ valid: false, code: 'CERT_REVOKED' });
    await expect(
      verifyCertificateChain(chain(fx.revokedSigner, { crls: [rootCrl, listing.slice(0)] })),
    ).resolves.toMatchObject({ valid: false, code: 'CERT_REVOKED' });
  });

  it('reads an array of certificate bytes again once its contents change', async () => {
    // One array handed over repeatedly, as a decoded SignedData's certificates are.
    const intermediate = Uint8Array.from(fx.intermediateA.certDer);
    const leaf = Uint8Array.from(fx.ecSigner.certDer);
    const input = { certificate: leaf, intermediates: [intermediate] };
    await expect(verifyCertificateChain(chain(fx.ecSigner, input))).resolves.toMatchObject({
      valid: true,
    });

    // The intermediate's signature damaged in place: no path any more.
    intermediate[intermediate.length - 5] ^= 0x01;
    await expect(verifyCertificateChain(chain(fx.ecSigner, input))).resolves.toMatchObject({
      valid: false,
      code: 'CERT_UNTRUSTED',
    });
    intermediate[intermediate.length - 5] ^= 0x01;

    await expect(verifyCertificateChain(chain(fx.ecSigner, input))).resolves.toMatchObject({
      valid: true,
    });

    // The same for the leaf: damaged in place, then mended.
    leaf[leaf.length - 5] ^= 0x01;
    await expect(verifyCertificateChain(chain(fx.ecSigner, input))).resolves.toMatchObject({
      valid: false,
      code: 'CERT_UNTRUSTED',
    });
    leaf[leaf.length - 5] ^= 0x01;
    await expect(verifyCertificateChain(chain(fx.ecSigner, input))).resolves.toMatchObject({
      valid: true,
    });
  });

  it('does not take a forged copy of a cached certificate for the real one', async () => {
    await expect(verifyCertificateChain(chain(fx.ecSigner))).resolves.toMatchObject({
      valid: true,
    });
    // Same subject, serial and key; one bit of the issuer's signature changed.
    const forged = Uint8Array.from(fx.ecSigner.certDer);
    forged[forged.length - 5] ^= 0x01;

    await expect(
      verifyCertificateChain(chain(fx.ecSigner, { certificate: forged })),
    ).resolves.toMatchObject({ valid: false, code: 'CERT_UNTRUSTED' });
  });
});

const pemBody = (pem: string): string =>
  pem.replace(/-----(BEGIN|END) X509 CRL-----/g, '').replace(/\s+/g, '');

/** A CRL from intermediate A, current for an hour, that lists nothing: before a revocation. */
function intermediateCrlListingNothing(fx: CmsFixtures): string {
  const index = fx.file('empty-index.txt', '');
  const crlNumber = fx.file('empty-crlnumber', '01\n');
  const config = fx.file(
    'empty-crl.cnf',
    `[ca]\ndefault_ca = this_ca\n[this_ca]\ndatabase = ${index}\ncrlnumber = ${crlNumber}\ndefault_md = sha256\ndefault_crl_days = 30\n`,
  );
  const out = fx.file('empty.crl.pem', '');
  fx.openssl([
    'ca',
    '-config',
    config,
    '-gencrl',
    '-crlhours',
    '1',
    '-cert',
    fx.intermediateA.certPath,
    '-keyfile',
    fx.intermediateA.keyPath,
    '-out',
    out,
  ]);
  return readFileSync(out, 'utf8');
}
