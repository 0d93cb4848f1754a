import type { X509Certificate } from 'node:crypto';
import { type CrlInfo, readCrl } from '@mxg/cms';
import { EnvelopeError } from '../envelope.errors';
import { MemoryCrlArchive } from './memory-crl-archive';
import type { ArchivedCrl, CrlArchive, CrlOffer, PartyTrust, TrustStore } from './trust-store';

/** One party as a trust list holds it; the certificates are given, the CRLs are archived. */
export interface PartyCertificates {
  readonly party: string;
  readonly anchors: readonly X509Certificate[];
  /** Every seal generation (oldest first). */
  readonly seals: readonly X509Certificate[];
  /** Every encryption generation (oldest first). */
  readonly encryptionCertificates: readonly X509Certificate[];
  /** Called before the party's CRLs are read, so a followed file can offer a newer one. */
  readonly refreshCrls?: () => void;
}

export interface TrustListOptions {
  /** Where CRLs are archived; in memory unless given (the gateway passes its persistent one). */
  readonly archive?: CrlArchive;
  /** The clock that picks the encryption generation in force; the system clock by default. */
  readonly now?: () => Date;
}

/**
 * A trust store from certificates already read: per party its anchors and gateway certificate
 * generations, per signatory every certificate, and every CRL version offered, validated and
 * archived. FileTrustStore reads it from the certificates directory; `mxg verify --ca` builds
 * one from the files it is given.
 */
export class TrustList implements TrustStore {
  protected readonly archive: CrlArchive;
  private readonly now: () => Date;
  private readonly entries = new Map<string, PartyTrust>();
  private readonly refreshers = new Map<string, () => void>();
  private readonly signatories = new Map<string, X509Certificate[]>();

  constructor(options: TrustListOptions = {}) {
    this.archive = options.archive ?? new MemoryCrlArchive();
    this.now = options.now ?? (() => new Date());
  }

  /** Adds (or replaces) what is trusted of a party. */
  addParty(certificates: PartyCertificates): void {
    const { party, anchors, seals, encryptionCertificates } = certificates;
    const now = () => this.now();
    const archived = () => this.archived(party);
    if (certificates.refreshCrls) this.refreshers.set(party, certificates.refreshCrls);
    this.entries.set(party, {
      party,
      anchors,
      seals,
      encryptionCertificates,
      get encryption() {
        return newestInForce(encryptionCertificates, now());
      },
      get archive() {
        return archived();
      },
      get crls() {
        const newest = newestCrl(archived());
        return newest ? [newest.der] : [];
      },
    });
  }

  /** Adds a certificate registered for a signatory (MIG-9.3); the order given is kept. */
  addSignatoryCertificate(signatoryId: string, certificate: X509Certificate): void {
    const kept = this.signatories.get(signatoryId) ?? [];
    if (!kept.some((c) => c.raw.equals(certificate.raw))) kept.push(certificate);
    this.signatories.set(signatoryId, kept);
  }

  party(code: string): PartyTrust {
    const trust = this.entries.get(code);
    if (!trust) {
      throw new EnvelopeError('CERT_UNTRUSTED', `no trust anchor is configured for party ${code}`);
    }
    return trust;
  }

  parties(): readonly string[] {
    return [...this.entries.keys()];
  }

  offerCrl(party: string, der: Uint8Array, source: string, fetchedAt: Date): CrlOffer {
    const trust = this.entries.get(party);
    if (!trust) return { taken: false, known: false, reason: `no trust anchor of ${party}` };
    if (this.archive.of(party).some((c) => Buffer.compare(c.der, der) === 0)) {
      return { taken: false, known: true, reason: 'archived already' };
    }
    let info: CrlInfo;
    try {
      info = readCrl(der, trust.anchors);
    } catch {
      return { taken: false, known: false, reason: 'is not a CRL (or not a whole one)' };
    }
    if (!info.issuedByTrusted) {
      return { taken: false, known: false, reason: `is not a CRL signed by ${party}'s CA` };
    }
    if (!info.extensionsUnderstood) {
      return {
        taken: false,
        known: false,
        reason: 'has a critical extension MXG cannot honour (delta or indirect CRL)',
      };
    }
    const inconsistent = this.archive.of(party).find((kept) => outOfOrder(info, kept.info));
    if (inconsistent) {
      // RFC 5280 §5.2.3: CRL numbers increase with issue; one that breaks that is no evidence.
      return {
        taken: false,
        known: false,
        reason: `has CRL number ${info.crlNumber} but was issued (${info.thisUpdate.toISOString()}) out of order with CRL ${inconsistent.info.crlNumber} (${inconsistent.info.thisUpdate.toISOString()})`,
      };
    }
    const crl: ArchivedCrl = { party, der: Uint8Array.from(der), info, fetchedAt, source };
    this.archive.add(crl);
    return { taken: true, crl };
  }

  signatoryCertificates(signatoryId: string): readonly X509Certificate[] {
    return this.signatories.get(signatoryId) ?? [];
  }

  signatoryCertificate(signatoryId: string): X509Certificate | undefined {
    return (
      newestInForce(this.signatoryCertificates(signatoryId), this.now()) ??
      this.signatoryCertificates(signatoryId).at(-1)
    );
  }

  private archived(party: string): readonly ArchivedCrl[] {
    this.refreshers.get(party)?.();
    return this.archive.of(party);
  }
}

/** The newest CRL: the highest CRL number (RFC 5280 §5.2.3), else the latest issued. */
export function newestCrl(crls: readonly ArchivedCrl[]): ArchivedCrl | undefined {
  let newest: ArchivedCrl | undefined;
  for (const crl of crls) {
    if (!newest || newer(crl.info, newest.info)) newest = crl;
  }
  return newest;
}

/** Numbered CRLs whose numbers and issue times disagree on which came first. */
function outOfOrder(a: CrlInfo, b: CrlInfo): boolean {
  if (a.crlNumber === undefined || b.crlNumber === undefined) return false;
  const byNumber = a.crlNumber > b.crlNumber ? 1 : a.crlNumber < b.crlNumber ? -1 : 0;
  const byTime = Math.sign(a.thisUpdate.getTime() - b.thisUpdate.getTime());
  return byNumber !== 0 && byTime !== 0 && byNumber !== byTime;
}

function newer(a: CrlInfo, b: CrlInfo): boolean {
  if (a.crlNumber !== undefined && b.crlNumber !== undefined && a.crlNumber !== b.crlNumber) {
    return a.crlNumber > b.crlNumber;
  }
  return a.thisUpdate.getTime() > b.thisUpdate.getTime();
}

/**
 * Of several generations, the one to use now: valid now, and of those the one issued last
 * (the latest notBefore) — a rotation's successor once it has begun.
 */
export function newestInForce(
  certificates: readonly X509Certificate[],
  at: Date,
): X509Certificate | undefined {
  let chosen: X509Certificate | undefined;
  for (const certificate of certificates) {
    const from = Date.parse(certificate.validFrom);
    if (from > at.getTime() || Date.parse(certificate.validTo) < at.getTime()) continue;
    if (!chosen || from >= Date.parse(chosen.validFrom)) chosen = certificate;
  }
  return chosen;
}
