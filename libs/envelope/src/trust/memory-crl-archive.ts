import type { ArchivedCrl, CrlArchive } from './trust-store';

/**
 * The CRL archive of a process that keeps nothing: every version offered while it runs, per
 * party, oldest first. The gateway's archive persists them instead (and loads them at start).
 */
export class MemoryCrlArchive implements CrlArchive {
  private readonly crls = new Map<string, ArchivedCrl[]>();

  of(party: string): readonly ArchivedCrl[] {
    return this.crls.get(party) ?? [];
  }

  add(crl: ArchivedCrl): void {
    const kept = this.crls.get(crl.party) ?? [];
    if (kept.some((k) => Buffer.compare(k.der, crl.der) === 0)) return;
    kept.push(crl);
    kept.sort(byIssue);
    this.crls.set(crl.party, kept);
  }
}

/** Oldest first: by thisUpdate, then CRL number. */
export function byIssue(a: ArchivedCrl, b: ArchivedCrl): number {
  const time = a.info.thisUpdate.getTime() - b.info.thisUpdate.getTime();
  if (time !== 0) return time;
  const an = a.info.crlNumber ?? -1n;
  const bn = b.info.crlNumber ?? -1n;
  return an < bn ? -1 : an > bn ? 1 : 0;
}
