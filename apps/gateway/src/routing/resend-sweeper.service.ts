import {
  Injectable,
  Logger,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
} from '@nestjs/common';
import { ResendOverdue } from '../exchange/use-cases/resend-overdue/resend-overdue.use-case';

const SWEEP_MS = 1000;

/** Looks for overdue receipts once a second (see ResendOverdue). */
@Injectable()
export class ResendSweeper implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(ResendSweeper.name);
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<unknown> | undefined;

  constructor(private readonly resend: ResendOverdue) {}

  onApplicationBootstrap(): void {
    this.timer = setInterval(() => {
      if (this.running) return;
      this.running = this.resend
        .execute()
        .catch((error: Error) => this.logger.warn(`resend sweep failed: ${error.message}`))
        .finally(() => (this.running = undefined));
    }, SWEEP_MS);
  }

  async onApplicationShutdown(): Promise<void> {
    clearInterval(this.timer);
    await this.running;
  }
}
