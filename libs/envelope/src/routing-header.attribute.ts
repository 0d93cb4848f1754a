import * as asn1js from 'asn1js';
import type { SignedAttribute, SignerReport } from '@mxg/cms';
import { EnvelopeError } from './envelope.errors';
import { decodeHeader, encodeHeader } from './message/canonical-message';
import type { MessageHeader } from './message/message-header';

/**
 * The signed attribute that seals the message header into the outer signature, so a receiver
 * can check sender, recipient, agreement and type before it decrypts anything. An OID under
 * the UUID arc (ITU-T X.667, `2.25.<uuid>`), which needs no registration. Its value is a
 * UTF8String holding the header's canonical JSON — readable with `openssl cms -cmsout -print`.
 */
export const ROUTING_HEADER_ATTRIBUTE = '2.25.73741742561871163920772413435898580669';

export function routingHeaderAttribute(header: MessageHeader): SignedAttribute {
  const text = Buffer.from(encodeHeader(header)).toString('utf8');
  return {
    type: ROUTING_HEADER_ATTRIBUTE,
    value: new Uint8Array(new asn1js.Utf8String({ value: text }).toBER()),
  };
}

/** The sealed header of an outer SignedData's signer, or `undefined` when it carries none. */
export function readRoutingHeader(signer: SignerReport): MessageHeader | undefined {
  const values = signer.otherAttributes?.get(ROUTING_HEADER_ATTRIBUTE);
  if (values === undefined) return undefined;
  const [value] = values;
  const parsed = value && values.length === 1 ? asn1js.fromBER(value) : undefined;
  if (!parsed || parsed.offset === -1 || !(parsed.result instanceof asn1js.Utf8String)) {
    throw new EnvelopeError(
      'MALFORMED_ENVELOPE',
      'the routing header attribute is not a UTF8String',
      'outer',
    );
  }
  return decodeHeader(Buffer.from(parsed.result.valueBlock.value, 'utf8'));
}
