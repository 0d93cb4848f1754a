import type { X509Certificate } from 'node:crypto';
import { readFileSync, statSync } from 'node:fs';
import { type CrlInfo, readCrl } from '@mxg/cms';

/** Where a trust store reports what it did with a CRL file: paths, parties and numbers only. */
export type TrustLog = (level: 'log' | 'warn', message: string) => void;

interface CrlInUse {
  readonly pem: string;
  readonly info: CrlInfo;
}

/**
 * One party's CRL file, followed for as long as the process runs, so that `mxg pki revoke`
 * (or a CRL an operator drops in place) bites on the next decision without a restart.
 *
 * Every `current()` looks at the file (one stat, a few microseconds: cheaper than anything
 * else in a signature check, so it is done before every decision rather than on a timer)
 * and reads it again only when its inode, size, mtime or ctime changed. A CRL read from it
 * is taken into use only if it parses, is signed by the party's CA and is newer than the one
 * in use (a higher CRL number, not issued earlier). Anything else — half a file, garbage,
 * another CA's CRL, an older CRL put back, the file gone — is logged once and changes
 * nothing: the last good CRL stays in use until its nextUpdate passes, after which revocation
 * is "could not check" (REVOCATION_STATUS_UNKNOWN), never "not revoked".
 */
export class CrlFile {
  private inUse: CrlInUse | undefined;
  /** The file as last looked at: device, inode, size, mtime, ctime; or why it could not be. */
  private seen: string | undefined;

  constructor(
    private readonly path: string,
    private readonly party: string,
    private readonly issuers: readonly X509Certificate[],
    private readonly log: TrustLog,
  ) {
    this.refresh();
  }

  /** The CRL in use, once the file has been looked at: none, or the last good one. */
  current(): readonly string[] {
    this.refresh();
    return this.inUse ? [this.inUse.pem] : [];
  }

  private refresh(): void {
    let seen = 'absent';
    let pem: string | undefined;
    let problem = 'is missing';
    try {
      const stats = statSync(this.path, { throwIfNoEntry: false });
      if (stats) seen = `${stats.dev}:${stats.ino}:${stats.size}:${stats.mtimeMs}:${stats.ctimeMs}`;
      if (seen === this.seen) return;
      // Stat before reading: a write that lands in between changes the stat again, so the
      // file is read once more at the next decision.
      if (stats) pem = readFileSync(this.path, 'utf8');
    } catch (error) {
      problem = `cannot be read (${(error as { code?: string }).code ?? 'error'})`;
      if (seen === 'absent') seen = problem;
      if (seen === this.seen) return;
    }
    this.seen = seen;
    if (pem === undefined) this.refuse(problem);
    else if (pem !== this.inUse?.pem) this.consider(pem);
  }

  private consider(pem: string): void {
    let info: CrlInfo;
    try {
      info = readCrl(pem, this.issuers);
    } catch {
      return this.refuse('is not a CRL (or not a whole one)');
    }
    if (!info.issuedByTrusted) return this.refuse(`is not a CRL signed by ${this.party}'s CA`);
    if (!info.extensionsUnderstood) {
      return this.refuse('has a critical extension MXG cannot honour (delta or indirect CRL)');
    }
    const older = this.inUse && notNewer(info, this.inUse.info);
    if (older) return this.refuse(older);
    const replaced = this.inUse;
    this.inUse = { pem, info };
    this.log(
      'log',
      `${this.party}'s CRL ${describe(info)} taken into use from ${this.path}${replaced ? `, replacing CRL ${numberOf(replaced.info)}` : ''}`,
    );
  }

  private refuse(why: string): void {
    const kept = this.inUse
      ? `keeping CRL ${describe(this.inUse.info)}`
      : `no CRL of ${this.party} is in use: revocation cannot be checked`;
    this.log('warn', `${this.party}'s CRL file ${this.path} ${why}; ${kept}`);
  }
}

/** Why `candidate` may not replace `inUse` (RFC 5280 §5.2.3: CRL numbers only increase). */
function notNewer(candidate: CrlInfo, inUse: CrlInfo): string | undefined {
  if (inUse.crlNumber !== undefined) {
    if (candidate.crlNumber === undefined) return 'has no CRL number, unlike the CRL in use';
    if (candidate.crlNumber <= inUse.crlNumber) {
      return `has CRL number ${candidate.crlNumber}, not above the ${inUse.crlNumber} in use`;
    }
  } else if (
    candidate.crlNumber === undefined &&
    candidate.thisUpdate.getTime() <= inUse.thisUpdate.getTime()
  ) {
    return 'was not issued after the CRL in use';
  }
  if (candidate.thisUpdate.getTime() < inUse.thisUpdate.getTime()) {
    return `was issued (${candidate.thisUpdate.toISOString()}) before the CRL in use`;
  }
  return undefined;
}

function numberOf(info: CrlInfo): string {
  return info.crlNumber === undefined ? '(unnumbered)' : String(info.crlNumber);
}

function describe(info: CrlInfo): string {
  const next = info.nextUpdate ? `, next update ${info.nextUpdate.toISOString()}` : '';
  return `${numberOf(info)} (${info.revokedCount} revoked, issued ${info.thisUpdate.toISOString()}${next})`;
}
