import { Injectable } from '@nestjs/common';
import { PeriodicSweeper } from '../common/periodic-sweeper';
import { ResendOverdue } from '../exchange/use-cases/resend-overdue/resend-overdue.use-case';

/** Looks for overdue receipts once a second (see ResendOverdue). */
@Injectable()
export class ResendSweeper extends PeriodicSweeper {
  constructor(private readonly resend: ResendOverdue) {
    super('resend sweep', 1000);
  }

  protected override sweep(): Promise<unknown> {
    return this.resend.execute();
  }
}
