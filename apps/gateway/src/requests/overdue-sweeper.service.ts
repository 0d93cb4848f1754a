import {
  Injectable,
  Logger,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
} from '@nestjs/common';
import { RecordOverdue } from './use-cases/record-overdue/record-overdue.use-case';

const SWEEP_MS = 1000;

/** Looks for requests whose deadline passed unanswered once a second (see RecordOverdue). */
@Injectable()
export class OverdueSweeper implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(OverdueSweeper.name);
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<unknown> | undefined;

  constructor(private readonly overdue: RecordOverdue) {}

  onApplicationBootstrap(): void {
    this.timer = setInterval(() => {
      if (this.running) return;
      this.running = this.overdue
        .execute()
        .catch((error: Error) => this.logger.warn(`overdue sweep failed: ${error.message}`))
        .finally(() => (this.running = undefined));
    }, SWEEP_MS);
  }

  async onApplicationShutdown(): Promise<void> {
    clearInterval(this.timer);
    await this.running;
  }
}
