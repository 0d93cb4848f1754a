import { Inject, Injectable } from '@nestjs/common';
import { MxgConfigService } from '@mxg/config';
import { Clock } from '@mxg/core';
import type { TrustStore } from '@mxg/envelope';
import { TRUST_STORE } from '../envelope/envelope.constants';
import { CrlFetcher } from './crl-fetcher';
import { newestCrl } from './newest-crl';

/**
 * `fresh`; `stale-soon` within `trust.crlStaleWarningSeconds` of its nextUpdate; `stale` past it
 * (revocation can then no longer be checked for new signatures); `none`: no CRL of the party.
 */
export type CrlFreshness = 'fresh' | 'stale-soon' | 'stale' | 'none';

export interface PartyCrlHealth {
  readonly status: CrlFreshness;
  /** Of the newest CRL (decimal; CRL numbers may exceed 2^53). */
  readonly crlNumber: string | null;
  readonly thisUpdate: string | null;
  readonly nextUpdate: string | null;
  /** Where this gateway got it: 'url:…', 'file:…'. */
  readonly source: string | null;
  readonly fetchedAt: string | null;
  /** Serials of every seal and encryption certificate generation trusted for the party. */
  readonly certificates: { readonly seals: string[]; readonly encryption: string[] };
  /** The last fetch from the party's CRL distribution point, for peers. */
  readonly lastFetch?: { readonly url: string; readonly at: string; readonly outcome: string };
}

export interface TrustListHealthReport {
  readonly status: 'ok' | 'degraded';
  readonly parties: Readonly<Record<string, PartyCrlHealth>>;
}

/**
 * The trust list as `/health` reports it: per trusted party its newest CRL and how fresh it is.
 * Degraded when any party's newest CRL is close to its nextUpdate or past it, or missing:
 * signatures from then on could only be judged "could not check".
 */
@Injectable()
export class TrustListHealth {
  constructor(
    @Inject(TRUST_STORE) private readonly trust: TrustStore,
    private readonly fetcher: CrlFetcher,
    private readonly config: MxgConfigService,
    private readonly clock: Clock,
  ) {}

  report(): TrustListHealthReport {
    const now = this.clock.now().getTime();
    const warningMs = this.config.gateway.trust.crlStaleWarningSeconds * 1000;
    const parties: Record<string, PartyCrlHealth> = {};
    for (const party of [...this.trust.parties()].sort()) {
      const trust = this.trust.party(party);
      const newest = newestCrl(trust.archive);
      const next = newest?.info.nextUpdate;
      const status: CrlFreshness = !newest
        ? 'none'
        : next === undefined
          ? 'fresh'
          : next.getTime() <= now
            ? 'stale'
            : next.getTime() - now <= warningMs
              ? 'stale-soon'
              : 'fresh';
      const fetch = this.fetcher.state(party);
      parties[party] = {
        status,
        crlNumber: newest?.info.crlNumber?.toString() ?? null,
        thisUpdate: newest?.info.thisUpdate.toISOString() ?? null,
        nextUpdate: next?.toISOString() ?? null,
        source: newest?.source ?? null,
        fetchedAt: newest?.fetchedAt.toISOString() ?? null,
        certificates: {
          seals: trust.seals.map((c) => c.serialNumber),
          encryption: trust.encryptionCertificates.map((c) => c.serialNumber),
        },
        ...(fetch
          ? { lastFetch: { url: fetch.url, at: fetch.at.toISOString(), outcome: fetch.outcome } }
          : {}),
      };
    }
    const degraded = Object.values(parties).some((p) => p.status !== 'fresh');
    return { status: degraded ? 'degraded' : 'ok', parties };
  }
}
