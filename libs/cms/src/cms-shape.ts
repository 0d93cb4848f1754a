import * as asn1js from 'asn1js';

/**
 * How many elements each SEQUENCE of a SignedData or EnvelopedData may hold (RFC 5652 §5, §6,
 * §10.1.2): the first the content violates, or undefined.
 *
 * pkijs matches its schemas element by element and ignores whatever follows the last one it
 * expects — an extra element in a SignerInfo, an AlgorithmIdentifier with three elements.
 * OpenSSL refuses such input ("sequence length mismatch"), and what pkijs skipped is carried
 * unauthenticated. Fuzzing found every place listed here (#10.13). Certificates are parsed by
 * OpenSSL itself, and algorithm parameters by the code that reads them.
 */
export function cmsShapeViolation(
  content: asn1js.BaseBlock,
  type: 'signedData' | 'envelopedData',
): string | undefined {
  try {
    if (type === 'signedData') signedData(content);
    else envelopedData(content);
    return undefined;
  } catch (error) {
    if (error instanceof ShapeViolation) return error.message;
    throw error;
  }
}

class ShapeViolation extends Error {}

/** The elements of a constructed block, checked to number between `min` and `max`. */
function elements(block: asn1js.BaseBlock | undefined, min: number, max: number, what: string) {
  const value = block instanceof asn1js.Constructed ? block.valueBlock.value : [];
  if (value.length < min || value.length > max) {
    throw new ShapeViolation(`${what} has ${value.length} elements`);
  }
  return value;
}

const isContext = (block: asn1js.BaseBlock | undefined, tagNumber: number): boolean =>
  block?.idBlock.tagClass === 3 && block.idBlock.tagNumber === tagNumber;

const algorithmIdentifier = (block: asn1js.BaseBlock | undefined, what: string) =>
  elements(block, 1, 2, what);

/** SignedData ::= SEQUENCE { version, digestAlgorithms, encapContentInfo, [0]?, [1]?, signerInfos } */
function signedData(block: asn1js.BaseBlock): void {
  const parts = elements(block, 4, 6, 'SignedData');
  for (const algorithm of elements(parts[1], 0, Infinity, 'digestAlgorithms')) {
    algorithmIdentifier(algorithm, 'a digest AlgorithmIdentifier');
  }
  const encapsulated = elements(parts[2], 1, 2, 'EncapsulatedContentInfo');
  if (encapsulated[1]) elements(encapsulated[1], 1, 1, 'eContent [0]');
  // between them only certificates [0] and crls [1], each optional, in that order
  const optional = parts
    .slice(3, -1)
    .map((b) => (isContext(b, 0) ? '0' : isContext(b, 1) ? '1' : '?'))
    .join('');
  if (!['', '0', '1', '01'].includes(optional)) {
    throw new ShapeViolation('SignedData has elements besides certificates and crls');
  }
  for (const signer of elements(parts[parts.length - 1], 0, Infinity, 'signerInfos')) {
    const fields = elements(signer, 5, 7, 'SignerInfo');
    if (!isContext(fields[1], 0)) issuerAndSerialNumber(fields[1]);
    algorithmIdentifier(fields[2], 'the SignerInfo digest AlgorithmIdentifier');
    const signed = isContext(fields[3], 0);
    if (signed) {
      for (const attribute of elements(fields[3], 0, Infinity, 'signedAttrs')) {
        elements(attribute, 2, 2, 'an Attribute');
      }
    }
    algorithmIdentifier(fields[signed ? 4 : 3], 'the signature AlgorithmIdentifier');
    const rest = fields.slice(signed ? 6 : 5);
    if (rest.length > 1 || (rest.length === 1 && !isContext(rest[0], 1))) {
      throw new ShapeViolation('SignerInfo has elements besides unsignedAttrs');
    }
  }
}

/** IssuerAndSerialNumber ::= SEQUENCE { issuer Name, serialNumber }, the Name as OpenSSL reads it */
function issuerAndSerialNumber(block: asn1js.BaseBlock): void {
  const [issuer] = elements(block, 2, 2, 'IssuerAndSerialNumber');
  for (const rdn of elements(issuer, 0, Infinity, 'the issuer Name')) {
    for (const attribute of elements(rdn, 0, Infinity, 'a RelativeDistinguishedName')) {
      const [, value] = elements(attribute, 2, 2, 'an AttributeTypeAndValue');
      const { tagClass, tagNumber, isConstructed } = value.idBlock;
      const octet = ((tagClass - 1) << 6) | (isConstructed ? 0x20 : 0) | Math.min(tagNumber, 31);
      if (!isNameValueTag(octet)) {
        throw new ShapeViolation('the issuer Name has a value OpenSSL does not read');
      }
    }
  }
}

/** EnvelopedData ::= SEQUENCE { version, [0]?, recipientInfos, encryptedContentInfo, [1]? } */
function envelopedData(block: asn1js.BaseBlock): void {
  const parts = elements(block, 3, 5, 'EnvelopedData');
  const at = isContext(parts[1], 0) ? 2 : 1;
  for (const recipient of elements(parts[at], 0, Infinity, 'recipientInfos')) {
    // only KeyTransRecipientInfo is a bare SEQUENCE; the other choices are [1]–[4]
    if (recipient.idBlock.tagClass !== 1) continue;
    const fields = elements(recipient, 4, 4, 'KeyTransRecipientInfo');
    if (!isContext(fields[1], 0)) issuerAndSerialNumber(fields[1]);
    algorithmIdentifier(fields[2], 'the key transport AlgorithmIdentifier');
  }
  const encrypted = elements(parts[at + 1], 2, 3, 'EncryptedContentInfo');
  algorithmIdentifier(encrypted[1], 'the content encryption AlgorithmIdentifier');
  const rest = parts.slice(at + 2);
  if (rest.length > 1 || (rest.length === 1 && !isContext(rest[0], 1))) {
    throw new ShapeViolation('EnvelopedData has elements besides unprotectedAttrs');
  }
}

/**
 * Universal tags OpenSSL reads as a Name's attribute value (its X509_NAME_ENTRY value is an
 * ASN1_PRINTABLE: the X.520 DirectoryString types and a few more, ASN1_tag2bit): strings,
 * SEQUENCE, and the tags it calls unknown. Anything else — an INTEGER, an OCTET STRING, a
 * time, a context tag — it refuses ("mstring wrong tag"), and pkijs reads as ANY.
 */
const NAME_VALUE_TAGS = new Set([7, 8, 9, 11, 12, 13, 14, 15, 16, 18, 19, 20, 21, 22, 25, 26]);
[27, 28, 29, 30].forEach((tag) => NAME_VALUE_TAGS.add(tag));

/** Whether the identifier octet of a Name's attribute value is one OpenSSL reads. */
export const isNameValueTag = (tag: number): boolean =>
  tag >> 6 === 0 &&
  NAME_VALUE_TAGS.has(tag & 0x1f) &&
  ((tag & 0x20) !== 0) === ((tag & 0x1f) === 16);
