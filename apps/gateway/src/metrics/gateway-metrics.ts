import { Injectable } from '@nestjs/common';
import { collectDefaultMetrics, Counter, Histogram, Registry } from 'prom-client';

/** Seconds, from a fast exchange on one machine to a receiver down for an hour. */
const LATENCY_BUCKETS = [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 900, 3600];

/** Where a message event was counted: the audit event written with it. */
type MessageEvent =
  'message.submitted' | 'message.received' | 'receipt.received' | 'message.delivered';

/** The kinds of outbox row (a sealed envelope, a signed receipt, a dead letter). */
export type OutboxKind = 'envelope' | 'receipt' | 'dead-letter';

/**
 * The gateway's Prometheus metrics (#17), counted where the exchange audits the same step — a
 * counter increment, no I/O. Label values are message types, stable codes, parties, statuses
 * and outcomes only: bounded sets, never a message id, never content (MIG-11.1). Gauges of
 * state (outbox, audit log, certificates, overdue requests) are sampled at scrape time by
 * StateGauges. One registry per gateway, not prom-client's global one: several gateways may
 * run in one process (tests).
 */
@Injectable()
export class GatewayMetrics {
  readonly registry = new Registry();

  private readonly messages = new Counter({
    name: 'mxg_messages_total',
    help: 'Messages by audit event, type, status moved to, outcome, error code and peer party',
    labelNames: ['event', 'type', 'status', 'outcome', 'code', 'peer'] as const,
    registers: [this.registry],
  });

  private readonly deadLetters = new Counter({
    name: 'mxg_dead_letters_total',
    help: 'Deliveries this gateway refused and put on its dead-letter queue, by error code',
    labelNames: ['code'] as const,
    registers: [this.registry],
  });

  private readonly published = new Counter({
    name: 'mxg_outbox_published_total',
    help: 'Outbox rows published to the broker and confirmed, by kind (re-sends included)',
    labelNames: ['kind'] as const,
    registers: [this.registry],
  });

  private readonly witnessFailures = new Counter({
    name: 'mxg_audit_witness_failures_total',
    help: 'Checkpoints a peer’s witness did not cosign, by peer and code (UNAVAILABLE: not reached)',
    labelNames: ['peer', 'code'] as const,
    registers: [this.registry],
  });

  private readonly delivery = new Histogram({
    name: 'mxg_message_delivery_seconds',
    help: 'Outgoing messages: from submission to the peer’s signed receipt accepting it (delivered)',
    labelNames: ['type'] as const,
    buckets: LATENCY_BUCKETS,
    registers: [this.registry],
  });

  private readonly receiptLatency = new Histogram({
    name: 'mxg_receipt_latency_seconds',
    help: 'Outgoing messages: from the last publication of the envelope to its signed receipt (either status)',
    labelNames: ['type'] as const,
    buckets: LATENCY_BUCKETS,
    registers: [this.registry],
  });

  constructor() {
    // Process CPU, memory, event-loop lag, GC: what #16 reads CPU per message from.
    collectDefaultMetrics({ register: this.registry });
  }

  /** A national system's message, accepted and stored (MIG-9.1). */
  submitted(type: string, peer: string): void {
    this.count('message.submitted', type, 'accepted', peer);
  }

  /** A submission refused, with its code (the type is not trusted before the checks). */
  submitRefused(code: string): void {
    this.messages.inc({ event: 'message.submitted', type: 'unknown', outcome: 'failure', code });
  }

  /** An envelope from `peer`, opened, checked and stored. */
  received(type: string, peer: string): void {
    this.count('message.received', type, 'received', peer);
  }

  /**
   * An envelope refused (`message.rejected`) or a copy of one stored already
   * (`message.received`, DUPLICATE_MESSAGE). Its type and sender count only once authenticated.
   */
  receiveRefused(
    event: 'message.rejected' | 'message.received',
    code: string,
    authenticated?: { type: string; peer: string },
  ): void {
    this.messages.inc({
      event,
      type: authenticated?.type ?? 'unknown',
      outcome: 'failure',
      code,
      ...(authenticated ? { peer: authenticated.peer } : {}),
    });
  }

  /**
   * The first copy of a peer's signed receipt for a message this gateway sent: delivered, or
   * rejected with the receiver's code. `submittedAt` and `publishedAt` are the message's.
   */
  receipt(
    message: { type: string; peer: string; submittedAt: Date; publishedAt: Date },
    receipt: { status: 'accepted' | 'rejected'; code: string | null },
    now: Date,
  ): void {
    const delivered = receipt.status === 'accepted';
    this.messages.inc({
      event: 'receipt.received',
      type: message.type,
      status: delivered ? 'delivered' : 'rejected',
      outcome: delivered ? 'success' : 'failure',
      peer: message.peer,
      ...(receipt.code === null ? {} : { code: receipt.code }),
    });
    const seconds = (from: Date) => Math.max(0, (now.getTime() - from.getTime()) / 1000);
    this.receiptLatency.observe({ type: message.type }, seconds(message.publishedAt));
    if (delivered) this.delivery.observe({ type: message.type }, seconds(message.submittedAt));
  }

  /** A received message taken by the national system: the transfer's last step (MIG-9.1). */
  acknowledged(type: string, peer: string): void {
    this.count('message.delivered', type, 'acknowledged', peer);
  }

  /** A refused delivery put on the dead-letter queue. */
  deadLettered(code: string): void {
    this.deadLetters.inc({ code });
  }

  /** Outbox rows of `kind` confirmed by the broker. */
  outboxPublished(kind: OutboxKind, count: number): void {
    if (count > 0) this.published.inc({ kind }, count);
  }

  /** A checkpoint `peer`'s witness did not cosign. */
  witnessFailed(peer: string, code: string): void {
    this.witnessFailures.inc({ peer, code });
  }

  private count(event: MessageEvent, type: string, status: string, peer: string): void {
    this.messages.inc({ event, type, status, outcome: 'success', peer });
  }
}
