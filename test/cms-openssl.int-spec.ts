/**
 * @mxg/cms against the real OpenSSL CLI, both directions: what security teams run by hand
 * (`openssl cms -verify` / `-decrypt`) must accept MXG artefacts, and MXG must accept what
 * `openssl cms -sign` / `-encrypt` produce.
 */
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import {
  ContentKeyReuse,
  decryptCms,
  encryptCms,
  signCms,
  verifyCertificateChain,
  verifyCmsSignature,
  type CertificateChainInput,
  type SignatureScheme,
  signerFromKeyObject,
  decrypterFromKeyObject,
} from '@mxg/cms';
import { decodeEnvelopedData } from '../libs/cms/src/parse-enveloped-data';
import {
  createCmsFixtures,
  type CmsFixtures,
  type Credential,
} from '../libs/cms/src/testing/openssl-fixtures';

describe('CMS interoperability with the OpenSSL CLI', () => {
  let fx: CmsFixtures;
  let contentPath: string;
  // Binary on purpose: CR/LF and NULs survive only if both sides treat content as -binary.
  const content = Buffer.concat([Buffer.from('MXG message\r\n\x00'), randomBytes(2048)]);

  beforeAll(() => {
    fx = createCmsFixtures();
    contentPath = fx.file('content.bin', content);
  });
  afterAll(() => fx.cleanup());

  /** `openssl cms -sign` of a file as DER, SHA-256, attached unless `detached`. */
  const opensslSign = (
    path: string,
    signer: Credential,
    options: { detached?: boolean; extra?: readonly string[] } = {},
  ) =>
    fx.openssl([
      'cms',
      '-sign',
      '-binary',
      ...(options.detached ? [] : ['-nodetach']),
      '-outform',
      'DER',
      '-md',
      'sha256',
      '-in',
      path,
      '-signer',
      signer.certPath,
      '-inkey',
      signer.keyPath,
      ...(options.extra ?? []),
    ]);

  /** What `openssl cms -decrypt` makes of an EnvelopedData file, with the recipient's key. */
  const opensslDecrypt = (path: string) =>
    fx.openssl([
      'cms',
      '-decrypt',
      '-binary',
      '-inform',
      'DER',
      '-in',
      path,
      '-recip',
      fx.encryption.certPath,
      '-inkey',
      fx.encryption.keyPath,
    ]);

  describe('openssl cms -verify accepts MXG SignedData', () => {
    const cases: Array<[SignatureScheme, () => Credential]> = [
      ['ecdsa-sha256', () => fx.ecSigner],
      ['rsa-pss-sha256', () => fx.rsaSigner],
      ['rsa-pkcs1-sha256', () => fx.rsaSigner],
    ];

    it.each(
      cases.flatMap(([scheme, signer]) => [
        [scheme, signer, 'attached'] as const,
        [scheme, signer, 'detached'] as const,
      ]),
    )('%s, %s', async (scheme, signer, mode) => {
      const der = await signCms(
        content,
        signerFromKeyObject(signer().certDer, signer().privateKey),
        { scheme, signingTime: new Date(), detached: mode === 'detached' },
      );
      const path = fx.file(`mxg-${scheme}-${mode}.der`, der);
      const args = [
        'cms',
        '-verify',
        '-binary',
        '-inform',
        'DER',
        '-in',
        path,
        '-CAfile',
        fx.caFile,
      ];

      const output = fx.openssl(mode === 'detached' ? [...args, '-content', contentPath] : args);

      expect(output.equals(content)).toBe(true);
    });

    it('and rejects it once a content byte changes', async () => {
      const der = await signCms(
        content,
        signerFromKeyObject(fx.ecSigner.certDer, fx.ecSigner.privateKey),
        {
          scheme: 'ecdsa-sha256',
          signingTime: new Date(),
          detached: true,
        },
      );
      const tampered = Buffer.from(content);
      tampered[0] ^= 0x01;
      const args = ['cms', '-verify', '-binary', '-inform', 'DER', '-CAfile', fx.caFile];

      expect(() =>
        fx.openssl([...args, '-in', fx.file('t.der', der), '-content', fx.file('t.bin', tampered)]),
      ).toThrow(/Verification failure|digest failure/);
    });
  });

  it('openssl cms -decrypt opens MXG EnvelopedData', async () => {
    const der = await encryptCms(
      content,
      { certificate: fx.encryption.certPem },
      {
        keyTransport: 'rsa-oaep-sha256',
        contentEncryption: 'aes-256-cbc',
      },
    );

    const output = opensslDecrypt(fx.file('mxg-enveloped.der', der));

    expect(output.equals(content)).toBe(true);
  });

  it('openssl cms -decrypt opens each of several MXG envelopes that share a reused content key', async () => {
    const reuse = new ContentKeyReuse({ maxAgeMs: 60_000, maxUses: 10 });
    const contents = [content, randomBytes(300), Buffer.from('third')];
    const ders = await Promise.all(
      contents.map((c) =>
        encryptCms(
          c,
          { certificate: fx.encryption.certPem },
          { keyTransport: 'rsa-oaep-sha256', contentEncryption: 'aes-256-cbc', reuse },
        ),
      ),
    );

    // One key transport for all three (so the receiver unwraps once), a fresh IV each.
    const transports = ders.map((d) =>
      Buffer.from(decodeEnvelopedData(d).keyTransports[0].encryptedKey),
    );
    expect(transports[1].equals(transports[0])).toBe(true);
    expect(transports[2].equals(transports[0])).toBe(true);
    expect(
      new Set(ders.map((d) => Buffer.from(decodeEnvelopedData(d).iv!).toString('hex'))).size,
    ).toBe(3);
    ders.forEach((der, i) => {
      const output = opensslDecrypt(fx.file(`mxg-enveloped-reused-${i}.der`, der));
      expect(output.equals(contents[i])).toBe(true);
    });
    // And MXG opens them too, the key unwrapped once and remembered.
    for (const [i, der] of ders.entries()) {
      const plain = await decryptCms(
        der,
        decrypterFromKeyObject(fx.encryption.certDer, fx.encryption.privateKey),
      );
      expect(Buffer.from(plain).equals(contents[i])).toBe(true);
    }
  });

  describe('MXG verifies openssl cms -sign output', () => {
    it.each([
      ['EC P-256', () => fx.ecSigner, [], 'ecdsa-sha256'],
      ['RSA PKCS#1 v1.5', () => fx.rsaSigner, [], 'rsa-pkcs1-sha256'],
      ['RSA-PSS', () => fx.rsaSigner, ['-keyopt', 'rsa_padding_mode:pss'], 'rsa-pss-sha256'],
    ] as const)('%s', async (_, signer, extra, scheme) => {
      const der = opensslSign(contentPath, signer(), { extra });

      const verified = await verifyCmsSignature(der);

      expect(Buffer.from(verified.content).equals(content)).toBe(true);
      expect(verified.signers[0].signatureAlgorithm.scheme).toBe(scheme);
      expect(Buffer.from(verified.signers[0].certificate).equals(signer().certDer)).toBe(true);
    });

    it('detached, with the content supplied', async () => {
      const der = opensslSign(contentPath, fx.ecSigner, { detached: true });

      await expect(verifyCmsSignature(der, { detachedContent: content })).resolves.toMatchObject({
        signers: [{ signatureAlgorithm: { scheme: 'ecdsa-sha256' } }],
      });
    });
  });

  it('MXG decrypts openssl cms -encrypt with RSA-OAEP-SHA256 and AES-256-CBC', async () => {
    const der = fx.openssl([
      'cms',
      '-encrypt',
      '-binary',
      '-outform',
      'DER',
      '-aes-256-cbc',
      '-in',
      contentPath,
      '-recip',
      fx.encryption.certPath,
      '-keyopt',
      'rsa_padding_mode:oaep',
      '-keyopt',
      'rsa_oaep_md:sha256',
    ]);

    const plain = await decryptCms(
      der,
      decrypterFromKeyObject(fx.encryption.certDer, fx.encryption.privateKey),
    );

    expect(Buffer.from(plain).equals(content)).toBe(true);
  });

  it('MXG opens an RFC 2634-style triple wrap built by OpenSSL, and OpenSSL opens MXG’s', async () => {
    const inner = fx.file(
      'inner.der',
      opensslSign(contentPath, fx.rsaSigner, { extra: ['-keyopt', 'rsa_padding_mode:pss'] }),
    );
    const envelope = fx.file(
      'envelope.der',
      fx.openssl([
        'cms',
        '-encrypt',
        '-binary',
        '-outform',
        'DER',
        '-aes-256-cbc',
        '-in',
        inner,
        '-recip',
        fx.encryption.certPath,
        '-keyopt',
        'rsa_padding_mode:oaep',
        '-keyopt',
        'rsa_oaep_md:sha256',
      ]),
    );
    const outer = opensslSign(envelope, fx.ecSigner);

    const sealed = await verifyCmsSignature(outer);
    const signed = await decryptCms(
      sealed.content,
      decrypterFromKeyObject(fx.encryption.certDer, fx.encryption.privateKey),
    );
    const message = await verifyCmsSignature(signed);
    expect(Buffer.from(message.content).equals(content)).toBe(true);

    const mxgInner = await signCms(
      content,
      signerFromKeyObject(fx.rsaSigner.certDer, fx.rsaSigner.privateKey),
      {
        scheme: 'rsa-pss-sha256',
        signingTime: new Date(),
      },
    );
    const mxgEnvelope = await encryptCms(
      mxgInner,
      { certificate: fx.encryption.certDer },
      {
        keyTransport: 'rsa-oaep-sha256',
        contentEncryption: 'aes-256-cbc',
      },
    );
    const mxgOuter = await signCms(
      mxgEnvelope,
      signerFromKeyObject(fx.ecSigner.certDer, fx.ecSigner.privateKey),
      {
        scheme: 'ecdsa-sha256',
        signingTime: new Date(),
      },
    );
    const verifyArgs = ['cms', '-verify', '-binary', '-inform', 'DER', '-CAfile', fx.caFile];
    const openedEnvelope = fx.openssl([...verifyArgs, '-in', fx.file('mxg-outer.der', mxgOuter)]);
    const openedInner = opensslDecrypt(fx.file('mxg-envelope.der', openedEnvelope));
    expect(
      fx.openssl([...verifyArgs, '-in', fx.file('mxg-inner.der', openedInner)]).equals(content),
    ).toBe(true);
  });

  describe('certificate chains built from OpenSSL’s CA and CRL', () => {
    const chain = (
      leaf: Credential,
      extra: Partial<CertificateChainInput> = {},
    ): CertificateChainInput => ({
      certificate: leaf.certPem,
      intermediates: [fx.intermediateA.certPem],
      trustAnchors: [fx.rootA.certPem],
      crls: [readFileSync(fx.rootCrlPath, 'utf8'), readFileSync(fx.intermediateCrlPath, 'utf8')],
      at: new Date(),
      ...extra,
    });

    it('accepts a good signer, as openssl verify -crl_check_all does', async () => {
      fx.openssl([
        'verify',
        '-crl_check_all',
        '-CAfile',
        fx.caFile,
        '-CRLfile',
        fx.rootCrlPath,
        '-CRLfile',
        fx.intermediateCrlPath,
        fx.ecSigner.certPath,
      ]);

      await expect(verifyCertificateChain(chain(fx.ecSigner))).resolves.toMatchObject({
        valid: true,
        revocationChecked: true,
      });
    });

    it('gives CERT_EXPIRED for an expired signer', async () => {
      await expect(verifyCertificateChain(chain(fx.expiredSigner))).resolves.toMatchObject({
        valid: false,
        code: 'CERT_EXPIRED',
      });
    });

    it('gives CERT_UNTRUSTED for a signer from another CA', async () => {
      await expect(verifyCertificateChain(chain(fx.otherSigner))).resolves.toMatchObject({
        valid: false,
        code: 'CERT_UNTRUSTED',
      });
    });

    it('gives CERT_REVOKED for a signer on the `openssl ca -gencrl` CRL', async () => {
      expect(() =>
        fx.openssl([
          'verify',
          '-crl_check',
          '-CAfile',
          fx.caFile,
          '-CRLfile',
          fx.intermediateCrlPath,
          fx.revokedSigner.certPath,
        ]),
      ).toThrow(/certificate revoked/);

      await expect(verifyCertificateChain(chain(fx.revokedSigner))).resolves.toMatchObject({
        valid: false,
        code: 'CERT_REVOKED',
      });
    });
  });
});
