import { spawnSync } from 'node:child_process';
import fc from 'fast-check';
import { CmsError, encryptCms, signCms, type CmsErrorCode, signerFromKeyObject } from '.';
import { ROUTING_LIKE_OID, utf8String } from './testing/fuzz/artefacts';
import { envelopedView, outcome, signedView, type Outcome } from './testing/fuzz/decoded-view';
import { encodeTree, primitive, type DerNode } from './testing/fuzz/der-tree';
import { mutatedArbitrary } from './testing/fuzz/der-mutations';
import { fuzzBudget } from './testing/fuzz/fuzz-budget';
import { rawSigningTimes } from './testing/fuzz/resign';
import { createCmsFixtures, type CmsFixtures, type Credential } from './testing/openssl-fixtures';
import { fastDecodeSignedData } from './fast-signed-data';
import { fastDecodeEnvelopedData, generalDecodeEnvelopedData } from './parse-enveloped-data';
import { generalDecodeSignedData, type SignedDataInfo } from './parse-signed-data';

/**
 * Issue #10, finding 13: the CMS decoders parse what any peer or client sends. Property-based
 * fuzzing over real artefacts (MXG's and OpenSSL's SignedData and EnvelopedData, DER and BER)
 * changed structure-aware (`der-mutations.ts`): no input may make them throw anything but a
 * CmsError with a documented code, the fast decoder must read every input it takes exactly as
 * pkijs does, what they read must be what the bytes say, and OpenSSL must agree.
 */
const REFUSALS: readonly CmsErrorCode[] = ['MALFORMED_CMS', 'UNSUPPORTED_ALGORITHM'];
const budget = fuzzBudget();

describe('#10.13 CMS decoders under fuzzing', () => {
  let fx: CmsFixtures;
  let signed: Uint8Array[];
  let enveloped: Uint8Array[];
  const content = Buffer.from('{"body":{"purpose":"readmission"},"header":{"id":"17"}}');

  beforeAll(async () => {
    fx = createCmsFixtures();
    const contentPath = fx.file('content.json', content);
    const mxg = (signer: Credential, scheme: Parameters<typeof signCms>[2]['scheme'], at: string) =>
      signCms(content, signerFromKeyObject(signer.certificate, signer.privateKey), {
        scheme,
        signingTime: new Date(at),
        extraAttributes: [{ type: ROUTING_LIKE_OID, value: utf8String('{"to":"AZ"}') }],
      });
    const openssl = (...args: string[]) =>
      fx.openssl(['cms', '-binary', '-outform', 'DER', '-in', contentPath, ...args]);
    const sign = (signer: Credential, ...args: string[]) =>
      openssl('-sign', '-signer', signer.certPath, '-inkey', signer.keyPath, ...args);
    signed = [
      await mxg(fx.ecSigner, 'ecdsa-sha256', '2026-11-21T10:00:00Z'),
      // RFC 5652 §11.3: GeneralizedTime from 2050 on
      await mxg(fx.rsaSigner, 'rsa-pss-sha256', '2051-02-28T23:59:59Z'),
      await mxg(fx.rsaSigner, 'rsa-pkcs1-sha256', '1999-12-31T23:59:59Z'),
      sign(fx.ecSigner, '-nodetach', '-nosmimecap'),
      sign(fx.ecSigner, '-nodetach', '-keyid'),
      sign(fx.rsaSigner, '-nodetach', '-stream'), // BER: indefinite lengths, constructed strings
    ];
    const oaep = ['-keyopt', 'rsa_padding_mode:oaep', '-keyopt', 'rsa_oaep_md:sha256'];
    const encrypt = (...args: string[]) =>
      openssl('-encrypt', '-recip', fx.encryption.certPath, ...args);
    enveloped = [
      await encryptCms(
        content,
        { certificate: fx.encryption.certificate },
        { keyTransport: 'rsa-oaep-sha256', contentEncryption: 'aes-256-cbc' },
      ),
      encrypt('-aes-256-cbc', '-keyid', ...oaep),
      encrypt('-aes-128-cbc'),
      encrypt('-aes-256-cbc', '-stream', ...oaep),
    ];
  });
  afterAll(() => fx.cleanup());

  const generalSigned = (der: Uint8Array): Outcome =>
    outcome(() => generalDecodeSignedData(der), signedView, CmsError, REFUSALS);

  it('SignedData: only documented refusals, and the fast decoder reads what pkijs reads', () => {
    let runs = 0;
    let taken = 0;
    fc.assert(
      fc.property(mutatedArbitrary(signed), (der) => {
        runs++;
        const general = generalSigned(der);
        const fast = fastDecodeSignedData(der);
        if (fast) {
          taken++;
          expect({ value: signedView(fast) }).toEqual(general);
        }
      }),
      budget.property(1500),
    );
    // The comparison did run: damage to content, signatures and times still decodes fast.
    expect(taken).toBeGreaterThan(runs / 20);
  });

  it('EnvelopedData: only documented refusals, and the fast decoder reads what pkijs reads', () => {
    let runs = 0;
    let taken = 0;
    fc.assert(
      fc.property(mutatedArbitrary(enveloped), (der) => {
        runs++;
        const general = outcome(
          () => generalDecodeEnvelopedData(der),
          envelopedView,
          CmsError,
          REFUSALS,
        );
        const fast = fastDecodeEnvelopedData(der);
        if (fast) {
          taken++;
          expect({ value: envelopedView(fast) }).toEqual(general);
        }
      }),
      budget.property(1500),
    );
    expect(taken).toBeGreaterThan(runs / 20);
  });

  it('#10.13 reads a signing time only as the bytes write it (RFC 5652 §11.3), never another date', () => {
    // Biased towards the signing-time attribute: its contents mutated, its tag swapped.
    fc.assert(
      fc.property(mutatedArbitrary(signed), (der) => {
        const general = generalSigned(der);
        if ('value' in general) expectSigningTimesAsWritten(der, generalDecodeSignedData(der).info);
      }),
      budget.property(3000),
    );
  });

  it('agrees with OpenSSL on what it accepts and on the signing time it reads (sampled)', () => {
    // Spawning openssl costs milliseconds: a sample of the inputs MXG accepts.
    fc.assert(
      fc.property(mutatedArbitrary(signed), (der) => {
        const general = generalSigned(der);
        if (!('value' in general)) return;
        // What MXG accepts, OpenSSL can parse: a security officer must be able to check it.
        const parsed = openssl(['cms', '-cmsout', '-inform', 'DER', '-outform', 'DER'], der);
        expect({ status: parsed.status, stderr: parsed.stderr }).toEqual({ status: 0, stderr: '' });
        const printed = openssl(['cms', '-cmsout', '-print', '-inform', 'DER'], der).stdout;
        // OpenSSL's printer stops at the first value it cannot print (exit status 0 all the
        // same): it has an opinion on the signing times only if it got to the signers.
        if (!printed.includes('signerInfos:')) return;
        const ours = generalDecodeSignedData(der).info.signers.map((s) => s.signingTime);
        expect(ours.filter(Boolean).map((t) => t!.toISOString())).toEqual(
          opensslSigningTimes(printed),
        );
      }),
      budget.property(60),
    );
  });
});

/** Each signer's signing time, when it has one, is exactly what its DER value says. */
function expectSigningTimesAsWritten(der: Uint8Array, info: SignedDataInfo): void {
  const raw = rawSigningTimes(der);
  info.signers.forEach((signer, i) => {
    if (signer.signingTime === undefined) return;
    const values = raw[i] ?? [];
    expect(values).toHaveLength(1);
    const written = hex(encodeTree(values[0]));
    expect({ read: timeDer(signer.signingTime, values[0]) }).toEqual({ read: written });
  });
}

/** `date` written back as DER in the type the input used (UTCTime or GeneralizedTime). */
function timeDer(date: Date, like: DerNode): string {
  if (Number.isNaN(date.getTime())) return 'an invalid date';
  const iso = date.toISOString(); // YYYY-MM-DDTHH:MM:SS.sssZ
  const digits =
    iso.slice(0, 19).replace(/\D/g, '') + (date.getUTCMilliseconds() ? iso.slice(19, 23) : '');
  const generalized = like.tag[0] === 0x18;
  return hex(
    encodeTree(primitive(like.tag[0], Buffer.from(`${generalized ? digits : digits.slice(2)}Z`))),
  );
}

const MONTHS = 'Jan Feb Mar Apr May Jun Jul Aug Sep Oct Nov Dec'.split(' ');

/** Signing times from `openssl cms -cmsout -print`, ISO; 'Bad time value' kept as such. */
function opensslSigningTimes(printed: string): string[] {
  const out: string[] = [];
  const lines = printed.split('\n');
  lines.forEach((line, i) => {
    if (!line.includes('signingTime (1.2.840.113549.1.9.5)')) return;
    const value = lines.slice(i + 1, i + 4).find((l) => /TIME:/.test(l));
    const match = /TIME:(\w{3}) +(\d+) (\d\d):(\d\d):(\d\d) (\d{4}) GMT/.exec(value ?? '');
    if (!match) {
      out.push(value?.trim() ?? 'no value');
      return;
    }
    const [, month, day, hh, mm, ss, year] = match;
    out.push(new Date(Date.UTC(+year, MONTHS.indexOf(month), +day, +hh, +mm, +ss)).toISOString());
  });
  return out;
}

function openssl(args: string[], input: Uint8Array) {
  const result = spawnSync('openssl', args, { input });
  return {
    status: result.status,
    stdout: result.stdout.toString('latin1'),
    stderr: result.stderr.toString(),
  };
}

const hex = (bytes: Uint8Array) => Buffer.from(bytes).toString('hex');
