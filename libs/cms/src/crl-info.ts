import * as asn1js from 'asn1js';
import { parseCertificate, type CertificateInput } from './certificate';
import { type CrlInput, issuedBy, parseCrl } from './certificate-chain';
import { CmsError } from './cms.errors';

const CRL_NUMBER = '2.5.29.20';

/** What a CRL says about itself: enough to decide whether it may replace the one in use. */
export interface CrlInfo {
  /** The cRLNumber extension (RFC 5280 §5.2.3): strictly increasing per CA; absent in v1 CRLs. */
  readonly crlNumber: bigint | undefined;
  readonly thisUpdate: Date;
  readonly nextUpdate: Date | undefined;
  readonly revokedCount: number;
  /** Every entry: which certificate, revoked since when — to judge revocation as of a past time. */
  readonly revoked: readonly CrlEntryInfo[];
  /** Named for, signed by the key of, and allowed to be signed by one of the issuers given. */
  readonly issuedByTrusted: boolean;
  /** No critical extension MXG cannot honour (delta, partitioned or indirect CRLs). */
  readonly extensionsUnderstood: boolean;
}

/** One revoked certificate on a CRL. */
export interface CrlEntryInfo {
  /**
   * Upper-case hex without leading zero bytes — as node's `X509Certificate.serialNumber`
   * prints it, so the two compare as strings (`crlSerial` normalises either).
   */
  readonly serialNumber: string;
  readonly revocationDate: Date;
}

/** A serial number as CrlEntryInfo spells it: upper case, no leading zero bytes. */
export function crlSerial(hex: string): string {
  let serial = hex.toUpperCase();
  while (serial.length > 2 && serial.startsWith('00')) serial = serial.slice(2);
  return serial;
}

/**
 * Reads a CRL as verifyCertificateChain will use it — same parser, same cache, same issuer
 * test — so that a trust store judges exactly the CRL that later decides revocation.
 * Throws MALFORMED_CRL for bytes that are no CRL.
 */
export function readCrl(input: CrlInput, issuers: readonly CertificateInput[]): CrlInfo {
  const parsed = parseCrl(input);
  const { crl } = parsed;
  return {
    crlNumber: crlNumberOf(parsed.crl.crlExtensions?.extensions),
    thisUpdate: crl.thisUpdate.value,
    nextUpdate: crl.nextUpdate?.value,
    revokedCount: parsed.revoked.size,
    revoked: (crl.revokedCertificates ?? []).map((entry) => ({
      serialNumber: crlSerial(
        Buffer.from(entry.userCertificate.valueBlock.valueHexView).toString('hex'),
      ),
      revocationDate: entry.revocationDate.value,
    })),
    issuedByTrusted: issuers.some((issuer) => issuedBy(parsed, parseCertificate(issuer))),
    extensionsUnderstood: parsed.extensionsUnderstood,
  };
}

function crlNumberOf(
  extensions: readonly { extnID: string; extnValue: asn1js.OctetString }[] | undefined,
): bigint | undefined {
  const extension = extensions?.find((e) => e.extnID === CRL_NUMBER);
  if (!extension) return undefined;
  const decoded = asn1js.fromBER(extension.extnValue.valueBlock.valueHexView);
  if (decoded.offset === -1 || !(decoded.result instanceof asn1js.Integer)) {
    throw new CmsError('MALFORMED_CRL', 'the CRL number is not an INTEGER');
  }
  return decoded.result.toBigInt();
}
