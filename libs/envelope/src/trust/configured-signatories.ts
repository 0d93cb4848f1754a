import type { X509Certificate } from 'node:crypto';
import type { TreatyRegistry } from '@mxg/config';
import type { SignatoryDirectory, SignatoryEntry, TrustStore } from './trust-store';

/**
 * The signatory lists of configuration (`signatories.yaml`, MIG-9.3): each signatory authorised
 * from `validFrom` to `validTo`, with every certificate configured for them. The default
 * directory wherever no list has been received as a message.
 */
export function configuredSignatories(
  treaty: TreatyRegistry,
  trust: Pick<TrustStore, 'signatoryCertificates'>,
): SignatoryDirectory {
  // Configuration and certificates are read once: the entries do not change while it runs.
  const byAuthority = new Map<string, readonly SignatoryEntry[]>();
  const known = (authority: string): readonly SignatoryEntry[] => {
    let entries = byAuthority.get(authority);
    if (!entries) {
      entries = treaty.signatoriesOf(authority).map((s) => ({
        id: s.id,
        authority: s.authority,
        certificates: trust.signatoryCertificates(s.id),
      }));
      byAuthority.set(authority, entries);
    }
    return entries;
  };
  return {
    known,
    isAuthorised(signatoryId: string, authority: string, at: Date, certificate: X509Certificate) {
      return (
        treaty.isSignatoryAuthorised(signatoryId, authority, at) &&
        known(authority).some(
          (s) => s.id === signatoryId && s.certificates.some((c) => c.raw.equals(certificate.raw)),
        )
      );
    },
  };
}
