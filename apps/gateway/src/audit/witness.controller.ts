import {
  Controller,
  Get,
  HttpCode,
  NotFoundException,
  Param,
  Post,
  Req,
  UseGuards,
} from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import {
  auditLogOrigin,
  type WitnessedHead,
  type WitnessRequest,
  type WitnessResponse,
} from '@mxg/audit';
import { parseStrictJson } from '@mxg/core';
import { JSON_MEDIA_TYPE } from '../api/media-types';
import { BodyOf, type RequestBody } from '../api/request-body.decorator';
import { AuditApiError, AuditApiErrorCode } from './audit.errors';
import { WitnessCheckpoint } from './use-cases/witness-checkpoint/witness-checkpoint.use-case';
import { type WitnessCallRequest, WitnessCallerGuard } from './witness-caller.guard';
import { ApiAnswer, int, object, str } from '../api/openapi-answers';

/**
 * Between gateways: a peer's log submits its checkpoints here to be countersigned. No bearer
 * token: nothing submitted changes anything until it verifies under the peer's audit-checkpoint
 * key (pinned, under its party's CA), so a caller can achieve nothing a signature would not
 * already vouch for (see AuditWitness). With TLS on (#15), only over mutual TLS: a peer's
 * gateway, by its TLS client certificate, submitting checkpoints of its own party's log.
 */
@ApiTags('audit')
@Controller('audit/witness')
@UseGuards(WitnessCallerGuard)
export class WitnessController {
  constructor(private readonly witnessCheckpoint: WitnessCheckpoint) {}

  @Get('logs/:origin')
  @ApiOperation({ summary: 'The last checkpoint of a peer’s log this gateway countersigned' })
  @ApiAnswer(object({ origin: str(), treeSize: int(), rootHash: str('base64'), timestamp: str() }))
  async lastSeen(@Param('origin') origin: string): Promise<WitnessedHead> {
    const head = await this.witnessCheckpoint.lastSeen(origin);
    if (head === undefined) throw new NotFoundException(`no checkpoint of ${origin} witnessed yet`);
    return head;
  }

  @Post()
  @HttpCode(200)
  @ApiOperation({ summary: 'Countersign a peer’s checkpoint that extends the last one seen' })
  @ApiAnswer(
    object({
      note: str('the note with this witness’s cosignature line added'),
      certificate: str('PEM of the witness’s audit-checkpoint certificate'),
    }),
  )
  async submit(
    @BodyOf([JSON_MEDIA_TYPE]) body: RequestBody,
    @Req() request: WitnessCallRequest,
  ): Promise<WitnessResponse> {
    const witnessRequest = parseWitnessRequest(parseStrictJson(body.bytes));
    const caller = request.witnessCaller;
    // A checkpoint's origin is its note's first line: one party's certificate vouches for that
    // party's log only, never for another peer's.
    const origin = witnessRequest.note.split('\n', 1)[0];
    if (caller !== undefined && origin !== auditLogOrigin(caller)) {
      await this.witnessCheckpoint.callerRefused(AuditApiErrorCode.WitnessCallerUntrusted, origin);
      throw new AuditApiError(
        AuditApiErrorCode.WitnessCallerUntrusted,
        `the caller's TLS client certificate is ${caller}'s; the checkpoint is not of ${caller}'s log`,
      );
    }
    return this.witnessCheckpoint.execute(witnessRequest);
  }
}

// A note is at most 64 KiB (signed-note); a consistency proof in a tree of up to 2^53 leaves
// has at most 54 hashes (RFC 9162 §2.1.4).
const MAX_CERTIFICATE_LENGTH = 16 * 1024;
const MAX_PROOF_HASHES = 64;
const BASE64_HASH = /^[A-Za-z0-9+/]{43}=$/;

function parseWitnessRequest(body: unknown): WitnessRequest {
  const b = (typeof body === 'object' && body !== null ? body : {}) as Record<string, unknown>;
  if (
    typeof b.note !== 'string' ||
    typeof b.certificate !== 'string' ||
    b.certificate.length > MAX_CERTIFICATE_LENGTH ||
    !Number.isSafeInteger(b.oldSize) ||
    (b.oldSize as number) < 0 ||
    !Array.isArray(b.consistency) ||
    b.consistency.length > MAX_PROOF_HASHES ||
    b.consistency.some((h) => typeof h !== 'string' || !BASE64_HASH.test(h))
  ) {
    throw new AuditApiError(
      'AUDIT_WITNESS_REQUEST_INVALID',
      'expected { note, oldSize ≥ 0, consistency[] of base64 SHA-256 hashes, certificate }',
    );
  }
  return {
    note: b.note,
    oldSize: b.oldSize as number,
    consistency: b.consistency as string[],
    certificate: b.certificate,
  };
}
