import { encryptCms, OID, signCms, signerFromKeyObject } from '.';
import { fastDecodeSignedData } from './fast-signed-data';
import {
  fastDecodeEnvelopedData,
  generalDecodeEnvelopedData,
  type DecodedEnvelopedData,
} from './parse-enveloped-data';
import {
  decodeSignedData,
  generalDecodeSignedData,
  parseSignedData,
  type DecodedSignedData,
} from './parse-signed-data';
import { createCmsFixtures, type CmsFixtures, type Credential } from './testing/openssl-fixtures';

/** Bytes as hex and Maps as entries, so that views, copies and Buffers compare by content. */
function plain(value: unknown): unknown {
  if (value instanceof Uint8Array) return Buffer.from(value).toString('hex');
  if (value instanceof Date) return value.toISOString();
  if (value instanceof Map) return [...value.entries()].map(plain);
  if (Array.isArray(value)) return value.map(plain);
  if (value && typeof value === 'object') {
    return Object.fromEntries(
      Object.entries(value)
        .filter(([, v]) => v !== undefined)
        .map(([k, v]) => [k, plain(v)]),
    );
  }
  return value;
}

const signedView = (d: DecodedSignedData) =>
  plain({ info: d.info, signers: d.signers, certificates: d.certificates.map((c) => c.der) });
const envelopedView = (d: DecodedEnvelopedData) => plain(d);

/** What the general decoder makes of `der`: its decoding, or the code it refuses with. */
function general<T>(decode: () => T, view: (d: T) => unknown): unknown {
  try {
    return view(decode());
  } catch (error) {
    return { refused: (error as { code?: string }).code };
  }
}

/** Deterministic bytes for the mutation runs, so a failure reproduces. */
function* random(seed: number): Generator<number> {
  let state = seed;
  for (;;) {
    state = (Math.imul(state, 1103515245) + 12345) >>> 0;
    yield state;
  }
}

describe('fast DER decoders', () => {
  let fx: CmsFixtures;
  let contentPath: string;
  const content = Buffer.from('{"header":{"id":"17"},"body":{"purpose":"readmission"}}');
  // A UUID-arc OID (X.667) like MXG's routing header attribute: its arc is over 64 bits.
  const bigOid = '2.25.73741742561871163920772413435898580669';
  const utf8 = (text: string) =>
    Buffer.concat([Buffer.from([0x0c, Buffer.byteLength(text)]), Buffer.from(text)]);

  beforeAll(() => {
    fx = createCmsFixtures();
    contentPath = fx.file('content.json', content);
  });
  afterAll(() => fx.cleanup());

  const mxgSigned = (signer: Credential, scheme: Parameters<typeof signCms>[2]['scheme']) =>
    signCms(content, signerFromKeyObject(signer.certificate, signer.privateKey), {
      scheme,
      signingTime: new Date('2026-11-21T10:00:00Z'),
      extraAttributes: [{ type: bigOid, value: utf8('{"to":"AZ"}') }],
    });
  const opensslSigned = (signer: Credential, ...extra: string[]) =>
    fx.openssl([
      'cms',
      '-sign',
      '-binary',
      '-outform',
      'DER',
      '-in',
      contentPath,
      '-signer',
      signer.certPath,
      '-inkey',
      signer.keyPath,
      ...extra,
    ]);

  /** Returns whether the fast decoder took it. */
  function expectSameSignedData(der: Uint8Array, mustBeFast: boolean): boolean {
    const fast = fastDecodeSignedData(der);
    if (mustBeFast) expect(fast).toBeDefined();
    if (fast) {
      expect(signedView(fast)).toEqual(general(() => generalDecodeSignedData(der), signedView));
    }
    return fast !== undefined;
  }

  it('reads MXG SignedData exactly as the general decoder does', async () => {
    expectSameSignedData(await mxgSigned(fx.ecSigner, 'ecdsa-sha256'), true);
    expectSameSignedData(await mxgSigned(fx.rsaSigner, 'rsa-pss-sha256'), true);
    expectSameSignedData(await mxgSigned(fx.rsaSigner, 'rsa-pkcs1-sha256'), true);
    const detached = await signCms(
      content,
      signerFromKeyObject(fx.ecSigner.certificate, fx.ecSigner.privateKey),
      { scheme: 'ecdsa-sha256', signingTime: new Date(), detached: true },
    );
    expectSameSignedData(detached, true);
  });

  it('takes UTF8String attribute values as received, as the general decoder re-encodes them', async () => {
    const utf8Der = (contents: Uint8Array) => {
      const n = contents.length;
      const length =
        n < 0x80 ? [n] : n < 0x100 ? [0x81, n] : n < 0x10000 ? [0x82, n >> 8, n & 0xff] : [];
      return Buffer.concat([Buffer.from([0x0c, ...length]), contents]);
    };
    const values = [
      Buffer.alloc(0),
      Buffer.from('x'.repeat(127)),
      Buffer.from('x'.repeat(128)),
      Buffer.from('é'.repeat(128)),
      Buffer.from('x'.repeat(256)),
      Buffer.from('x'.repeat(40_000)),
      Buffer.from('\ufeff{"bom":"first"}'),
      Buffer.from('\u0000 𝄞 ✓'),
      Buffer.from([0xff, 0xfe, 0x41]), // not UTF-8 at all
      Buffer.from([0x80, 0x41]), // a lone continuation byte
      Buffer.from([0xc0, 0xaf]), // an overlong '/'
      Buffer.from([0xed, 0xa0, 0x80]), // a UTF-16 surrogate
      Buffer.from([0xe2, 0x82]), // truncated
    ];
    for (const contents of values) {
      const der = await signCms(
        content,
        signerFromKeyObject(fx.ecSigner.certificate, fx.ecSigner.privateKey),
        {
          scheme: 'ecdsa-sha256',
          signingTime: new Date('2026-11-21T10:00:00Z'),
          extraAttributes: [{ type: bigOid, value: utf8Der(contents) }],
        },
      );
      expectSameSignedData(der, true);
      const [signer] = fastDecodeSignedData(der)!.info.signers;
      expect(signer.otherAttributes?.get(bigOid)).toEqual([new Uint8Array(utf8Der(contents))]);
    }
  });

  it('reads OpenSSL SignedData exactly as the general decoder does, or steps aside', () => {
    expectSameSignedData(opensslSigned(fx.ecSigner, '-nodetach', '-nosmimecap'), true);
    expectSameSignedData(
      opensslSigned(fx.rsaSigner, '-nodetach', '-nosmimecap', '-md', 'sha1'),
      true,
    );
    // subjectKeyIdentifier as sid; S/MIME capabilities (an attribute asn1js must re-encode)
    expectSameSignedData(opensslSigned(fx.ecSigner, '-nodetach', '-keyid'), false);
    expectSameSignedData(opensslSigned(fx.ecSigner, '-nodetach', '-nocerts'), false);
    expectSameSignedData(opensslSigned(fx.ecSigner), false);
  });

  it('leaves BER (indefinite lengths, constructed OCTET STRINGs) to the general decoder', () => {
    const streamed = opensslSigned(fx.ecSigner, '-nodetach', '-stream');
    expect(fastDecodeSignedData(streamed)).toBeUndefined();
    expect(parseSignedData(streamed).encapsulatedContent).toEqual(new Uint8Array(content));
  });

  it('never accepts a damaged SignedData the general decoder refuses, nor reads it differently', async () => {
    const der = await mxgSigned(fx.ecSigner, 'ecdsa-sha256');
    const bytes = random(20261121);
    let taken = 0;
    for (let i = 0; i < 400; i++) {
      const damaged = Uint8Array.from(der);
      const at = bytes.next().value! % damaged.length;
      damaged[at] = i % 3 === 0 ? damaged[at] ^ 0x80 : bytes.next().value! & 0xff;
      if (expectSameSignedData(damaged, false)) taken++;
    }
    // Damage to content, signature or times still decodes: the comparison above did run.
    expect(taken).toBeGreaterThan(50);
    for (let cut = 0; cut < der.length; cut += 7) {
      expect(fastDecodeSignedData(der.subarray(0, cut))).toBeUndefined();
    }
  });

  it('decodes a buffer once, and again when its bytes change', async () => {
    const der = Buffer.from(await mxgSigned(fx.ecSigner, 'ecdsa-sha256'));
    const first = decodeSignedData(der);
    expect(decodeSignedData(der)).toBe(first);

    const at = der.indexOf(content);
    der[at] ^= 0x01;
    const changed = decodeSignedData(der);
    expect(changed).not.toBe(first);
    expect(Buffer.from(changed.info.encapsulatedContent!).equals(content)).toBe(false);
  });

  const mxgEnveloped = () =>
    encryptCms(
      content,
      { certificate: fx.encryption.certificate },
      { keyTransport: 'rsa-oaep-sha256', contentEncryption: 'aes-256-cbc' },
    );
  const opensslEnveloped = (...options: string[]) =>
    fx.openssl([
      'cms',
      '-encrypt',
      '-binary',
      '-outform',
      'DER',
      '-in',
      contentPath,
      '-recip',
      fx.encryption.certPath,
      ...options,
    ]);

  function expectSameEnvelopedData(der: Uint8Array, mustBeFast: boolean): boolean {
    const fast = fastDecodeEnvelopedData(der);
    if (mustBeFast) expect(fast).toBeDefined();
    if (fast) {
      expect(envelopedView(fast)).toEqual(
        general(() => generalDecodeEnvelopedData(der), envelopedView),
      );
    }
    return fast !== undefined;
  }

  it('reads EnvelopedData exactly as the general decoder does, or steps aside', async () => {
    expectSameEnvelopedData(await mxgEnveloped(), true);
    const oaep = ['-keyopt', 'rsa_padding_mode:oaep', '-keyopt', 'rsa_oaep_md:sha256'];
    expectSameEnvelopedData(opensslEnveloped('-aes-256-cbc', ...oaep), true);
    expectSameEnvelopedData(opensslEnveloped('-aes-128-cbc'), true);
    expectSameEnvelopedData(opensslEnveloped('-aes-256-cbc', '-keyid', ...oaep), true);
    const streamed = opensslEnveloped('-aes-256-cbc', '-stream', ...oaep);
    expect(fastDecodeEnvelopedData(streamed)).toBeUndefined();
    expect(generalDecodeEnvelopedData(streamed).info.contentType).toBe(OID.data);
  });

  it('never accepts a damaged EnvelopedData the general decoder refuses, nor reads it differently', async () => {
    const der = await mxgEnveloped();
    const bytes = random(4711);
    let taken = 0;
    for (let i = 0; i < 400; i++) {
      const damaged = Uint8Array.from(der);
      const at = bytes.next().value! % damaged.length;
      damaged[at] = i % 3 === 0 ? damaged[at] ^ 0x80 : bytes.next().value! & 0xff;
      if (expectSameEnvelopedData(damaged, false)) taken++;
    }
    expect(taken).toBeGreaterThan(50);
  });
});
