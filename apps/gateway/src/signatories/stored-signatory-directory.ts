import type { X509Certificate } from 'node:crypto';
import type { SignatoryDirectory, SignatoryEntry } from '@mxg/envelope';
import { localDate } from '@mxg/lifecycle';
import type { SignatoryListVersion } from './signatory-list.types';

/** Where the list in force for an authority at a time comes from. */
export type ListInForce =
  | { readonly source: 'configuration' }
  | { readonly source: 'message'; readonly list: SignatoryListVersion };

/**
 * MIG-9.3, MIG-9.4: who may sign for an authority, when — the gateway's directory. For authority
 * A at time T the list in force is the highest version applied here whose effective date is on
 * or before T's calendar day in A's time zone; before A's first such version, configuration
 * (`signatories.yaml`, each person from `validFrom` to `validTo`) answers. Every version is kept,
 * so a message signed before a person was removed still verifies after, and one signed after does
 * not. Held in memory: loaded at start from the history table, added to as versions are applied.
 */
export class StoredSignatoryDirectory implements SignatoryDirectory {
  private readonly versions = new Map<string, SignatoryListVersion[]>();

  constructor(
    private readonly configured: SignatoryDirectory,
    private readonly timeZoneOf: (authority: string) => string,
    versions: readonly SignatoryListVersion[] = [],
  ) {
    for (const version of versions) this.add(version);
  }

  /** Applies a version (idempotent per message: a version already held is not added twice). */
  add(version: SignatoryListVersion): void {
    const held = this.versions.get(version.authority) ?? [];
    if (held.some((v) => v.messageId === version.messageId)) return;
    // Ordered by version, then by when it was applied (copies of one version to two authorities).
    const next = [...held, version].sort(
      (a, b) => a.version - b.version || a.appliedAt.getTime() - b.appliedAt.getTime(),
    );
    this.versions.set(version.authority, next);
  }

  /** Every version applied for `authority`, lowest first. */
  history(authority: string): readonly SignatoryListVersion[] {
    return this.versions.get(authority) ?? [];
  }

  /** The highest version applied for `authority`, if any. */
  latestVersion(authority: string): SignatoryListVersion | undefined {
    return this.history(authority).at(-1);
  }

  /** The list in force for `authority` at `at` (MIG-9.4: from its effective date). */
  inForce(authority: string, at: Date): ListInForce {
    const day = localDate(at, this.timeZoneOf(authority));
    const list = this.history(authority)
      .filter((v) => v.effectiveFrom <= day)
      .at(-1);
    return list ? { source: 'message', list } : { source: 'configuration' };
  }

  /** The authority's signatories as configuration has them, with their configured certificates. */
  configuredEntries(authority: string): readonly SignatoryEntry[] {
    return this.configured.known(authority);
  }

  known(authority: string): readonly SignatoryEntry[] {
    const byId = new Map<string, X509Certificate[]>();
    const addAll = (id: string, certificates: readonly X509Certificate[]) => {
      const held = byId.get(id) ?? [];
      for (const c of certificates) if (!held.some((h) => h.raw.equals(c.raw))) held.push(c);
      byId.set(id, held);
    };
    for (const entry of this.configured.known(authority)) addAll(entry.id, entry.certificates);
    for (const version of this.history(authority)) {
      for (const s of version.signatories) addAll(s.id, s.certificates);
    }
    return [...byId].map(([id, certificates]) => ({ id, authority, certificates }));
  }

  isAuthorised(
    signatoryId: string,
    authority: string,
    at: Date,
    certificate: X509Certificate,
  ): boolean {
    const inForce = this.inForce(authority, at);
    if (inForce.source === 'configuration') {
      return this.configured.isAuthorised(signatoryId, authority, at, certificate);
    }
    return inForce.list.signatories.some(
      (s) => s.id === signatoryId && s.certificates.some((c) => c.raw.equals(certificate.raw)),
    );
  }
}
