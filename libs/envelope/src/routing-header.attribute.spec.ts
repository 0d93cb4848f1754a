import * as asn1js from 'asn1js';
import type { SignerReport } from '@mxg/cms';
import { decodeHeader, encodeHeader } from './message/canonical-message';
import { MESSAGE_FORMAT, type MessageHeader } from './message/message-header';
import {
  readRoutingHeader,
  ROUTING_HEADER_ATTRIBUTE,
  routingHeaderAttribute,
  routingHeaderAttributeOf,
} from './routing-header.attribute';

const header: MessageHeader = {
  format: MESSAGE_FORMAT,
  id: '0b7d3c1e-5f2a-4c8e-9a61-3e2f4d5c6b7a',
  type: 'request',
  agreement: 'MIG',
  from: { party: 'KZ', authority: 'KZ-MVD' },
  to: { party: 'AZ', authority: 'AZ-DMX' },
  createdAt: '2026-03-01T10:20:30.456Z',
  correlationId: '0b7d3c1e-5f2a-4c8e-9a61-3e2f4d5c6b7a',
  inReplyTo: null,
};

const signerWith = (...values: Uint8Array[]): SignerReport =>
  ({ otherAttributes: new Map([[ROUTING_HEADER_ATTRIBUTE, values]]) }) as unknown as SignerReport;

/** How the header was read before the DER fast path: asn1js for every value. */
function readWithAsn1js(signer: SignerReport): MessageHeader | undefined {
  const values = signer.otherAttributes?.get(ROUTING_HEADER_ATTRIBUTE);
  if (values === undefined) return undefined;
  const [value] = values;
  const parsed = value && values.length === 1 ? asn1js.fromBER(value) : undefined;
  if (!parsed || parsed.offset === -1 || !(parsed.result instanceof asn1js.Utf8String)) {
    throw Object.assign(new Error('not a UTF8String'), { code: 'MALFORMED_ENVELOPE' });
  }
  return decodeHeader(Buffer.from(parsed.result.valueBlock.value, 'utf8'));
}

const outcome = (read: () => MessageHeader | undefined) => {
  try {
    return { header: read() };
  } catch (error) {
    return { refused: (error as { code?: string }).code };
  }
};

describe('readRoutingHeader', () => {
  const json = Buffer.from(encodeHeader(header));
  const tlv = (tag: number, lengthOctets: number[], contents: Uint8Array) =>
    Buffer.concat([Buffer.from([tag, ...lengthOctets]), contents]);
  const long = (n: number) => (n < 0x100 ? [0x81, n] : [0x82, n >> 8, n & 0xff]);

  it('writes the header as asn1js would, a DER UTF8String of its canonical JSON', () => {
    const asn1 = (text: string) => new Uint8Array(new asn1js.Utf8String({ value: text }).toBER());
    expect(routingHeaderAttribute(header)).toEqual({
      type: ROUTING_HEADER_ATTRIBUTE,
      value: asn1(json.toString('utf8')),
    });
    for (const text of [
      '',
      'x',
      'x'.repeat(127),
      'x'.repeat(128),
      'é'.repeat(200),
      'x'.repeat(70_000),
    ]) {
      expect(routingHeaderAttributeOf(Buffer.from(text)).value).toEqual(asn1(text));
    }
  });

  it('reads the header MXG seals', () => {
    expect(readRoutingHeader(signerWith(routingHeaderAttribute(header).value))).toEqual(header);
  });

  it('reads every encoding exactly as asn1js does, refusals included', () => {
    expect(json.length).toBeGreaterThan(0xff); // so that `long` gives 0x82 and two octets
    const invalidUtf8 = Buffer.concat([
      json.subarray(0, 20),
      Buffer.from([0xff]),
      json.subarray(21),
    ]);
    const cases: Uint8Array[][] = [
      [routingHeaderAttribute(header).value],
      [tlv(0x0c, long(json.length), json)],
      [tlv(0x0c, [0x83, 0x00, ...long(json.length).slice(1)], json)], // non-minimal (BER)
      [tlv(0x0c, [0x84, 0x00, 0x00, ...long(json.length).slice(1)], json)],
      [Buffer.concat([tlv(0x0c, long(json.length), json), Buffer.from([0x05, 0x00])])], // trailing
      [tlv(0x0c, long(json.length), json).subarray(0, 40)], // truncated
      [tlv(0x0c, long(invalidUtf8.length), invalidUtf8)],
      [tlv(0x0c, long(json.length + 3), Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), json]))],
      [tlv(0x04, long(json.length), json)], // an OCTET STRING
      [tlv(0x2c, long(json.length + 4), tlv(0x04, long(json.length), json))], // constructed
      [tlv(0x0c, [0x05], Buffer.from('{"a":'))],
      [tlv(0x0c, [0x00], Buffer.alloc(0))],
      [Buffer.from([0x0c])],
      [new Uint8Array(0)],
      [routingHeaderAttribute(header).value, routingHeaderAttribute(header).value],
      [],
    ];
    let read = 0;
    for (const values of cases) {
      const signer = signerWith(...values);
      const fast = outcome(() => readRoutingHeader(signer));
      expect(fast).toEqual(outcome(() => readWithAsn1js(signer)));
      if (fast.header) read++;
    }
    expect(read).toBe(5); // the comparison did see headers read, not only refusals
    expect(readRoutingHeader({} as SignerReport)).toBeUndefined();
  });

  it('#10.13 refuses a value asn1js throws on (a BMPString of odd length) with MALFORMED_ENVELOPE', () => {
    // Found by fuzzing readRoutingHeader: asn1js threw a RangeError instead of reporting an
    // error. A value inside a parsed SignedData has been through asn1js already, so opening
    // an envelope did not reach it; the exported function must still refuse with a code.
    expect(() => readRoutingHeader(signerWith(Uint8Array.of(0x1e, 0x01, 0x00)))).toThrow(
      expect.objectContaining({ code: 'MALFORMED_ENVELOPE' }) as Error,
    );
  });
});
