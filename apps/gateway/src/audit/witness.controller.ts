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
 * token: nothing submitted changes anything until it verifies under the peer's audit-checkpoint
 * key (pinned, under its party's CA), so a caller can achieve nothing a signature would not
 * already vouch for (see AuditWitness).
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
