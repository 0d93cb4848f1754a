import {
  Inject,
  Injectable,
  Logger,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
} from '@nestjs/common';
import { MxgConfigService } from '@mxg/config';
import { Clock } from '@mxg/core';
import { crlDer, type TrustStore } from '@mxg/envelope';
import { crlDistributionPointUrls } from '@mxg/pki';
import { TRUST_STORE } from '../envelope/envelope.constants';
import { nextFetchDelayMs } from './crl-refresh-schedule';
import { newestCrl } from './newest-crl';
import { PersistentCrlArchive } from './persistent-crl-archive';
import { CRL_ARCHIVE } from './trust.constants';

const FETCH_TIMEOUT_MS = 10_000;
/** A CRL larger than this is refused unread: development CRLs are a few hundred bytes. */
const MAX_CRL_BYTES = 16 * 1024 * 1024;

/** What the last fetch of a party's CRL came to: for `/health` and the logs. */
export interface CrlFetchState {
  readonly url: string;
  readonly at: Date;
  /** 'archived' (a new version), 'unchanged', or why it failed: an HTTP status, a network error code, a refusal. */
  readonly outcome: string;
  readonly failures: number;
}

/**
 * Keeps every trusted peer's CRL fresh from the CRL distribution point its certificates name
 * (RFC 5280 §4.2.1.13): fetched at start, again at 80 % of the CRL's thisUpdate→nextUpdate
 * span (at most MXG_CRL_REFRESH_MS later), and retried with doubling waits after a failure.
 * Each CRL fetched is offered to the trust store, which takes it only if the party's CA signed
 * it, and archives every new version (PersistentCrlArchive): a revocation at a peer bites here
 * with no restart and no file copied. Logs name the party, the URL and a status — nothing else.
 * The gateway's own CRL is not fetched: it is the file `mxg pki revoke` writes, followed as is.
 */
@Injectable()
export class CrlFetcher implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(CrlFetcher.name);
  private readonly timers = new Map<string, NodeJS.Timeout>();
  private readonly states = new Map<string, CrlFetchState>();
  private readonly running = new Map<string, Promise<void>>();
  private stopped = false;

  constructor(
    @Inject(TRUST_STORE) private readonly trust: TrustStore,
    @Inject(CRL_ARCHIVE) private readonly archive: PersistentCrlArchive,
    private readonly config: MxgConfigService,
    private readonly clock: Clock,
  ) {}

  onApplicationBootstrap(): void {
    for (const party of this.peers()) this.schedule(party, 0);
  }

  async onApplicationShutdown(): Promise<void> {
    this.stopped = true;
    for (const timer of this.timers.values()) clearTimeout(timer);
    this.timers.clear();
    await Promise.all(this.running.values());
    await this.archive.flush();
  }

  /** The last fetch of each party's CRL. */
  state(party: string): CrlFetchState | undefined {
    return this.states.get(party);
  }

  /** Peers whose certificates name a CRL distribution point. */
  private peers(): string[] {
    const self = this.config.gateway.party;
    return this.trust.parties().filter((party) => {
      if (party === self) return false;
      if (this.urlsOf(party).length > 0) return true;
      this.logger.warn(
        `${party}'s certificates name no CRL distribution point: its CRL is not fetched`,
      );
      return false;
    });
  }

  private urlsOf(party: string): string[] {
    const trust = this.trust.party(party);
    const urls = new Set<string>();
    // Newest generations first: after a move, the newest certificates name the new place.
    for (const certificate of [...trust.seals, ...trust.encryptionCertificates].reverse()) {
      for (const url of crlDistributionPointUrls(certificate)) urls.add(url);
    }
    return [...urls];
  }

  private schedule(party: string, delayMs: number): void {
    if (this.stopped) return;
    const timer = setTimeout(() => {
      this.timers.delete(party);
      const run = this.refresh(party).finally(() => this.running.delete(party));
      this.running.set(party, run);
    }, delayMs);
    timer.unref();
    this.timers.set(party, timer);
  }

  private async refresh(party: string): Promise<void> {
    const previous = this.states.get(party);
    let state: CrlFetchState | undefined;
    for (const url of this.urlsOf(party)) {
      const outcome = await this.fetchFrom(party, url);
      state = {
        url,
        at: this.clock.now(),
        outcome,
        failures: isSuccess(outcome) ? 0 : (previous?.failures ?? 0) + 1,
      };
      if (isSuccess(outcome)) break;
    }
    if (state === undefined) return;
    this.states.set(party, state);
    if (!isSuccess(state.outcome)) {
      this.logger.warn(
        `${party}'s CRL could not be fetched from ${state.url}: ${state.outcome}; retrying (${state.failures} failure(s) in a row)`,
      );
    } else if (previous !== undefined && !isSuccess(previous.outcome)) {
      this.logger.log(`${party}'s CRL fetched from ${state.url} again`);
    }
    this.schedule(party, this.nextDelay(party, state));
  }

  /** 'archived', 'unchanged', or why not. */
  private async fetchFrom(party: string, url: string): Promise<string> {
    let body: Buffer;
    try {
      const response = await fetch(url, {
        signal: AbortSignal.timeout(FETCH_TIMEOUT_MS),
        redirect: 'error',
        headers: { accept: 'application/pkix-crl' },
      });
      if (response.status !== 200) {
        await response.body?.cancel();
        return `HTTP ${response.status}`;
      }
      const length = Number(response.headers.get('content-length') ?? '0');
      if (length > MAX_CRL_BYTES) {
        await response.body?.cancel();
        return `refused: ${length} bytes is too large for a CRL`;
      }
      body = Buffer.from(await response.arrayBuffer());
      if (body.length > MAX_CRL_BYTES)
        return `refused: ${body.length} bytes is too large for a CRL`;
    } catch (error) {
      return networkFailure(error);
    }
    const der = crlDer(body.toString('latin1'));
    if (!der) return 'refused: the answer is not a CRL';
    const offer = this.trust.offerCrl(party, der, `url:${url}`, this.clock.now());
    if (!offer.taken) return offer.known ? 'unchanged' : `refused: ${offer.reason}`;
    const { info } = offer.crl;
    this.logger.log(
      `${party}'s CRL ${info.crlNumber ?? '(unnumbered)'} (${info.revokedCount} revoked, next update ${info.nextUpdate?.toISOString() ?? 'none'}) archived from ${url}`,
    );
    await this.archive.flush();
    return 'archived';
  }

  private nextDelay(party: string, state: CrlFetchState): number {
    const newest = newestCrl(this.trust.party(party).archive);
    return nextFetchDelayMs({
      failures: isSuccess(state.outcome) ? 0 : state.failures,
      newest: newest?.info,
      now: this.clock.now(),
      boundMs: this.config.env.MXG_CRL_REFRESH_MS,
    });
  }
}

function isSuccess(outcome: string): boolean {
  return outcome === 'archived' || outcome === 'unchanged';
}

/** A network failure as a code (ECONNREFUSED, a timeout), never a message that could carry more. */
function networkFailure(error: unknown): string {
  const cause = (error as { cause?: { code?: unknown } }).cause;
  if (typeof cause?.code === 'string') return cause.code;
  const name = (error as { name?: unknown }).name;
  if (name === 'TimeoutError' || name === 'AbortError') return 'timed out';
  return 'network error';
}
