import fc from 'fast-check';
import type { KeyObject } from 'node:crypto';
import { loadPrivateKey, partyPkiPaths } from '@mxg/pki';
import {
  decodeMessage,
  encodeMessage,
  EnvelopeError,
  type SigningKey,
  openEnvelope,
  type OpenEnvelopeContext,
  openReceipt,
  readRoutingHeader,
  ROUTING_HEADER_ATTRIBUTE,
  sealEnvelope,
  signReceipt,
} from '@mxg/envelope';
import { mutatedArbitrary } from '../libs/cms/src/testing/fuzz/der-mutations';
import {
  encodeTree,
  nodeAt,
  parseTree,
  primitive,
  replaceAt,
  type DerNode,
} from '../libs/cms/src/testing/fuzz/der-tree';
import { fuzzBudget } from '../libs/cms/src/testing/fuzz/fuzz-budget';
import { resignSignedAttributes, withSigningTime } from '../libs/cms/src/testing/fuzz/resign';
import { createPkiFixture, migRequest, type PkiFixture } from './support/pki-fixture';

/**
 * Issue #10, finding 13, one level up: what a peer gateway sends (a sealed envelope, a receipt)
 * and what comes out of it (the routing header, the message) fuzzed through the project's own
 * open path, with the development PKI. Whatever the bytes, opening ends in an EnvelopeError
 * with a code — which the receiver audits and answers — never in another exception, and an
 * envelope that opens carries the message that was sealed.
 */
const budget = fuzzBudget();
const strictUtf8 = new TextDecoder('utf-8', { fatal: true });
const isWellFormedUtf8 = (bytes: Uint8Array) => {
  try {
    strictUtf8.decode(bytes);
    return true;
  } catch {
    return false;
  }
};

describe('#10.13 opening fuzzed envelopes and receipts', () => {
  let fx: PkiFixture;
  let now: Date;
  let seal: SigningKey;
  /** The seal's key file itself, to re-sign fuzzed attributes as only the seal could. */
  let sealPrivateKey: KeyObject;
  let envelopes: Uint8Array[];
  let receipts: Uint8Array[];
  let message: ReturnType<typeof migRequest>;

  const context = (): OpenEnvelopeContext => ({
    self: 'AZ',
    keys: fx.keys('AZ'),
    trust: fx.trust,
    treaty: fx.config.treaty,
    now,
    maxSkewMs: 5 * 60_000,
  });

  beforeAll(async () => {
    fx = await createPkiFixture();
    now = new Date(Date.now() + 1000);
    seal = await fx.keys('KZ').seal();
    sealPrivateKey = await loadPrivateKey(partyPkiPaths(fx.certsDir, 'KZ').gateway.seal.privateKey);
    message = migRequest(now);
    const sealed = await sealEnvelope({
      message,
      signatory: await fx.keys('KZ').signatory('kz-mvd-deputy-minister'),
      seal,
      recipient: (await fx.keys('AZ').decryption())[0].certificate,
      policy: fx.config.treaty.agreement('MIG').algorithms,
      signingTime: now,
      trust: fx.trust,
    });
    envelopes = [sealed.envelope];
    receipts = [
      await signReceipt(
        {
          format: 'mxg-receipt/1',
          messageId: message.header.id,
          digest: sealed.digest,
          status: 'accepted',
          code: null,
          from: 'AZ',
          to: 'KZ',
          receivedAt: now.toISOString(),
        },
        await fx.keys('AZ').seal(),
        fx.config.treaty.agreement('MIG').algorithms,
        now,
      ),
    ];
  });
  afterAll(() => fx.cleanup());

  /** Resolves with what `run` returned, or with the EnvelopeError it threw; anything else throws. */
  async function envelopeOutcome<T>(run: () => Promise<T>): Promise<T | EnvelopeError> {
    try {
      return await run();
    } catch (error) {
      if (error instanceof EnvelopeError && typeof error.code === 'string') return error;
      throw error;
    }
  }

  it('a mutated envelope is refused with a code, or opens to the message that was sealed', async () => {
    await fc.assert(
      fc.asyncProperty(mutatedArbitrary(envelopes), async (envelope) => {
        const opened = await envelopeOutcome(() => openEnvelope(envelope, context()));
        if (!(opened instanceof EnvelopeError)) expect(opened.message).toEqual(message);
      }),
      budget.property(400),
    );
  });

  it('#10.13 a re-sealed envelope with fuzzed signed attributes is refused with a code, never a crash', async () => {
    // The seal's own key signs the fuzzed attributes again, so they get past the signature
    // check to the signing-time, chain and routing-header checks behind it.
    const attributeEdits = fc
      .tuple(fc.nat(), fc.uint8Array({ minLength: 0, maxLength: 24 }), fc.boolean())
      .map(([pick, bytes, generalized]) => (attributes: readonly DerNode[]) => {
        const time = primitive(generalized ? 0x18 : 0x17, bytes);
        if (pick % 3 === 0) return withSigningTime(time)(attributes);
        return attributes.filter((_, i) => i !== pick % attributes.length);
      });
    await fc.assert(
      fc.asyncProperty(attributeEdits, async (edit) => {
        const envelope = resignSignedAttributes(envelopes[0], sealPrivateKey, edit);
        const opened = await envelopeOutcome(() => openEnvelope(envelope, context()));
        if (!(opened instanceof EnvelopeError)) expect(opened.message).toEqual(message);
      }),
      budget.property(300),
    );
  });

  it('#10.13 refuses an envelope whose seal names an invalid signing time, with MALFORMED_ENVELOPE', async () => {
    // asn1js read this GeneralizedTime as an invalid date, and the signing-time check then
    // threw a RangeError (Invalid time value) instead of refusing the envelope with a code.
    const envelope = resignSignedAttributes(
      envelopes[0],
      sealPrivateKey,
      withSigningTime(primitive(0x18, Buffer.from('20261121100000.5e999Z'))),
    );

    await expect(openEnvelope(envelope, context())).rejects.toMatchObject({
      constructor: EnvelopeError,
      code: 'MALFORMED_ENVELOPE',
    });
  });

  it('#10.13 refuses an envelope carrying a certificate with a bad validity time, with MALFORMED_ENVELOPE', async () => {
    // Month 13 in the seal certificate's notBefore: OpenSSL prints it as "Bad time value",
    // asn1js read January of the next year, and the signer report then threw a RangeError.
    const tree = parseTree(envelopes[0])!;
    const NOT_BEFORE = [1, 0, 3, 0, 0, 4, 0]; // ContentInfo → SignedData → certificates[0] → tbs
    expect(nodeAt(tree, NOT_BEFORE)?.tag[0]).toBe(0x17);
    const envelope = encodeTree(
      replaceAt(tree, NOT_BEFORE, () => primitive(0x17, Buffer.from('261321100000Z')))!,
    );

    await expect(openEnvelope(envelope, context())).rejects.toMatchObject({
      constructor: EnvelopeError,
      code: 'MALFORMED_ENVELOPE',
    });
  });

  it('a mutated receipt is refused with a code, or opens to the receipt that was signed', async () => {
    const ctx = {
      trust: fx.trust,
      treaty: fx.config.treaty,
      policy: fx.config.treaty.agreement('MIG').algorithms,
      now,
      self: 'KZ',
    };
    const original = await openReceipt(receipts[0], ctx);
    await fc.assert(
      fc.asyncProperty(mutatedArbitrary(receipts), async (receipt) => {
        const opened = await envelopeOutcome(() => openReceipt(receipt, ctx));
        if (!(opened instanceof EnvelopeError)) expect(opened.receipt).toEqual(original.receipt);
      }),
      budget.property(400),
    );
  });

  it('a sealed routing header of any bytes reads as a header or is refused with a code', () => {
    const signer = (value: Uint8Array) => ({
      otherAttributes: new Map([[ROUTING_HEADER_ATTRIBUTE, [value]]]),
    });
    fc.assert(
      fc.property(
        fc.oneof(
          fc.uint8Array({ maxLength: 64 }),
          fc
            .string()
            .map((text) =>
              Buffer.concat([Uint8Array.of(0x0c, text.length & 0x7f), Buffer.from(text)]),
            ),
        ),
        (value) => {
          try {
            readRoutingHeader(signer(value) as unknown as Parameters<typeof readRoutingHeader>[0]);
          } catch (error) {
            expect(error).toBeInstanceOf(EnvelopeError);
          }
        },
      ),
      budget.property(1000),
    );
  });

  it('signed content of any bytes decodes to a message that re-encodes to those bytes (UTF-8), or is refused', () => {
    const canonical = Buffer.from(encodeMessage(message));
    fc.assert(
      fc.property(
        fc.oneof(
          mutatedArbitrary([canonical]),
          fc.uint8Array({ maxLength: 64 }),
          fc
            .nat(canonical.length)
            .chain((at) =>
              fc
                .string({ maxLength: 4 })
                .map((text) =>
                  Buffer.concat([
                    canonical.subarray(0, at),
                    Buffer.from(text),
                    canonical.subarray(at),
                  ]),
                ),
            ),
        ),
        (bytes) => {
          let decoded;
          try {
            decoded = decodeMessage(bytes);
          } catch (error) {
            expect(error).toBeInstanceOf(EnvelopeError);
            return;
          }
          // Ill-formed UTF-8 is refused (#10.10: it would be read as U+FFFD, so the message
          // would re-encode to other bytes than were signed).
          expect(isWellFormedUtf8(bytes)).toBe(true);
          expect(Buffer.from(encodeMessage(decoded)).equals(Buffer.from(bytes))).toBe(true);
        },
      ),
      budget.property(1000),
    );
  });
});
