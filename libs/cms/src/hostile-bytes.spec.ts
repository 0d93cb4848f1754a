import { spawnSync } from 'node:child_process';
import { X509Certificate } from 'node:crypto';
import { encryptCms, parseEnvelopedData, parseSignedData, signCms, verifyCmsSignature } from '.';
import { berViolation } from './ber-validity';
import { certificateFromDer } from './certificate';
import { Decline, readTlv } from './der-reader';
import { fastDecodeEnvelopedData } from './parse-enveloped-data';
import { fastDecodeSignedData } from './fast-signed-data';
import {
  encodeTree,
  nodeAt,
  parseTree,
  primitive,
  replaceAt,
  type DerNode,
} from './testing/fuzz/der-tree';
import { resignSignedAttributes, withSigningTime } from './testing/fuzz/resign';
import { createCmsFixtures, type CmsFixtures, signerOf } from './testing/openssl-fixtures';
import { thrownCode } from './testing/thrown-code';

/**
 * Issue #10, finding 13: what fuzzing the CMS decoders found (cms-decoders.fuzz.spec.ts), one
 * regression test each. Every input here is signed correctly where it carries a signature, so
 * nothing but the parsing stands between it and acceptance.
 */
describe('#10.13 hostile bytes the fuzzers found', () => {
  let fx: CmsFixtures;
  let signed: Uint8Array;
  let rsaSigned: Uint8Array;
  let enveloped: Uint8Array;

  beforeAll(async () => {
    fx = createCmsFixtures();
    const content = Buffer.from('{"body":{},"header":{"id":"17"}}');
    const at = new Date('2026-11-21T10:00:00Z');
    signed = await signCms(content, signerOf(fx.ecSigner), {
      scheme: 'ecdsa-sha256',
      signingTime: at,
    });
    rsaSigned = await signCms(content, signerOf(fx.rsaSigner), {
      scheme: 'rsa-pkcs1-sha256',
      signingTime: at,
    });
    enveloped = await encryptCms(
      content,
      { certificate: fx.encryption.certificate },
      { keyTransport: 'rsa-oaep-sha256', contentEncryption: 'aes-256-cbc' },
    );
  });
  afterAll(() => fx.cleanup());

  const withTime = (tag: number, text: string) =>
    resignSignedAttributes(
      signed,
      fx.ecSigner.privateKey,
      withSigningTime(primitive(tag, Buffer.from(text, 'latin1'))),
    );
  const UTC_TIME = 0x17;
  const LONG = { kind: 'long', extra: 1 } as const;
  const GENERALIZED_TIME = 0x18;

  /** What `openssl cms -cmsout -print` makes of the signing time: the printed value. */
  const opensslTime = (der: Uint8Array) =>
    /TIME:(.*)/.exec(
      spawnSync('openssl', ['cms', '-cmsout', '-print', '-inform', 'DER'], { input: der })
        .stdout.toString()
        .split('signingTime')[1] ?? '',
    )?.[1];

  it.each([
    ['31 February (asn1js: 3 March)', UTC_TIME, '260231100000Z'],
    ['month 13 (asn1js: January of the next year)', UTC_TIME, '261321100000Z'],
    ['digits amid other characters (asn1js: found anyway)', UTC_TIME, 'x261121100000Zy'],
    ['a fraction of .5e999 (asn1js: an invalid date)', GENERALIZED_TIME, '20261121100000.5e999Z'],
    ['no Z (asn1js: local time, the weekday as the day)', GENERALIZED_TIME, '20261121100000'],
    ['second 60', UTC_TIME, '261121105960Z'],
  ])(
    '#10.13 refuses a signing time of %s, as OpenSSL calls it a bad time',
    async (_, tag, text) => {
      const der = withTime(tag, text);

      expect(opensslTime(der)).toBe('Bad time value');
      expect(thrownCode(() => parseSignedData(der))).toBe('MALFORMED_CMS');
      expect(fastDecodeSignedData(der)).toBeUndefined();
      await expect(verifyCmsSignature(der)).rejects.toMatchObject({ code: 'MALFORMED_CMS' });
    },
  );

  it('#10.13 refuses signed attributes with a needlessly long length, which OpenSSL cannot verify', async () => {
    // RFC 5652 §5.3: DER "even if the rest of the structure is BER". Signed as received, they
    // verified here; OpenSSL verifies them re-encoded with minimal lengths, and fails.
    const longLength = { ...primitive(UTC_TIME, Buffer.from('261121100000Z')), form: LONG };
    const der = resignSignedAttributes(signed, fx.ecSigner.privateKey, withSigningTime(longLength));
    const verify = (input: Uint8Array) =>
      spawnSync(
        'openssl',
        ['cms', '-verify', '-binary', '-inform', 'DER', '-noverify', '-out', '/dev/null'],
        { input },
      ).status;

    expect(verify(signed)).toBe(0);
    expect(verify(der)).not.toBe(0);
    expect(fastDecodeSignedData(der)).toBeUndefined();
    await expect(verifyCmsSignature(der)).rejects.toMatchObject({ code: 'MALFORMED_CMS' });
  });

  it('#10.13 still reads valid signing times of either type, as OpenSSL does', async () => {
    const leapDay = withTime(UTC_TIME, '280229235959Z');
    const generalized = withTime(GENERALIZED_TIME, '20510228235959Z');

    expect(parseSignedData(leapDay).signers[0].signingTime).toEqual(
      new Date('2028-02-29T23:59:59Z'),
    );
    expect(opensslTime(leapDay)).toBe('Feb 29 23:59:59 2028 GMT');
    expect((await verifyCmsSignature(generalized)).signers[0].signingTime).toEqual(
      new Date('2051-02-28T23:59:59Z'),
    );
  });

  /** `der` with the node at `path` changed, every enclosing length rewritten. */
  const edit = (der: Uint8Array, path: number[], change: (node: DerNode) => DerNode) =>
    encodeTree(replaceAt(parseTree(der)!, path, change)!);
  const opensslParses = (der: Uint8Array) =>
    spawnSync('openssl', ['cms', '-cmsout', '-inform', 'DER', '-outform', 'DER'], { input: der })
      .status === 0;
  const SIGNED_DATA = [1, 0];
  const SIGNER_INFO = [...SIGNED_DATA, 4, 0];

  it.each([
    [
      // asn1js read the [0] past the end the outer SEQUENCE declared, and ignored the lie
      'an outer length shorter than its contents',
      (der: Uint8Array) => Buffer.concat([Uint8Array.of(0x30, 0x7f), der.subarray(4)]),
    ],
    [
      // pkijs matched the schema and ignored what followed; OpenSSL: sequence length mismatch
      'an element after the content of its ContentInfo',
      (der: Uint8Array) =>
        edit(der, [], (node) => ({
          ...node,
          children: [...node.children!, primitive(0x05, new Uint8Array(0))],
        })),
    ],
    [
      // pkijs reads a Name's values as ANY; OpenSSL: mstring wrong tag
      "an INTEGER as a value of its signer's issuer Name",
      (der: Uint8Array) =>
        edit(der, [...SIGNER_INFO, 1, 0, 0, 0, 1], () => primitive(0x02, Uint8Array.of(1))),
    ],
    [
      // OpenSSL: header too long — a padded zero length at the end of its parent
      'NULL parameters with a padded length',
      (der: Uint8Array) =>
        edit(der, [...SIGNER_INFO, 4, 1], (node) => ({
          ...node,
          form: { kind: 'long', extra: 2 },
        })),
    ],
    [
      'NULL parameters with contents (X.690 §8.8.2)',
      (der: Uint8Array) =>
        edit(der, [...SIGNER_INFO, 4, 1], () => primitive(0x05, Uint8Array.of(0))),
    ],
    [
      'a padded INTEGER version (X.690 §8.3.2)',
      (der: Uint8Array) =>
        edit(der, [...SIGNED_DATA, 0], () => primitive(0x02, Uint8Array.of(0, 1))),
    ],
    [
      'a padded OBJECT IDENTIFIER arc (X.690 §8.19.2)',
      (der: Uint8Array) =>
        edit(der, [...SIGNED_DATA, 2, 0], (node) =>
          primitive(
            0x06,
            Buffer.concat([
              node.contents!.subarray(0, 1),
              Uint8Array.of(0x80),
              node.contents!.subarray(1),
            ]),
          ),
        ),
    ],
  ])('#10.13 refuses a SignedData with %s, which OpenSSL cannot parse', (_, damage) => {
    // rsaSigned: its signature AlgorithmIdentifier has NULL parameters to damage
    expect(nodeAt(parseTree(rsaSigned)!, [...SIGNER_INFO, 4, 1])?.tag[0]).toBe(0x05);
    const der = damage(rsaSigned);

    expect(opensslParses(rsaSigned)).toBe(true);
    expect(opensslParses(der)).toBe(false);
    expect(fastDecodeSignedData(der)).toBeUndefined();
    expect(thrownCode(() => parseSignedData(der))).toBe('MALFORMED_CMS');
  });

  it.each([
    ['31 February', '260231100000Z'],
    ['month 13', '261321100000Z'],
    ['second 60', '261121105960Z'],
  ])(
    '#10.13 refuses a certificate whose notBefore is %s, which OpenSSL calls a bad time',
    (_, text) => {
      const NOT_BEFORE = [0, 4, 0]; // Certificate → tbsCertificate → validity → notBefore
      const der = encodeTree(
        replaceAt(parseTree(fx.ecSigner.certDer)!, NOT_BEFORE, () =>
          primitive(0x17, Buffer.from(text)),
        )!,
      );

      expect(new X509Certificate(der).validFrom).toBe('Bad time value');
      expect(thrownCode(() => certificateFromDer(der))).toBe('MALFORMED_CERTIFICATE');
    },
  );

  it('#10.13 the strict DER reader declines an end-of-contents pair as an element', () => {
    // X.690 §8.1.5: 00 00 only closes an indefinite length; the BER check calls it out of place
    expect(() => readTlv(Uint8Array.of(0, 0), 0, 2)).toThrow(Decline);
    expect(() => readTlv(Uint8Array.of(0x20, 0), 0, 2)).toThrow(Decline); // constructed tag 0
    expect(berViolation(Uint8Array.of(0x30, 0x02, 0, 0))).toBe('end-of-contents out of place');
  });

  const appendNull = (der: Uint8Array, path: number[]) =>
    edit(der, path, (node) => ({
      ...node,
      children: [...node.children!, primitive(0x05, new Uint8Array(0))],
    }));

  it.each([
    ['SignedData', SIGNED_DATA],
    ['EncapsulatedContentInfo', [...SIGNED_DATA, 2]],
    ['eContent [0]', [...SIGNED_DATA, 2, 1]],
    ['SignerInfo', SIGNER_INFO],
    ['IssuerAndSerialNumber', [...SIGNER_INFO, 1]],
    ['an Attribute', [...SIGNER_INFO, 3, 0]],
    ['the signature AlgorithmIdentifier', [...SIGNER_INFO, 4]],
  ])('#10.13 refuses an element appended to the %s of a SignedData, as OpenSSL does', (_, path) => {
    // pkijs's schema matching ignored everything after the elements it expects
    const der = appendNull(rsaSigned, path);

    expect(opensslParses(der)).toBe(false);
    expect(fastDecodeSignedData(der)).toBeUndefined();
    expect(thrownCode(() => parseSignedData(der))).toBe('MALFORMED_CMS');
  });

  it.each([
    ['KeyTransRecipientInfo', [1, 0, 1, 0]],
    ['IssuerAndSerialNumber', [1, 0, 1, 0, 1]],
    ['key transport AlgorithmIdentifier', [1, 0, 1, 0, 2]],
    ['EncryptedContentInfo', [1, 0, 2]],
    ['content encryption AlgorithmIdentifier', [1, 0, 2, 1]],
  ])(
    '#10.13 refuses an element appended to the %s of an EnvelopedData, as OpenSSL does',
    (_, path) => {
      const der = appendNull(enveloped, path);

      expect(opensslParses(der)).toBe(false);
      expect(fastDecodeEnvelopedData(der)).toBeUndefined();
      expect(thrownCode(() => parseEnvelopedData(der))).toBe('MALFORMED_CMS');
    },
  );

  const ENCRYPTED_CONTENT_INFO = [1, 0, 2];

  it.each([
    ['an empty RecipientInfos SET (RFC 5652 §6.1: SIZE 1..MAX)', [1, 0, 1]],
    ['no encryptedContent', [...ENCRYPTED_CONTENT_INFO, 2]],
  ])('#10.13 the fast EnvelopedData decoder steps aside for %s, which pkijs refuses', (_, path) => {
    const emptied = encodeTree(
      replaceAt(parseTree(enveloped)!, path, (node) =>
        node.children ? { ...node, children: [] } : undefined,
      )!,
    );

    expect(fastDecodeEnvelopedData(emptied)).toBeUndefined();
    expect(thrownCode(() => parseEnvelopedData(emptied))).toBe('MALFORMED_CMS');
  });
});
