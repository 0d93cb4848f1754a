import { Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';

/**
 * Runs `sweep` every `intervalMs` while the gateway runs — never two at once — and waits for the
 * one in flight at shutdown. A failed sweep is logged and tried again at the next tick: what a
 * sweep looks for stays in the database until it is handled.
 */
export abstract class PeriodicSweeper implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(this.constructor.name);
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<unknown> | undefined;

  protected constructor(
    private readonly what: string,
    private readonly intervalMs: number,
  ) {}

  protected abstract sweep(): Promise<unknown>;

  onApplicationBootstrap(): void {
    this.timer = setInterval(() => {
      if (this.running) return;
      this.running = this.sweep()
        .catch((error: Error) => this.logger.warn(`${this.what} failed: ${error.message}`))
        .finally(() => (this.running = undefined));
    }, this.intervalMs);
  }

  async onApplicationShutdown(): Promise<void> {
    clearInterval(this.timer);
    await this.running;
  }
}
