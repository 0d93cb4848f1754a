import { sign, type KeyObject } from 'node:crypto';
import { OID } from '../../cms-algorithms';
import { objectIdentifier } from '../../der';
import { encodeTree, parseTree, replaceAt, type DerNode } from './der-tree';

/** Where the first SignerInfo's parts sit in a ContentInfo-wrapped SignedData. */
export function firstSignerPath(root: DerNode): readonly number[] | undefined {
  const signedData = root.children?.[1]?.children?.[0];
  const signerInfos = signedData?.children?.[signedData.children.length - 1];
  return signedData && signerInfos?.children?.length
    ? [1, 0, signedData.children!.length - 1, 0]
    : undefined;
}

const SIGNED_ATTRS = 3;
const SIGNATURE = 5;

/**
 * A copy of an MXG SignedData whose first signer's signed attributes went through `edit` and
 * were signed again with `key` — so that a fuzzed field gets past the signature check and
 * reaches what comes after it (chain, signing time, signatory). ECDSA or RSA PKCS#1 v1.5 with
 * SHA-256, as MXG signs by default.
 */
export function resignSignedAttributes(
  der: Uint8Array,
  key: KeyObject,
  edit: (attributes: readonly DerNode[]) => readonly DerNode[],
): Uint8Array {
  const root = parseTree(der);
  const signer = root && firstSignerPath(root);
  if (!root || !signer) throw new Error('not a SignedData with a signer');
  let signed: Uint8Array | undefined;
  const edited = replaceAt(root, [...signer, SIGNED_ATTRS], (node) => {
    const attributes = edit(node.children ?? []);
    // RFC 5652 §5.4: the signature covers the attributes under the SET OF tag.
    signed = encodeTree({ ...node, tag: Uint8Array.of(0x31), children: attributes });
    return { ...node, children: attributes };
  })!;
  const signature = sign('sha256', signed!, {
    key,
    ...(key.asymmetricKeyType === 'ec' ? { dsaEncoding: 'der' as const } : {}),
  });
  return encodeTree(
    replaceAt(edited, [...signer, SIGNATURE], (node) => ({ ...node, contents: signature }))!,
  );
}

/** Whether `attribute` is of type `oid`, by the OID's contents (its length may be in BER). */
const isOfType = (attribute: DerNode, oid: string): boolean => {
  const type = attribute.children?.[0];
  return (
    type?.contents !== undefined &&
    Buffer.from(type.contents).equals(objectIdentifier(oid).subarray(2))
  );
};
const isSigningTime = (attribute: DerNode) => isOfType(attribute, OID.signingTimeAttribute);

/** `attributes` with the values of the attribute of type `oid` replaced by `value` alone. */
export function withAttributeValue(oid: string, value: DerNode) {
  return (attributes: readonly DerNode[]): readonly DerNode[] =>
    attributes.map((attribute) => {
      if (!isOfType(attribute, oid)) return attribute;
      const [type, values] = attribute.children!;
      return { ...attribute, children: [type, { ...values, children: [value] }] };
    });
}

/** `attributes` with the signing-time value replaced by `value` (one element's node). */
export const withSigningTime = (value: DerNode) =>
  withAttributeValue(OID.signingTimeAttribute, value);

/**
 * The signing-time attribute's values of each signer, in order, as found in the bytes by a
 * lenient reading independent of the decoders under test; undefined for a signer without one.
 */
export function rawSigningTimes(der: Uint8Array): (readonly DerNode[] | undefined)[] {
  const root = parseTree(der);
  const signedData = root?.children?.[1]?.children?.[0];
  const signerInfos = signedData?.children?.[signedData.children.length - 1];
  return (signerInfos?.children ?? []).map((signerInfo) => {
    const attributes = signerInfo.children?.find((c) => c.tag.length === 1 && c.tag[0] === 0xa0);
    return attributes?.children?.find(isSigningTime)?.children?.[1]?.children;
  });
}
