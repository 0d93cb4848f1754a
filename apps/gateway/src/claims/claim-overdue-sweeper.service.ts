import { Injectable } from '@nestjs/common';
import { MxgConfigService } from '@mxg/config';
import { PeriodicSweeper } from '../common/periodic-sweeper';
import { RecordClaimOverdue } from './use-cases/record-claim-overdue/record-claim-overdue.use-case';

/** Looks for claims whose payment deadline passed unpaid every `MXG_CLAIM_OVERDUE_SWEEP_MS` (RET-4). */
@Injectable()
export class ClaimOverdueSweeper extends PeriodicSweeper {
  constructor(
    private readonly overdue: RecordClaimOverdue,
    config: MxgConfigService,
  ) {
    super('claim overdue sweep', config.env.MXG_CLAIM_OVERDUE_SWEEP_MS);
  }

  protected override sweep(): Promise<number> {
    return this.overdue.execute();
  }
}
