import { Injectable, Logger } from '@nestjs/common';
import {
  AuditAppender,
  AuditError,
  AuditErrorCode,
  AuditWitness,
  type WitnessedHead,
  type WitnessRequest,
  type WitnessResponse,
} from '@mxg/audit';
import { Clock, MxgError } from '@mxg/core';
import type { AuditApiErrorCode } from '../../audit.errors';

/** Refusals of one code put on the record at most this often; the rest are counted into it. */
const AUDIT_EVERY_MS = 60_000;
const MXG_ORIGIN = /^mxg\.[a-z]{2}\/audit$/;

/**
 * Countersigns a peer log's checkpoint (issue 4, witnessing). A fork — the peer's log signed a
 * second root for a size we countersigned — is the alarm this whole mechanism exists for, so it
 * is logged as an error with the evidence's coordinates (sizes and roots, no content).
 *
 * Every refusal is audited (`audit.witness-refused`, by code), but the endpoint takes no
 * credentials, so what one caller can make us store stays bounded: per code, one entry a minute
 * at most, carrying how many like it were refused since the last.
 */
@Injectable()
export class WitnessCheckpoint {
  private readonly logger = new Logger('AuditWitness');
  private readonly lastAudited = new Map<string, number>();
  private readonly unaudited = new Map<string, number>();

  constructor(
    private readonly witness: AuditWitness,
    private readonly appender: AuditAppender,
    private readonly clock: Clock,
  ) {}

  lastSeen(origin: string): Promise<WitnessedHead | undefined> {
    return this.witness.lastSeen(origin);
  }

  async execute(request: WitnessRequest): Promise<WitnessResponse> {
    try {
      return await this.witness.witness(request);
    } catch (error) {
      if (error instanceof AuditError) await this.refused(error);
      throw error;
    }
  }

  /**
   * #15: a witness call refused for its caller's TLS client certificate, audited like every
   * other refusal (same per-code bound: the caller is, by definition, not one we trust).
   */
  async callerRefused(code: AuditApiErrorCode, origin?: string): Promise<void> {
    await this.refused(new MxgError(code, 'witness caller refused', { origin }));
  }

  private async refused(error: MxgError): Promise<void> {
    const details = JSON.stringify(error.details);
    if (error.code === AuditErrorCode.CheckpointInconsistent) {
      this.logger.error(`${error.message} ${details}`);
    } else if (error.code === AuditErrorCode.ConsistencyProofInvalid) {
      // Signed by the peer's log, but no proof links it to what we saw: a fork we cannot prove
      // (the proof is unsigned), or a broken proof. Logged, not kept as evidence.
      this.logger.warn(`${error.message} ${details}`);
    } else {
      this.logger.warn(`refused a checkpoint: ${error.code}`);
    }
    const now = this.clock.now().getTime();
    const last = this.lastAudited.get(error.code);
    if (last !== undefined && now - last < AUDIT_EVERY_MS) {
      this.unaudited.set(error.code, (this.unaudited.get(error.code) ?? 0) + 1);
      return;
    }
    const suppressed = this.unaudited.get(error.code) ?? 0;
    this.lastAudited.set(error.code, now);
    this.unaudited.delete(error.code);
    const { origin, size, lastSeen } = error.details;
    await this.appender
      .append({
        type: 'audit.witness-refused',
        actor: { role: 'witness' },
        outcome: 'failure',
        errorCode: error.code,
        details: {
          // Only a name of ours: the caller chose it, and the record is not its notepad.
          ...(typeof origin === 'string' && MXG_ORIGIN.test(origin) ? { origin } : {}),
          ...(typeof size === 'number' ? { size } : {}),
          ...(typeof lastSeen === 'number' ? { lastSeen } : {}),
          alsoRefusedSinceLast: suppressed,
        },
      })
      .catch((failure: unknown) =>
        this.logger.error(
          `could not audit a witness refusal: ${failure instanceof Error ? failure.message : String(failure)}`,
        ),
      );
  }
}
