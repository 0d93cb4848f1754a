import { x509 } from './x509-provider';

/** End-entity profiles; the root CA has its own fixed profile below. */
export type CertificateProfile = 'seal' | 'encryption' | 'audit-checkpoint' | 'signatory';

/**
 * The extended key usage (key purpose) of MXG audit-checkpoint certificates: the one purpose
 * for which a key may sign a gateway's audit checkpoints and cosign a peer's. An OID under the
 * UUID arc (ITU-T X.667, `2.25.<uuid as an integer>`, no registration needed), like the routing
 * header attribute. A certificate without it — a seal, a signatory's, an encryption certificate,
 * even one of the party's own CA — is never an audit key, whoever issued it.
 */
export const AUDIT_CHECKPOINT_KEY_PURPOSE = '2.25.226395997824030256699729909201426550754';

interface LeafProfile {
  keyUsage: x509.KeyUsageFlags;
  /**
   * emailProtection on every CMS signer and recipient: OpenSSL's `cms -verify` rejects signers
   * whose EKU lacks it ("unsuitable certificate purpose"), and S/MIME is the closest standard
   * purpose to signed and enveloped CMS messages.
   */
  extendedKeyUsage?: string[];
  /**
   * Critical when the key is for nothing else: as RFC 3161 §2.3 makes a time-stamping key's
   * one purpose critical, so that software that does not know it refuses the certificate.
   */
  extendedKeyUsageCritical?: boolean;
  /** keyEncipherment is RSA key transport (RSA-OAEP); an EC key cannot do it. */
  rsaOnly: boolean;
}

const { digitalSignature, nonRepudiation, keyEncipherment, keyCertSign, cRLSign } =
  x509.KeyUsageFlags;
const emailProtection = x509.ExtendedKeyUsage.emailProtection;

export const LEAF_PROFILES: Readonly<Record<CertificateProfile, LeafProfile>> = {
  seal: {
    keyUsage: digitalSignature | nonRepudiation,
    extendedKeyUsage: [emailProtection],
    rsaOnly: false,
  },
  signatory: {
    keyUsage: digitalSignature | nonRepudiation,
    extendedKeyUsage: [emailProtection],
    rsaOnly: false,
  },
  encryption: { keyUsage: keyEncipherment, extendedKeyUsage: [emailProtection], rsaOnly: true },
  'audit-checkpoint': {
    keyUsage: digitalSignature,
    extendedKeyUsage: [AUDIT_CHECKPOINT_KEY_PURPOSE],
    extendedKeyUsageCritical: true,
    rsaOnly: false,
  },
};

export const ROOT_CA_VALIDITY_YEARS = 10;
export const LEAF_VALIDITY_YEARS = 2;

/**
 * pathLen 0: a party's root only ever signs end entities, so it must not be usable to mint
 * subordinate CAs. No AKI on the self-signed root (RFC 5280 §4.2.1.1 allows omitting it).
 */
export async function rootCaExtensions(spki: ArrayBuffer | Buffer): Promise<x509.Extension[]> {
  return [
    new x509.BasicConstraintsExtension(true, 0, true),
    new x509.KeyUsagesExtension(keyCertSign | cRLSign, true),
    await x509.SubjectKeyIdentifierExtension.create(spki),
  ];
}

export async function leafExtensions(
  profile: CertificateProfile,
  spki: ArrayBuffer | Buffer,
  issuerKeyId: string,
  crlDistributionPoint?: string,
): Promise<x509.Extension[]> {
  const { keyUsage, extendedKeyUsage, extendedKeyUsageCritical } = LEAF_PROFILES[profile];
  const extensions: x509.Extension[] = [
    new x509.BasicConstraintsExtension(false, undefined, true),
    new x509.KeyUsagesExtension(keyUsage, true),
    await x509.SubjectKeyIdentifierExtension.create(spki),
    new x509.AuthorityKeyIdentifierExtension(issuerKeyId),
  ];
  if (extendedKeyUsage) {
    extensions.push(
      new x509.ExtendedKeyUsageExtension(extendedKeyUsage, extendedKeyUsageCritical === true),
    );
  }
  // Where relying parties fetch the issuer's CRL (RFC 5280 §4.2.1.13); non-critical.
  if (crlDistributionPoint !== undefined) {
    extensions.push(new x509.CRLDistributionPointsExtension([crlDistributionPoint]));
  }
  return extensions;
}
