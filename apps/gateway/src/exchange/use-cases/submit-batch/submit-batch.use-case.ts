import { createHash } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { AuditAppender, type AuditEventInput } from '@mxg/audit';
import { MxgConfigService } from '@mxg/config';
import { MxgError } from '@mxg/core';
import type { AuthenticatedClient } from '../../../auth/auth.types';
import { SubmitMessage, type SubmitResult } from '../submit-message/submit-message.use-case';
import { type BatchItem, readBatch } from './submit-batch.command';
import { GatewayMetrics } from '../../../metrics/gateway-metrics';

/** What became of one item: SubmitMessage's answer, or why it was refused (any error). */
export type BatchItemOutcome = {
  readonly index: number;
  readonly idempotencyKey?: string;
} & (
  | { readonly ok: true; readonly result: SubmitResult }
  | { readonly ok: false; readonly error: unknown }
);

/**
 * `POST /messages/batch`: national systems that send in bulk. Each item is submitted exactly as
 * `POST /messages` submits one — SubmitMessage, with its own Idempotency-Key, the same checks,
 * signing, audit entries and answer — all at once, so that their stores share the exchange's
 * group commit (ExchangeStore.insertMessage: one statement and one WAL flush for many). One
 * item's refusal is that item's answer only. Items are not ordered among themselves: a message
 * that depends on another (an answer to it) goes in a later batch.
 *
 * What is refused before any item is submitted — a body that is not a batch (the whole request),
 * a malformed item, an item repeating an earlier item's key — is on the audit record first, as
 * a refused submission by code (no content), like every refusal of `POST /messages`; if that
 * record cannot be written, nothing of the batch was accepted.
 */
@Injectable()
export class SubmitBatch {
  constructor(
    private readonly config: MxgConfigService,
    private readonly submitMessage: SubmitMessage,
    private readonly audit: AuditAppender,
    private readonly metrics: GatewayMetrics,
  ) {}

  async execute(client: AuthenticatedClient, bytes: Uint8Array): Promise<BatchItemOutcome[]> {
    let items: BatchItem[];
    try {
      items = readBatch(bytes);
    } catch (error) {
      if (error instanceof MxgError) {
        this.metrics.submitRefused(error.code);
        await this.audit.append({
          ...this.refused(client, error.code, sha256(bytes)),
          details: { batch: true },
        });
      }
      throw error;
    }
    const refusals = items.flatMap((item) =>
      'refusal' in item ? [this.refused(client, item.refusal.code, item.digest)] : [],
    );
    if (refusals.length > 0) await this.audit.appendMany(refusals);
    for (const refusal of refusals) this.metrics.submitRefused(refusal.errorCode ?? 'UNKNOWN');
    return Promise.all(items.map((item) => this.submit(client, item)));
  }

  private async submit(client: AuthenticatedClient, item: BatchItem): Promise<BatchItemOutcome> {
    const { index, idempotencyKey } = item;
    if ('refusal' in item) return { index, idempotencyKey, ok: false, error: item.refusal };
    try {
      const result = await this.submitMessage.execute(client, item.submission, idempotencyKey);
      return { index, idempotencyKey, ok: true, result };
    } catch (error) {
      return { index, idempotencyKey, ok: false, error };
    }
  }

  /** A refused submission as SubmitMessage records one: by code and digest, no content. */
  private refused(client: AuthenticatedClient, code: string, digest: string): AuditEventInput {
    return {
      type: 'message.submitted',
      actor: { authority: client.authority, role: 'publisher', user: client.id },
      parties: [this.config.gateway.party],
      outcome: 'failure',
      errorCode: code,
      contentDigest: digest,
    };
  }
}

function sha256(bytes: Uint8Array): string {
  return `sha256:${createHash('sha256').update(bytes).digest('hex')}`;
}
