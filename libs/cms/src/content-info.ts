import * as asn1js from 'asn1js';
import * as pkijs from 'pkijs';
import { berViolation } from './ber-validity';
import { CmsError } from './cms.errors';
import { contextConstructed, objectIdentifier, sequence } from './der';

/** ContentInfo ::= SEQUENCE { contentType, content [0] EXPLICIT ANY } (RFC 5652 §3). */
export function wrapContentInfo(contentType: string, content: Uint8Array): Uint8Array {
  return sequence(objectIdentifier(contentType), contextConstructed(0, content));
}

/**
 * Decodes a ContentInfo of the expected type and hands its content to `decode`; anything that
 * goes wrong in there (pkijs schema mismatch, asn1js error) becomes MALFORMED_CMS.
 */
export function decodeContentInfo<T>(
  der: Uint8Array,
  expectedType: string,
  what: string,
  decode: (content: asn1js.BaseBlock) => T,
): T {
  try {
    const invalid = berViolation(der);
    if (invalid) throw new Error(`not BER: ${invalid}`);
    const asn1 = asn1js.fromBER(der);
    // Trailing bytes after the ContentInfo would be unauthenticated data riding along.
    if (asn1.offset === -1 || asn1.offset !== der.byteLength) {
      throw new Error(asn1.result.error || 'trailing data');
    }
    // pkijs's schema matching ignores elements after the ones it expects; OpenSSL refuses
    // them ("sequence length mismatch"), and they would be unauthenticated data too.
    const [, explicit, ...extra] = constructedChildren(asn1.result);
    if (extra.length > 0 || (explicit && constructedChildren(explicit).length !== 1)) {
      throw new Error('ContentInfo with extra elements');
    }
    const contentInfo = new pkijs.ContentInfo({ schema: asn1.result });
    if (contentInfo.contentType !== expectedType) {
      throw new Error(`content type is ${contentInfo.contentType}`);
    }
    return decode(contentInfo.content as asn1js.BaseBlock);
  } catch (error) {
    if (error instanceof CmsError) throw error;
    throw new CmsError('MALFORMED_CMS', `Not a valid ${what}`, { cause: String(error) });
  }
}

const constructedChildren = (block: asn1js.BaseBlock): asn1js.BaseBlock[] =>
  block instanceof asn1js.Constructed ? block.valueBlock.value : [];

/** OCTET STRING contents, joining the segments of a constructed (BER) encoding. */
export function octetStringValue(block: unknown): Uint8Array {
  if (!(block instanceof asn1js.OctetString)) throw new Error('expected an OCTET STRING');
  return new Uint8Array(block.getValue());
}
