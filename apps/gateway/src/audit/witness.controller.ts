import { Controller, Get, HttpCode, NotFoundException, Param, Post } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import type { WitnessedHead, WitnessRequest, WitnessResponse } from '@mxg/audit';
import { parseStrictJson } from '@mxg/core';
import { JSON_MEDIA_TYPE } from '../api/media-types';
import { BodyOf, type RequestBody } from '../api/request-body.decorator';
import { AuditApiError } from './audit.errors';
import { WitnessCheckpoint } from './use-cases/witness-checkpoint/witness-checkpoint.use-case';

/**
 * Between gateways: a peer's log submits its checkpoints here to be countersigned. No bearer
 * token: what is submitted is only accepted when signed by the peer's audit-checkpoint key
 * under its party's CA, so a caller can achieve nothing a signature would not already vouch for.
 */
@ApiTags('audit')
@Controller('audit/witness')
export class WitnessController {
  constructor(private readonly witnessCheckpoint: WitnessCheckpoint) {}

  @Get('logs/:origin')
  @ApiOperation({ summary: 'The last checkpoint of a peer’s log this gateway countersigned' })
  async lastSeen(@Param('origin') origin: string): Promise<WitnessedHead> {
    const head = await this.witnessCheckpoint.lastSeen(origin);
    if (head === undefined) throw new NotFoundException(`no checkpoint of ${origin} witnessed yet`);
    return head;
  }

  @Post()
  @HttpCode(200)
  @ApiOperation({ summary: 'Countersign a peer’s checkpoint that extends the last one seen' })
  submit(@BodyOf([JSON_MEDIA_TYPE]) body: RequestBody): Promise<WitnessResponse> {
    return this.witnessCheckpoint.execute(parseWitnessRequest(parseStrictJson(body.bytes)));
  }
}

function parseWitnessRequest(body: unknown): WitnessRequest {
  const b = (typeof body === 'object' && body !== null ? body : {}) as Record<string, unknown>;
  if (
    typeof b.note !== 'string' ||
    typeof b.certificate !== 'string' ||
    !Number.isSafeInteger(b.oldSize) ||
    !Array.isArray(b.consistency) ||
    b.consistency.some((h) => typeof h !== 'string')
  ) {
    throw new AuditApiError(
      'AUDIT_WITNESS_REQUEST_INVALID',
      'expected { note, oldSize, consistency[], certificate }',
    );
  }
  return b as unknown as WitnessRequest;
}
