import { join } from 'node:path';
import { CmsError, encryptCms, signCms, signerFromKeyObject } from '.';
import { berViolation } from './ber-validity';
import { children, only, type Tlv } from './der-reader';
import { fastDecodeEnvelopedData, generalDecodeEnvelopedData } from './parse-enveloped-data';
import { fastDecodeSignedData } from './fast-signed-data';
import { generalDecodeSignedData } from './parse-signed-data';
import { ROUTING_LIKE_OID, utf8String } from './testing/fuzz/artefacts';
import { runCampaign, Finding, type Campaign } from './testing/fuzz/coverage-guided';
import { envelopedView, signedView } from './testing/fuzz/decoded-view';
import { constructed, encodeTree, nodesOf, parseTree, primitive } from './testing/fuzz/der-tree';
import { fuzzBudget } from './testing/fuzz/fuzz-budget';
import { createCmsFixtures, type CmsFixtures } from './testing/openssl-fixtures';

/**
 * Issue #10, finding 13: coverage-guided fuzzing of the DER reader and the CMS decoders. No
 * maintained coverage-guided fuzzer for JavaScript installs here from the npm registry alone
 * (README, Fuzzing), so the loop is built from V8's own block coverage (`coverage-guided.ts`);
 * the seed corpus lives in testing/fuzz/corpus/.
 */
const budget = fuzzBudget();
const CORPUS = join(__dirname, 'testing', 'fuzz', 'corpus');
/** The code under test: this library's sources (not its tests or tooling), asn1js, pkijs. */
const UNDER_TEST =
  /libs\/cms\/src\/(?!testing\/)[^/]+(?<!\.spec)\.ts$|node_modules\/(asn1js|pkijs)\//;

const isCmsRefusal = (error: unknown) =>
  error instanceof CmsError && ['MALFORMED_CMS', 'UNSUPPORTED_ALGORITHM'].includes(error.code);

describe('#10.13 coverage-guided fuzzing of the CMS decoders', () => {
  let fx: CmsFixtures;
  let signed: Uint8Array[];
  let enveloped: Uint8Array[];
  const campaign = (
    name: string,
    execs: number,
    rest: Omit<Campaign, 'name' | 'include' | 'seed' | 'maxExecs' | 'maxMs' | 'outputDir'>,
  ) => {
    const result = runCampaign({
      name,
      include: UNDER_TEST,
      seed: budget.seed,
      ...budget.campaign(execs),
      outputDir: budget.outputDir,
      ...rest,
    });
    // Guidance worked: the campaign ran code its seeds did not.
    expect(result.features).toBeGreaterThan(result.seedFeatures);
    return result;
  };

  beforeAll(async () => {
    fx = createCmsFixtures();
    const content = Buffer.from('{"body":{"purpose":"readmission"},"header":{"id":"17"}}');
    const signer = signerFromKeyObject(fx.ecSigner.certificate, fx.ecSigner.privateKey);
    signed = [
      await signCms(content, signer, {
        scheme: 'ecdsa-sha256',
        signingTime: new Date('2026-11-21T10:00:00Z'),
        extraAttributes: [{ type: ROUTING_LIKE_OID, value: utf8String('{"to":"AZ"}') }],
      }),
      await signCms(content, signer, {
        scheme: 'ecdsa-sha256',
        signingTime: new Date('2051-01-01T00:00:00Z'),
        detached: true,
      }),
    ];
    enveloped = [
      await encryptCms(
        content,
        { certificate: fx.encryption.certificate },
        { keyTransport: 'rsa-oaep-sha256', contentEncryption: 'aes-256-cbc' },
      ),
    ];
  });
  afterAll(() => fx.cleanup());

  it('SignedData: no input crashes, hangs or allocates without bound; fast ≡ pkijs', () => {
    campaign('signed-data', 2000, {
      seeds: signed,
      seedDirs: [join(CORPUS, 'signed-data')],
      expected: isCmsRefusal,
      target: (der) => {
        let general: unknown;
        try {
          general = signedView(generalDecodeSignedData(der));
        } catch (error) {
          if (!isCmsRefusal(error)) throw error;
          general = undefined;
        }
        const fast = fastDecodeSignedData(der);
        if (fast && JSON.stringify(signedView(fast)) !== JSON.stringify(general)) {
          throw new Error('the fast decoder read this differently from pkijs');
        }
      },
    });
  });

  it('EnvelopedData: no input crashes, hangs or allocates without bound; fast ≡ pkijs', () => {
    campaign('enveloped-data', 1500, {
      seeds: enveloped,
      seedDirs: [join(CORPUS, 'enveloped-data')],
      expected: isCmsRefusal,
      target: (der) => {
        let general: unknown;
        try {
          general = envelopedView(generalDecodeEnvelopedData(der));
        } catch (error) {
          if (!isCmsRefusal(error)) throw error;
        }
        const fast = fastDecodeEnvelopedData(der);
        if (fast && JSON.stringify(envelopedView(fast)) !== JSON.stringify(general)) {
          throw new Error('the fast decoder read this differently from pkijs');
        }
      },
    });
  });

  it('the strict DER reader: declines (never throws otherwise) and takes only well-formed TLVs', () => {
    campaign('der-reader', 3000, {
      seeds: [...signed, ...enveloped],
      expected: () => false,
      target: (der) => {
        let accepted = false;
        try {
          walk(der, only(der, 0, der.length), 0);
          accepted = true;
        } catch (error) {
          if (!(error instanceof Error && error.message.startsWith('fast path declined')))
            throw error;
        }
        // Contents (an empty INTEGER, say) are the decoders' to judge; tags and lengths its own.
        const violation = berViolation(der, { contents: false });
        if (accepted && violation && violation !== 'nested too deeply') {
          throw new Error(`the strict reader took what is not BER: ${violation}`);
        }
      },
    });
  });

  it('finds a planted bug that only coverage guidance reaches, and blind mutation cannot', () => {
    // The harness must be able to find something. The planted crash needs a SET of six
    // elements; the seed's SETs have one, and an input is the seed or a corpus entry changed by
    // at most four mutations — so blind mutation of the seed can never build it. Guided, each
    // duplicated element passes one more of the nested conditions, runs a new block, and the
    // input is kept to be mutated further.
    const seed = encodeTree(
      constructed(
        0x30,
        [1, 2, 3].map((n) => constructed(0x31, [primitive(0x02, Uint8Array.of(n))])),
      ),
    );
    const hunt = (include: RegExp): unknown => {
      try {
        runCampaign({
          name: 'planted',
          include,
          seed: budget.seed,
          maxExecs: 8_000,
          maxMs: 60_000,
          seeds: [seed],
          expected: () => false,
          target: planted,
        });
      } catch (error) {
        return error;
      }
      return undefined;
    };

    const guided = hunt(/coverage-guided\.fuzz\.spec\.ts$/);
    expect(guided).toBeInstanceOf(Finding);
    expect((guided as Finding).cause).toEqual(new Error('planted bug reached'));
    expect(hunt(/^$/)).toBeUndefined();
  });
});

/** Reads every element, recursing into constructed ones, as the fast decoders do. */
function walk(der: Uint8Array, tlv: Tlv, depth: number): void {
  if ((tlv.tag & 0x20) === 0 || depth > 200) return;
  for (const child of children(der, tlv)) walk(der, child, depth + 1);
}

/** Crashes on a SET of six or more elements, behind one condition per element. */
function planted(bytes: Uint8Array): void {
  const root = parseTree(bytes);
  if (!root) return;
  const widest = Math.max(
    0,
    ...nodesOf(root).map(({ node }) => (node.tag[0] === 0x31 ? node.children!.length : 0)),
  );
  if (widest >= 2) {
    if (widest >= 3) {
      if (widest >= 4) {
        if (widest >= 5) {
          if (widest >= 6) throw new Error('planted bug reached');
        }
      }
    }
  }
}
