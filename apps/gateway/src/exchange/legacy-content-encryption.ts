import {
  Injectable,
  Logger,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
} from '@nestjs/common';
import { ExchangeStore } from './store/exchange.store';

/** Rows encrypted per transaction: short locks, little lost to a crash. */
export const LEGACY_BATCH = 100;
/** How long to wait before trying again after a failed batch (e.g. the database was down). */
const RETRY_MS = 10_000;

/**
 * Encrypts content stored before encryption at rest (MIG-11.4), once, after start-up: in batches
 * of LEGACY_BATCH rows, each batch one transaction (ExchangeStore.encryptLegacyContents), in the
 * background so that the gateway serves meanwhile (a legacy row still reads as it is until its
 * batch commits). Idempotent and safe with several instances: rows are locked with SKIP LOCKED
 * and a message's key row is inserted only once. Stops at shutdown between batches.
 */
@Injectable()
export class LegacyContentEncryption implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(LegacyContentEncryption.name);
  private running: Promise<void> | undefined;
  private stopping = false;
  /** Ends the wait before a retry (at shutdown). */
  private wake: (() => void) | undefined;

  constructor(private readonly store: ExchangeStore) {}

  onApplicationBootstrap(): void {
    this.running = this.run();
  }

  async onApplicationShutdown(): Promise<void> {
    this.stopping = true;
    this.wake?.();
    await this.running;
  }

  /** Resolves once no legacy row is left (or the gateway stops). */
  private async run(): Promise<void> {
    let encrypted = 0;
    while (!this.stopping) {
      try {
        const taken = await this.store.encryptLegacyContents(LEGACY_BATCH);
        if (taken === 0) break;
        encrypted += taken;
      } catch (error) {
        this.logger.warn(
          `encrypting stored content from before encryption at rest failed, trying again in ${RETRY_MS / 1000} s: ${(error as Error).message}`,
        );
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, RETRY_MS);
          this.wake = () => {
            clearTimeout(timer);
            resolve();
          };
        });
        this.wake = undefined;
      }
    }
    if (encrypted > 0) {
      this.logger.log(`encrypted the stored content of ${encrypted} messages from before MIG-11.4`);
    }
  }
}
