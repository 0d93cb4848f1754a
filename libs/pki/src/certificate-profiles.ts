import { isIP } from 'node:net';
import { PkiError } from './pki-error';
import { x509 } from './x509-provider';

/** End-entity profiles; the root CA has its own fixed profile below. */
export type CertificateProfile =
  'seal' | 'encryption' | 'audit-checkpoint' | 'signatory' | 'tls-server' | 'tls-client';

/**
 * The names a TLS server certificate carries (subjectAltName): clients check the host they
 * dialled against them (RFC 6125). IP addresses go in as iPAddress entries, never as DNS names.
 */
export interface TlsServerNames {
  dns: string[];
  ip: string[];
}

/** #15: the development services listen on the loopback interface only. */
export const DEFAULT_TLS_SERVER_NAMES: Readonly<TlsServerNames> = Object.freeze({
  dns: ['localhost'],
  ip: ['127.0.0.1'],
});

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
  /** A TLS server: the certificate must name the hosts it serves (subjectAltName). */
  serverNames?: boolean;
}

const { digitalSignature, nonRepudiation, keyEncipherment, keyCertSign, cRLSign } =
  x509.KeyUsageFlags;
const { emailProtection, serverAuth, clientAuth } = x509.ExtendedKeyUsage;

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
  // #15: transport keys. digitalSignature only (ECDHE key exchange signs the handshake; no
  // keyEncipherment, as the keys are EC). No emailProtection: OpenSSL's `cms -verify` and the
  // gateway's own profile checks refuse them as message signers, so a TLS key that leaks from a
  // broker or a web server cannot seal a message.
  'tls-server': {
    keyUsage: digitalSignature,
    extendedKeyUsage: [serverAuth],
    rsaOnly: false,
    serverNames: true,
  },
  'tls-client': { keyUsage: digitalSignature, extendedKeyUsage: [clientAuth], rsaOnly: false },
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
  serverNames: Readonly<TlsServerNames> = DEFAULT_TLS_SERVER_NAMES,
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
  if (LEAF_PROFILES[profile].serverNames === true) {
    extensions.push(subjectAltNames(serverNames));
  }
  // Where relying parties fetch the issuer's CRL (RFC 5280 §4.2.1.13); non-critical.
  if (crlDistributionPoint !== undefined) {
    extensions.push(new x509.CRLDistributionPointsExtension([crlDistributionPoint]));
  }
  return extensions;
}

/** Non-critical: the subject is not empty (RFC 5280 §4.2.1.6). */
function subjectAltNames(names: Readonly<TlsServerNames>): x509.SubjectAlternativeNameExtension {
  if (names.dns.length + names.ip.length === 0) {
    throw new PkiError('PKI_INVALID_REQUEST', 'a TLS server certificate needs at least one name');
  }
  for (const ip of names.ip) {
    if (isIP(ip) === 0) {
      throw new PkiError('PKI_INVALID_REQUEST', `'${ip}' is not an IP address`);
    }
  }
  for (const dns of names.dns) {
    if (
      !/^(\*\.)?[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?(\.[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*$/.test(
        dns,
      )
    ) {
      throw new PkiError('PKI_INVALID_REQUEST', `'${dns}' is not a DNS name`);
    }
  }
  return new x509.SubjectAlternativeNameExtension([
    ...names.dns.map((value) => ({ type: 'dns' as const, value })),
    ...names.ip.map((value) => ({ type: 'ip' as const, value })),
  ]);
}

/**
 * The names as node (OpenSSL) prints them: `DNS:localhost, IP Address:127.0.0.1`; an IPv6
 * address in full (`::1` is `0:0:0:0:0:0:0:1`), so that a planned name compares equal to the
 * certificate's.
 */
export function subjectAltNameText(names: Readonly<TlsServerNames>): string {
  return [
    ...names.dns.map((d) => `DNS:${d}`),
    ...names.ip.map((i) => `IP Address:${isIP(i) === 6 ? expandIpv6(i) : i}`),
  ].join(', ');
}

function expandIpv6(address: string): string {
  let text = address.toLowerCase();
  // A trailing dotted quad (::ffff:1.2.3.4) is two more groups.
  const quad = /(\d+)\.(\d+)\.(\d+)\.(\d+)$/.exec(text);
  if (quad) {
    const [a, b, c, d] = quad.slice(1).map(Number);
    text = `${text.slice(0, quad.index)}${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`;
  }
  const [head, tail] = text.split('::');
  const left = head === '' ? [] : head.split(':');
  const right = tail === undefined || tail === '' ? [] : tail.split(':');
  const zeros = tail === undefined ? [] : Array<string>(8 - left.length - right.length).fill('0');
  return [...left, ...zeros, ...right].map((g) => parseInt(g, 16).toString(16)).join(':');
}
