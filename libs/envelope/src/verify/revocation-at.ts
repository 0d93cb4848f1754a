import type { X509Certificate } from 'node:crypto';
import { crlSerial } from '@mxg/cms';
import type { ArchivedCrl } from '../trust/trust-store';

/** What the archived CRLs say of a certificate at one moment, and on what they base it. */
export type RevocationAt =
  | { readonly status: 'good'; readonly basis: readonly ArchivedCrl[] }
  | {
      readonly status: 'revoked';
      readonly revokedAt: Date;
      readonly basis: readonly ArchivedCrl[];
    }
  | { readonly status: 'unknown'; readonly reason: string };

/**
 * Revocation of `certificate` as of `at` (a signing time), judged from every CRL version of
 * its issuer archived so far — for a certificate that has expired since, too.
 *
 * A CRL *covers* `at` when `at` lies in [thisUpdate, nextUpdate), or when it was issued after
 * `at` while the certificate was still unexpired at its thisUpdate: a CA lists a revoked
 * certificate until it expires and may drop it afterwards (RFC 5280 §3.3), so a later CRL
 * speaks for an unexpired certificate's past and an expired one's only up to its expiry.
 * Revoked iff a covering CRL lists the serial with a revocation date at or before `at`; good
 * iff at least one covering CRL exists and none says revoked; otherwise unknown — a verdict
 * never rests on a CRL that did not cover the time.
 *
 * `crls` must be CRLs of the certificate's issuer, validated (the trust store archives only
 * those signed by the party's CA).
 */
export function revocationAt(
  certificate: X509Certificate,
  crls: readonly ArchivedCrl[],
  at: Date,
): RevocationAt {
  const time = at.getTime();
  const notAfter = Date.parse(certificate.validTo);
  const serial = crlSerial(certificate.serialNumber);
  const covering = crls.filter((crl) => covers(crl, time, notAfter));
  if (covering.length === 0) {
    return {
      status: 'unknown',
      reason:
        crls.length === 0
          ? 'no CRL of the issuer is archived'
          : `none of the ${crls.length} archived CRL(s) of the issuer covers ${at.toISOString()}`,
    };
  }
  let revokedAt: Date | undefined;
  const saying: ArchivedCrl[] = [];
  for (const crl of covering) {
    const revocationDate = entriesOf(crl).get(serial);
    if (revocationDate && revocationDate.getTime() <= time) {
      saying.push(crl);
      if (!revokedAt || revocationDate < revokedAt) revokedAt = revocationDate;
    }
  }
  return revokedAt
    ? { status: 'revoked', revokedAt, basis: saying }
    : { status: 'good', basis: covering };
}

/** Each CRL's entries by serial, built once: archived CRLs live as long as the process. */
const entries = new WeakMap<ArchivedCrl['info'], ReadonlyMap<string, Date>>();

function entriesOf(crl: ArchivedCrl): ReadonlyMap<string, Date> {
  let map = entries.get(crl.info);
  if (!map) {
    map = new Map(crl.info.revoked.map((e) => [e.serialNumber, e.revocationDate]));
    entries.set(crl.info, map);
  }
  return map;
}

function covers(crl: ArchivedCrl, time: number, notAfter: number): boolean {
  const thisUpdate = crl.info.thisUpdate.getTime();
  const nextUpdate = crl.info.nextUpdate?.getTime();
  if (thisUpdate <= time) return nextUpdate !== undefined && time < nextUpdate;
  // Issued after `at`: it still lists the certificate if it was revoked, unless expired by then.
  return thisUpdate <= notAfter;
}

/** "CRL 3 (issued …, fetched … from …)", for reports: numbers, times and sources only. */
export function describeCrl(crl: ArchivedCrl): string {
  const number = crl.info.crlNumber === undefined ? '(unnumbered)' : String(crl.info.crlNumber);
  return `CRL ${number} of ${crl.info.thisUpdate.toISOString()}`;
}
