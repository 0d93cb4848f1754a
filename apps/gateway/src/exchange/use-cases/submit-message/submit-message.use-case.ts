import { createHash, randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { AuditAppender } from '@mxg/audit';
import { MxgConfigService } from '@mxg/config';
import { Clock, MxgError } from '@mxg/core';
import {
  assertExchangeAllowed,
  decodeMessage,
  EnvelopeError,
  MESSAGE_FORMAT,
  type MessageHeader,
  type MxgMessage,
  verifySignedLayer,
  firstFailure,
} from '@mxg/envelope';
import { parseSignedData } from '@mxg/cms';
import type { AuthenticatedClient } from '../../../auth/auth.types';
import { EnvelopeService } from '../../../envelope/envelope.service';
import { ExchangeError, validationFailed } from '../../exchange.errors';
import type { MessageRecord } from '../../exchange.types';
import { MessageRepository } from '../../message.repository';
import { envelopeEntry } from '../../outbox-entries';
import { OutboxSignal } from '../../outbox-signal';
import { ANSWER_TYPES, bodyProblems } from '../../treaty-body-rules';
import type { SubmitMessageDto } from './submit-message.command';

export type Submission =
  | { readonly kind: 'json'; readonly dto: SubmitMessageDto }
  /** A CMS SignedData the signatory already made over a complete MXG message. */
  | { readonly kind: 'signed'; readonly signedData: Uint8Array };

export interface SubmitResult {
  readonly message: MessageRecord;
  /** True when an earlier submit with the same Idempotency-Key answered. */
  readonly replayed: boolean;
}

/**
 * A national system hands its gateway a message. Everything that can be refused is refused
 * now, synchronously and with its code: the treaty (agreement in force, type allowed,
 * authorities — MIG-2, MIG-17), the body rules (MIG-9.2, MIG-10.4), the signatory (MIG-9.3).
 * Then one statement stores the message, its sealed envelope, an outbox row and the audit
 * entries; the relay publishes it afterwards. An Idempotency-Key makes a retried submit return
 * the first answer instead of sending twice.
 */
@Injectable()
export class SubmitMessage {
  constructor(
    private readonly config: MxgConfigService,
    private readonly clock: Clock,
    private readonly envelopes: EnvelopeService,
    private readonly messages: MessageRepository,
    private readonly audit: AuditAppender,
    private readonly outbox: OutboxSignal,
  ) {}

  async execute(
    client: AuthenticatedClient,
    submission: Submission,
    idempotencyKey?: string,
  ): Promise<SubmitResult> {
    const requestDigest = `sha256:${createHash('sha256')
      .update(submission.kind === 'json' ? JSON.stringify(submission.dto) : submission.signedData)
      .digest('hex')}`;
    if (idempotencyKey !== undefined) {
      const earlier = await this.earlier(client, idempotencyKey, requestDigest);
      if (earlier) return earlier;
    }
    try {
      return await this.submit(client, submission, idempotencyKey, requestDigest);
    } catch (error) {
      let failure = error;
      // The same key submitted twice at once: the other request stored its message first.
      if (idempotencyKey !== undefined && MessageRepository.isIdempotencyConflict(error)) {
        try {
          const earlier = await this.earlier(client, idempotencyKey, requestDigest);
          if (earlier) return earlier;
        } catch (refusal) {
          failure = refusal;
        }
      }
      if (failure instanceof MxgError) {
        // Every refused submission is on the record, by code (no content).
        await this.audit.append({
          type: 'message.submitted',
          actor: { authority: client.authority, role: 'publisher', user: client.id },
          parties: [this.config.gateway.party],
          outcome: 'failure',
          errorCode: failure.code,
          contentDigest: requestDigest,
        });
      }
      throw failure;
    }
  }

  /** The answer an earlier submit with this Idempotency-Key got, if there was one. */
  private async earlier(
    client: AuthenticatedClient,
    idempotencyKey: string,
    requestDigest: string,
  ): Promise<SubmitResult | undefined> {
    const earlier = await this.messages.findByIdempotencyKey(client.id, idempotencyKey);
    if (!earlier) return undefined;
    if (earlier.requestDigest !== requestDigest) {
      throw new ExchangeError(
        'IDEMPOTENCY_KEY_REUSED',
        'this Idempotency-Key was used for a different message',
      );
    }
    return { message: earlier, replayed: true };
  }

  private async submit(
    client: AuthenticatedClient,
    submission: Submission,
    idempotencyKey: string | undefined,
    requestDigest: string,
  ): Promise<SubmitResult> {
    const now = this.clock.now();
    const { message, signatory } =
      submission.kind === 'json'
        ? await this.fromJson(client, submission.dto, now)
        : await this.fromSignedData(client, submission.signedData, now);
    const sealed = await this.envelopes.seal(message, signatory);
    const header = message.header;
    const signatoryId = 'signatoryId' in signatory ? signatory.signatoryId : signatory.id;
    const common = {
      actor: { authority: client.authority, role: 'publisher', user: client.id },
      messageId: header.id,
      correlationId: header.correlationId,
      parties: [header.from.party, header.to.party],
      agreement: header.agreement,
      contentDigest: sealed.digest,
    };
    // The message, its content and envelope, the outbox row and the audit entries: one
    // autocommitted statement, which writes nothing if the id exists already.
    const record = await this.messages.insertMessage(
      {
        header,
        direction: 'outgoing',
        digest: sealed.digest,
        signatoryId,
        status: 'accepted',
        at: now,
        content: sealed.content,
        signed: sealed.inner,
        envelope: sealed.envelope,
        submittedBy: client.id,
        idempotencyKey,
        requestDigest,
      },
      {
        outbox: envelopeEntry(header, now),
        audit: [
          { type: 'message.submitted', ...common, details: { type: header.type } },
          { type: 'message.sealed', ...common, details: { signatory: signatoryId } },
        ],
      },
    );
    if (!record)
      throw new ExchangeError('IDEMPOTENCY_KEY_REUSED', `message ${header.id} exists already`);
    this.outbox.notify();
    return { message: record, replayed: false };
  }

  private async fromJson(client: AuthenticatedClient, dto: SubmitMessageDto, now: Date) {
    const from = this.sendingAuthority(client);
    const problems = bodyProblems(dto.type, dto.body);
    if (ANSWER_TYPES.includes(dto.type) && dto.inReplyTo === undefined) {
      problems.push({
        field: 'inReplyTo',
        rule: 'required',
        message: `a ${dto.type} answers a received message`,
        treaty: 'MIG-8',
      });
    }
    if (problems.length > 0) throw validationFailed(problems);
    const to = this.config.treaty.allAuthorities().find((a) => a.code === dto.to.authority);
    if (!to)
      throw new ExchangeError(
        'RECIPIENT_UNKNOWN',
        `${dto.to.authority} is not a registered competent authority (MIG-2)`,
      );
    const id = randomUUID();
    const answered =
      dto.inReplyTo === undefined ? undefined : await this.answered(dto.inReplyTo, from, to.code);
    const header: MessageHeader = {
      format: MESSAGE_FORMAT,
      id,
      type: dto.type,
      agreement: dto.agreement,
      from: { party: this.config.gateway.party, authority: from },
      to: { party: to.party, authority: to.code },
      createdAt: now.toISOString(),
      correlationId: answered?.correlationId ?? id,
      inReplyTo: answered ? { id: answered.id, digest: answered.digest } : null,
    };
    assertExchangeAllowed(header, this.config.treaty, now);
    // MIG-9.3: the signatory must be on the sending authority's list today.
    if (!this.config.treaty.isSignatoryAuthorised(dto.signatory, from, now)) {
      throw new EnvelopeError(
        'SIGNATORY_NOT_AUTHORISED',
        `${dto.signatory} is not on ${from}'s list of authorised signatories on ${now.toISOString().slice(0, 10)} (MIG-9.3)`,
        'inner',
      );
    }
    const keys = await this.envelopes.keys.signatory(dto.signatory);
    return {
      message: { header, body: dto.body },
      signatory: { ...keys, id: dto.signatory },
    };
  }

  private async fromSignedData(client: AuthenticatedClient, signedData: Uint8Array, now: Date) {
    const from = this.sendingAuthority(client);
    let message: MxgMessage;
    try {
      const content = parseSignedData(signedData).encapsulatedContent;
      if (!content) throw new Error('detached');
      message = decodeMessage(content);
    } catch (error) {
      if (error instanceof EnvelopeError) throw error;
      throw new EnvelopeError(
        'MALFORMED_ENVELOPE',
        'the body is not a CMS SignedData carrying an MXG message',
        'inner',
      );
    }
    const { header } = message;
    if (header.from.party !== this.config.gateway.party || header.from.authority !== from) {
      throw new ExchangeError(
        'NOT_YOUR_AUTHORITY',
        `the message is from ${header.from.authority}; this client acts for ${from}`,
      );
    }
    if (await this.messages.find(header.id)) {
      throw new ExchangeError(
        'IDEMPOTENCY_KEY_REUSED',
        `message ${header.id} was submitted already`,
      );
    }
    const problems = bodyProblems(header.type, message.body);
    if (problems.length > 0) throw validationFailed(problems);
    if (header.inReplyTo) {
      const answered = await this.answered(header.inReplyTo.id, from, header.to.authority);
      if (
        answered.digest !== header.inReplyTo.digest ||
        answered.correlationId !== header.correlationId
      ) {
        throw validationFailed([
          {
            field: 'header.inReplyTo',
            rule: 'matches',
            message: 'does not match the received message it names',
            treaty: 'MIG-8',
          },
        ]);
      }
    }
    assertExchangeAllowed(header, this.config.treaty, now);
    const report = await verifySignedLayer(signedData, {
      layer: 'inner',
      role: 'signatory',
      party: header.from.party,
      authority: header.from.authority,
      trust: this.envelopes.trust,
      treaty: this.config.treaty,
      policy: this.config.treaty.agreement(header.agreement).algorithms,
      now,
      maxSkewMs: this.config.gateway.exchange.maxClockSkewSeconds * 1000,
      futureSkewOnly: true, // signed earlier by the person, submitted now (MIG-9.3)
    });
    const failure = firstFailure(report);
    if (failure) throw failure;
    return { message, signatory: { signedData, signatoryId: report.signatoryId! } };
  }

  /** MIG-2: a client acts only for its own authority. */
  private sendingAuthority(client: AuthenticatedClient): string {
    if (
      client.authority === null ||
      !client.authority.startsWith(`${this.config.gateway.party}-`)
    ) {
      throw new ExchangeError(
        'NOT_YOUR_AUTHORITY',
        `client ${client.id} does not act for a competent authority of ${this.config.gateway.party}`,
      );
    }
    return client.authority;
  }

  /** The received message an answer refers to: it must have been sent to the answering authority. */
  private async answered(id: string, from: string, to: string): Promise<MessageRecord> {
    const answered = await this.messages.find(id);
    if (
      !answered ||
      answered.direction !== 'incoming' ||
      answered.to.authority !== from ||
      answered.from.authority !== to
    ) {
      throw new ExchangeError(
        'ANSWERED_MESSAGE_NOT_FOUND',
        `no message ${id} from ${to} to ${from} was received`,
      );
    }
    return answered;
  }
}
