import type { X509Certificate } from 'node:crypto';
import type { Names } from '@mxg/config';

/** One person on a version of an authority's list (MIG-9.3): ids, position and certificates. */
export interface ListedSignatory {
  readonly id: string;
  readonly position: Names;
  /** Every certificate registered for them in this version (renewals), oldest first. */
  readonly certificates: readonly X509Certificate[];
}

/**
 * MIG-9.3, MIG-9.4: one version of a competent authority's signatory list, as a
 * `signatory-list-update` carried it — received from the authority's party, or sent by this
 * gateway's own authority. In force from `effectiveFrom` (a day in the authority's time zone)
 * until a higher version's effective date.
 */
export interface SignatoryListVersion {
  readonly authority: string;
  readonly version: number;
  readonly effectiveFrom: string;
  /** SHA-256 (hex) of the list as the message stated it (`signatoryListDigest`). */
  readonly listSha256: string;
  readonly signatories: readonly ListedSignatory[];
  /** The message that carried it, and which way it went. */
  readonly messageId: string;
  readonly direction: 'sent' | 'received';
  readonly toAuthority: string;
  /** The inner (signatory's) signing time of that message. */
  readonly signedAt: Date;
  readonly appliedAt: Date;
}
