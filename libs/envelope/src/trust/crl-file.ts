import { readFileSync, statSync } from 'node:fs';
import type { CrlInfo } from '@mxg/cms';
import type { ArchivedCrl, CrlOffer } from './trust-store';

/** Where a trust store reports what it did with a CRL file: paths, parties and numbers only. */
export type TrustLog = (level: 'log' | 'warn', message: string) => void;

/**
 * One party's CRL file, followed for as long as the process runs, so that `mxg pki revoke`
 * (or a CRL an operator drops in place) bites on the next decision without a restart.
 *
 * Every `refresh()` looks at the file (one stat, a few microseconds: cheaper than anything
 * else in a signature check, so it is done before every decision rather than on a timer)
 * and reads it again only when its inode, size, mtime or ctime changed. A CRL read from it is
 * offered to the trust store, which archives it if it is the party's CA's (an older version
 * too: it still answers for the times it covered); the newest archived is the one in use.
 * Anything else — half a file, garbage, another CA's CRL, the file gone — is logged once and
 * changes nothing: revocation is then judged from the CRLs archived so far, and "could not
 * check" (REVOCATION_STATUS_UNKNOWN) once none covers the time in question.
 */
export class CrlFile {
  /** The file as last looked at: device, inode, size, mtime, ctime; or why it could not be. */
  private seen: string | undefined;
  private lastText: string | undefined;

  constructor(
    private readonly path: string,
    private readonly party: string,
    private readonly offer: (der: Uint8Array, source: string) => CrlOffer,
    /** The party's CRL in use (the newest archived). */
    private readonly newest: () => ArchivedCrl | undefined,
    private readonly log: TrustLog,
  ) {
    this.refresh();
  }

  refresh(): void {
    let seen = 'absent';
    let text: string | undefined;
    let problem = 'is missing';
    try {
      const stats = statSync(this.path, { throwIfNoEntry: false });
      if (stats) seen = `${stats.dev}:${stats.ino}:${stats.size}:${stats.mtimeMs}:${stats.ctimeMs}`;
      if (seen === this.seen) return;
      // Stat before reading: a write that lands in between changes the stat again, so the
      // file is read once more at the next decision.
      if (stats) text = readFileSync(this.path, 'latin1');
    } catch (error) {
      problem = `cannot be read (${(error as { code?: string }).code ?? 'error'})`;
      if (seen === 'absent') seen = problem;
      if (seen === this.seen) return;
    }
    this.seen = seen;
    if (text === undefined) return this.refuse(problem);
    if (text === this.lastText) return;
    this.lastText = text;
    const der = crlDer(text);
    if (!der) return this.refuse('is not a CRL (or not a whole one)');
    const before = this.inUse();
    const offer = this.offer(der, `file:${this.path}`);
    if (!offer.taken) {
      if (!offer.known) this.refuse(offer.reason);
      return;
    }
    const { info } = offer.crl;
    const now = this.newest();
    if (now && Buffer.compare(now.der, offer.crl.der) === 0) {
      const replacing = before ? `, replacing CRL ${numberOf(before)}` : '';
      this.log(
        'log',
        `${this.party}'s CRL ${describe(info)} taken into use from ${this.path}${replacing}`,
      );
    } else {
      // An older version: evidence for the times it covered, not a replacement.
      this.log(
        'log',
        `${this.party}'s CRL ${describe(info)} archived from ${this.path}; CRL ${numberOf(this.inUse()!)} stays in use`,
      );
    }
  }

  private inUse(): CrlInfo | undefined {
    return this.newest()?.info;
  }

  private refuse(why: string): void {
    const inUse = this.inUse();
    const kept = inUse
      ? `keeping CRL ${describe(inUse)}`
      : `no CRL of ${this.party} is in use: revocation cannot be checked`;
    this.log('warn', `${this.party}'s CRL file ${this.path} ${why}; ${kept}`);
  }
}

/** PEM ('X509 CRL') or DER bytes as DER; undefined when it is neither. */
export function crlDer(text: string): Uint8Array | undefined {
  const pem = /-----BEGIN X509 CRL-----([A-Za-z0-9+/=\s]+)-----END X509 CRL-----/.exec(text);
  if (pem) return Buffer.from(pem[1].replace(/\s+/g, ''), 'base64');
  const bytes = Buffer.from(text, 'latin1');
  return bytes.length > 0 && bytes[0] === 0x30 ? bytes : undefined;
}

function numberOf(info: CrlInfo): string {
  return info.crlNumber === undefined ? '(unnumbered)' : String(info.crlNumber);
}

function describe(info: CrlInfo): string {
  const number = numberOf(info);
  const next = info.nextUpdate ? `, next update ${info.nextUpdate.toISOString()}` : '';
  return `${number} (${info.revokedCount} revoked, issued ${info.thisUpdate.toISOString()}${next})`;
}
