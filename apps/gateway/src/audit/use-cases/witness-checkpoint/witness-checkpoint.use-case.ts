import { Injectable, Logger } from '@nestjs/common';
import {
  AuditError,
  AuditErrorCode,
  AuditWitness,
  type WitnessedHead,
  type WitnessRequest,
  type WitnessResponse,
} from '@mxg/audit';

/**
 * Countersigns a peer log's checkpoint (issue 4, witnessing). A refusal because the peer's log
 * no longer extends what we countersigned before is the alarm this whole mechanism exists for,
 * so it is logged as an error with the evidence's coordinates (sizes and roots, no content).
 */
@Injectable()
export class WitnessCheckpoint {
  private readonly logger = new Logger('AuditWitness');

  constructor(private readonly witness: AuditWitness) {}

  lastSeen(origin: string): Promise<WitnessedHead | undefined> {
    return this.witness.lastSeen(origin);
  }

  async execute(request: WitnessRequest): Promise<WitnessResponse> {
    try {
      return await this.witness.witness(request);
    } catch (error) {
      if (error instanceof AuditError && error.code === AuditErrorCode.CheckpointInconsistent) {
        this.logger.error(`${error.message} ${JSON.stringify(error.details)}`);
      }
      throw error;
    }
  }
}
