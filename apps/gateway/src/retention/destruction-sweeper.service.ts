import { Injectable } from '@nestjs/common';
import { MxgConfigService } from '@mxg/config';
import { PeriodicSweeper } from '../common/periodic-sweeper';
import { DestroyDue } from './use-cases/destroy-due/destroy-due.use-case';

/** Destroys what is due every `MXG_RETENTION_SWEEP_MS` (see DestroyDue, MIG-11.5). */
@Injectable()
export class DestructionSweeper extends PeriodicSweeper {
  constructor(
    private readonly due: DestroyDue,
    config: MxgConfigService,
  ) {
    super('destruction sweep', config.env.MXG_RETENTION_SWEEP_MS);
  }

  protected override sweep(): Promise<number> {
    return this.due.execute();
  }
}
