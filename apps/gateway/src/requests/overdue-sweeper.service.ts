import { Injectable } from '@nestjs/common';
import { PeriodicSweeper } from '../common/periodic-sweeper';
import { RecordOverdue } from './use-cases/record-overdue/record-overdue.use-case';

/** Looks for requests whose deadline passed unanswered once a second (see RecordOverdue). */
@Injectable()
export class OverdueSweeper extends PeriodicSweeper {
  constructor(private readonly overdue: RecordOverdue) {
    super('overdue sweep', 1000);
  }

  protected override sweep(): Promise<number> {
    return this.overdue.execute();
  }
}
