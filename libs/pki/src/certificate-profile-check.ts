import type { X509Certificate } from 'node:crypto';
import { type CertificateProfile, LEAF_PROFILES } from './certificate-profiles';
import { x509 } from './x509-provider';

/**
 * What keeps `certificate` from being a `profile` certificate as MXG defines it, or undefined
 * when nothing does: not a CA, key usage exactly the profile's, extended key usage exactly the
 * profile's purposes. Exact, not "at least": a key that may also do something else (sign
 * messages, decrypt, issue certificates) is not a key for this one purpose.
 */
export function certificateProfileProblem(
  certificate: X509Certificate,
  profile: CertificateProfile,
): string | undefined {
  const expected = LEAF_PROFILES[profile];
  let parsed: x509.X509Certificate;
  try {
    parsed = new x509.X509Certificate(certificate.raw);
  } catch {
    return 'its extensions cannot be read';
  }
  if (certificate.ca || parsed.getExtension(x509.BasicConstraintsExtension)?.ca === true) {
    return 'it is a CA certificate';
  }
  const keyUsage = parsed.getExtension(x509.KeyUsagesExtension)?.usages;
  if (keyUsage !== expected.keyUsage) {
    return `its key usage is ${keyUsageNames(keyUsage)}, not ${keyUsageNames(expected.keyUsage)}`;
  }
  const purposes = extendedKeyUsageOf(certificate);
  const wanted = expected.extendedKeyUsage ?? [];
  if (purposes.length !== wanted.length || wanted.some((p) => !purposes.includes(p))) {
    return `its extended key usage is ${purposes.length > 0 ? purposes.join(', ') : 'absent'}, not ${wanted.join(', ') || 'absent'} (the ${profile} profile)`;
  }
  return undefined;
}

/**
 * Read by node (OpenSSL), not @peculiar/x509: its decoder garbles an arc as long as a UUID's,
 * e.g. the audit key purpose. `keyUsage` is what node 20 calls the extended key usage; later
 * versions name it `extKeyUsage`.
 */
function extendedKeyUsageOf(certificate: X509Certificate): string[] {
  const node = certificate as X509Certificate & { extKeyUsage?: string[] };
  return [...(node.extKeyUsage ?? node.keyUsage ?? [])];
}

function keyUsageNames(flags: number | undefined): string {
  if (flags === undefined) return 'absent';
  const names = Object.entries(x509.KeyUsageFlags)
    .filter(([name, bit]) => typeof bit === 'number' && Number.isNaN(Number(name)))
    .filter(([, bit]) => (flags & (bit as number)) !== 0)
    .map(([name]) => name);
  return names.length > 0 ? names.join('+') : 'empty';
}
