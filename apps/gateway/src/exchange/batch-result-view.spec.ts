import { Logger } from '@nestjs/common';
import { MxgError } from '@mxg/core';
import { batchResultView } from './batch-result-view';
import { ExchangeError, validationFailed } from './exchange.errors';
import type { MessageRecord } from './exchange.types';

const at = new Date('2026-12-06T10:00:00Z');
const record: MessageRecord = {
  id: '7d0c3f0e-4f49-4c2b-9a52-5d0c1c6f4b11',
  direction: 'outgoing',
  type: 'request',
  agreement: 'MIG',
  from: { party: 'KZ', authority: 'KZ-MVD' },
  to: { party: 'AZ', authority: 'AZ-DMX' },
  correlationId: '7d0c3f0e-4f49-4c2b-9a52-5d0c1c6f4b11',
  inReplyTo: null,
  digest: 'sha256:00',
  signatoryId: 'kz-mvd-deputy-minister',
  createdAt: at,
  recordedAt: at,
  status: 'accepted',
  statusCode: null,
  statusAt: at,
  attempts: 0,
  receiptDueAt: null,
  submittedBy: 'kz-mvd-system',
  requestDigest: 'sha256:01',
  destroyedAt: null,
  destroyedReason: null,
  recipientDestroyedAt: null,
  recipientDestructionNotice: null,
};

describe(batchResultView.name, () => {
  beforeEach(() => {
    jest.spyOn(Logger.prototype, 'error').mockImplementation(() => undefined);
    jest.spyOn(Logger.prototype, 'warn').mockImplementation(() => undefined);
  });
  afterEach(() => jest.restoreAllMocks());

  it('answers each item as POST /v1/messages would (an RFC 9457 problem for each refusal), in order, and counts them', () => {
    const sut = batchResultView([
      {
        index: 0,
        idempotencyKey: 'k',
        ok: true,
        result: {
          message: record,
          replayed: true,
          warnings: [
            { path: 'body.text', code: 'TEXT_NOT_RUSSIAN', message: 'm', treaty: 'MIG-15' },
          ],
        },
      },
      {
        index: 1,
        ok: false,
        error: validationFailed([{ field: 'priority', rule: 'unknown', message: 'no' }]),
      },
      { index: 2, ok: false, error: new ExchangeError('IDEMPOTENCY_KEY_REUSED', 'used') },
    ]);
    expect(sut).toEqual({
      accepted: 1,
      refused: 2,
      items: [
        {
          index: 0,
          status: 202,
          idempotencyKey: 'k',
          replayed: true,
          message: expect.objectContaining({
            id: record.id,
            status: 'accepted',
            statusAt: at.toISOString(),
            warnings: [
              { field: 'body.text', rule: 'TEXT_NOT_RUSSIAN', message: 'm', treaty: 'MIG-15' },
            ],
          }),
        },
        {
          index: 1,
          status: 400,
          error: {
            type: '/v1/problems/VALIDATION_FAILED',
            title: 'Validation failed',
            status: 400,
            detail: 'priority: no',
            code: 'VALIDATION_FAILED',
            message: 'priority: no',
            errors: [{ field: 'priority', rule: 'unknown', message: 'no' }],
          },
        },
        {
          index: 2,
          status: 409,
          error: {
            type: '/v1/problems/IDEMPOTENCY_KEY_REUSED',
            title: 'Idempotency key reused',
            status: 409,
            detail: 'used',
            code: 'IDEMPOTENCY_KEY_REUSED',
            message: 'used',
          },
        },
      ],
    });
  });

  it('answers a database outage 503 and anything else 500, saying nothing of the cause', () => {
    const outage = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), {
      code: 'ECONNREFUSED',
    });
    const sut = batchResultView([
      { index: 0, ok: false, error: outage },
      { index: 1, ok: false, error: new TypeError('secret detail') },
      { index: 2, ok: false, error: new MxgError('NO_SUCH_CODE', 'secret detail') },
    ]);
    expect(sut.items.map((i) => [i.status, i.error?.code])).toEqual([
      [503, 'SERVICE_UNAVAILABLE'],
      [500, 'INTERNAL_ERROR'],
      [500, 'INTERNAL_ERROR'],
    ]);
    expect(JSON.stringify(sut)).not.toContain('secret');
    expect(sut).toMatchObject({ accepted: 0, refused: 3 });
  });
});
