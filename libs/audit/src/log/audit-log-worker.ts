import { setTimeout as sleep } from 'node:timers/promises';
import type { StoredCheckpoint } from '../store/audit-log.repository';
import type { AuditSequencer } from './audit-sequencer';

export interface AuditLogWorkerLogger {
  log(message: string): void;
  error(message: string): void;
}

export interface AuditLogWorkerOptions {
  /** How often to look for new entries; bounds entry-to-checkpoint latency with the interval. */
  pollMs?: number;
  /** Issue 4: a signed checkpoint at least once a second while entries arrive. */
  checkpointIntervalMs?: number;
  /** How often a follower asks whether the leader is gone. */
  followerRetryMs?: number;
  onCheckpoint?(checkpoint: StoredCheckpoint): void;
  logger?: AuditLogWorkerLogger;
}

/** What a worker is doing, for readiness probes (#17). */
export interface AuditLogWorkerState {
  /** Started and not stopped. */
  readonly running: boolean;
  /** Holds the sequencer lock (another instance leads otherwise). */
  readonly leading: boolean;
  /** The last round's failure, until a round succeeds again. */
  readonly failure: string | null;
}

/**
 * Runs a sequencer in the background: lead when possible, sequence whatever has arrived, sign a
 * checkpoint each interval. Failures (a lost connection, another leader) drop leadership and
 * retry; the tree is then rebuilt from the database, the one source of truth.
 */
export class AuditLogWorker {
  private stopped = false;
  private loop: Promise<void> | undefined;
  private readonly abort = new AbortController();
  private leading = false;
  private failure: string | null = null;

  constructor(
    private readonly sequencer: AuditSequencer,
    private readonly options: AuditLogWorkerOptions = {},
  ) {}

  start(): void {
    this.loop ??= this.run();
  }

  state(): AuditLogWorkerState {
    return {
      running: this.loop !== undefined && !this.stopped,
      leading: this.leading,
      failure: this.failure,
    };
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.abort.abort();
    await this.loop;
    await this.sequencer.release();
  }

  private async run(): Promise<void> {
    const { pollMs = 100, checkpointIntervalMs = 1000, followerRetryMs = 2000 } = this.options;
    let lastCheckpointAt = 0;
    let wasLeader = false;
    while (!this.stopped) {
      try {
        if (!(await this.sequencer.tryLead())) {
          this.leading = false;
          this.failure = null;
          await this.pause(followerRetryMs);
          continue;
        }
        if (!wasLeader) this.options.logger?.log('audit sequencer: leading');
        wasLeader = true;
        this.leading = true;
        while (!this.stopped && (await this.sequencer.sequence()) > 0) {
          if (Date.now() - lastCheckpointAt >= checkpointIntervalMs) break;
        }
        if (Date.now() - lastCheckpointAt >= checkpointIntervalMs) {
          const at = Date.now();
          const checkpoint = await this.sequencer.checkpoint();
          // Only a signed checkpoint starts the interval: after an idle spell, the first entry
          // is checkpointed as soon as it is sequenced, not up to an interval later.
          if (checkpoint) {
            lastCheckpointAt = at;
            this.options.onCheckpoint?.(checkpoint);
          }
        }
        this.failure = null;
        await this.pause(pollMs);
      } catch (error) {
        if (this.stopped) break;
        wasLeader = false;
        this.leading = false;
        this.failure = error instanceof Error ? error.message : String(error);
        this.options.logger?.error(
          `audit sequencer: ${error instanceof Error ? error.message : String(error)}`,
        );
        await this.sequencer.release();
        await this.pause(followerRetryMs);
      }
    }
  }

  private async pause(ms: number): Promise<void> {
    await sleep(ms, undefined, { signal: this.abort.signal }).catch(() => undefined);
  }
}
