import { Injectable } from '@nestjs/common';
import type { AuditEventInput } from '@mxg/audit';
import type { SqlClient } from '@mxg/database';
import { MxgConfigService } from '@mxg/config';
import { decodeMessage, type MessageHeader } from '@mxg/envelope';
import {
  dueDate,
  isRequestMessageType,
  localDate,
  type RequestAuditEvent,
  type RequestRefusal,
  type RequestSide,
  type RequestState,
  type RequestTarget,
  requestTransition,
  TERMINAL_REQUEST_STATES,
  terminationRefusal,
} from '@mxg/lifecycle';
import type { MessageAuditContext } from './message-audit-context';
import type { MessageRecord } from './exchange.types';
import { ExchangeStore } from './store/exchange.store';
import { RequestStore } from './store/request.store';
import type { NewRequest, RequestRecord } from './store/request.types';

/** What a message does to its request, decided and ready to be written in the same unit of work. */
export type RequestMove =
  | {
      readonly ok: true;
      /** The request-lifecycle audit event, if the message moves a request (not for a notice). */
      readonly event: RequestAuditEvent | null;
      readonly requestId: string | null;
      /**
       * MIG-11.1: the message belongs to a confidential request (a request whose body says
       * `confidential: true`, or a message of its exchange): sealed without the clear routing
       * header. Known from the request row the move locked, without decrypting anything.
       */
      readonly confidential: boolean;
      /** MIG-10.3: for a request this gateway received — its receipt date and deadline. */
      readonly due: { readonly receivedOn: string; readonly dueOn: string } | null;
      /** The request the message opens: stored in the statement that stores the message. */
      readonly open: NewRequest | null;
      /**
       * Moves the request the message answers; call it in the transaction that stores the
       * message and in which `decide` locked the request. Nothing to do for an opening message.
       */
      readonly apply: (db: SqlClient) => Promise<void>;
    }
  | RequestRefusal;

export type AcceptedRequestMove = Extract<RequestMove, { ok: true }>;

/** The audit entry of a request's move, in the message's own context (none for a notice). */
export function requestAudit(
  move: AcceptedRequestMove,
  context: MessageAuditContext,
): AuditEventInput[] {
  if (move.event === null) return [];
  return [{ ...context, type: move.event, details: { request: move.requestId } }];
}

/** For a message that answers none: `decide` reads nothing for it. */
const NO_QUERIES: SqlClient = {
  query: () => Promise.reject(new Error('a message that answers none needs no query')),
};

const UNTRACKED: RequestMove = {
  ok: true,
  event: null,
  requestId: null,
  confidential: false,
  due: null,
  open: null,
  apply: async () => {},
};

/**
 * Applies the request lifecycle (`@mxg/lifecycle`) to a message about to be stored, on either
 * side of the border: the sender before it seals (its national system's mistake is refused
 * synchronously), the receiver before it stores (a crafted envelope is refused with a negative
 * receipt). Both decide from the same table over the same state, so they agree.
 */
@Injectable()
export class RequestTracker {
  constructor(
    private readonly config: MxgConfigService,
    private readonly requests: RequestStore,
    private readonly exchange: ExchangeStore,
  ) {}

  /**
   * `decide` before the unit of work that stores the message, to refuse early: for an answer
   * in a short transaction of its own; a message that answers none reads nothing, so it takes
   * no connection at all (the common case: every new request).
   */
  precheck(
    header: MessageHeader,
    body: Readonly<Record<string, unknown>>,
    direction: 'outgoing' | 'incoming',
    at: Date,
  ): Promise<RequestMove> {
    if (header.inReplyTo === null) return this.decide(NO_QUERIES, header, body, direction, at);
    return this.exchange.transaction((tx) => this.decide(tx, header, body, direction, at));
  }

  /**
   * The move `header` makes, decided in `db`'s transaction with the request row locked, so that
   * two messages of one request are taken one after the other. `direction`: whether this
   * gateway sends the message or received it.
   */
  async decide(
    db: SqlClient,
    header: MessageHeader,
    body: Readonly<Record<string, unknown>>,
    direction: 'outgoing' | 'incoming',
    at: Date,
  ): Promise<RequestMove> {
    const type = header.type;
    if (!isRequestMessageType(type)) return UNTRACKED;
    const terminated = terminationRefusal(this.config.treaty.agreement(header.agreement), type, at);
    if (terminated) return terminated;

    let request: RequestRecord | undefined;
    let target: RequestTarget = { kind: 'none' };
    let side: RequestSide = 'requester';
    if (header.inReplyTo !== null) {
      // MIG-8: a request or a notice starts its own exchange; naming an earlier message, it is
      // refused (NOT_AN_ANSWER) whatever that message is.
      if (type === 'request' || type === 'notice') target = { kind: 'not-a-request', type };
      else request = await this.requests.lock(db, header.correlationId);
      if (request) {
        target = { kind: 'request', state: request.state, agreement: request.agreement };
        const sideOf = this.sideOf(request, header.from.authority);
        if (sideOf === undefined) return notYours(type, header.correlationId);
        side = sideOf;
      } else if (target.kind === 'none') {
        const rootType = (await this.exchange.find(header.correlationId, db))?.type;
        if (rootType !== undefined) target = { kind: 'not-a-request', type: rootType };
      }
    }
    const partial = typeof body.partial === 'boolean' ? body.partial : undefined;
    const moved = requestTransition({ target, type, side, agreement: header.agreement, partial });
    if (!moved.ok) return moved;
    if (moved.state === null) return UNTRACKED; // a notice (MIG-8)

    const state = moved.state;
    if (type === 'request') {
      const due = direction === 'incoming' ? this.deadline(header.to.authority, at) : null;
      const confidential = body.confidential === true;
      return {
        ok: true,
        event: moved.event,
        requestId: header.id,
        confidential,
        due,
        open: {
          id: header.id,
          agreement: header.agreement,
          side: direction === 'outgoing' ? 'requester' : 'requested',
          requester: header.from,
          requested: header.to,
          // MIG-11.2: the purpose every answer of the request is bound to (a code: the body
          // schema checked it against config/vocabularies.yaml).
          purpose: typeof body.purpose === 'string' ? body.purpose : null,
          confidential,
          state,
          at,
          due: due ?? undefined,
        },
        apply: async () => {},
      };
    }
    const until = typeof body.until === 'string' ? body.until : undefined;
    return {
      ok: true,
      event: moved.event,
      requestId: request!.id,
      confidential: request!.confidential,
      due: null,
      open: null,
      apply: (tx) =>
        this.requests.advance(tx, request!.id, {
          state,
          at,
          messageId: header.id,
          closed: (TERMINAL_REQUEST_STATES as readonly string[]).includes(state),
          postponedUntil: type === 'postponement' ? until : undefined,
          delayNoticed: type === 'delay-notice',
        }),
    };
  }

  /**
   * A message of a request was refused by its receiver (a negative receipt): nothing moved
   * there, so the request is rebuilt here from its messages that were not refused, in the
   * order they were stored, through the same table — the two sides agree again, and the
   * national system can correct the message and send it again. A refused request leaves no
   * request behind.
   */
  async rollBack(db: SqlClient, refused: MessageRecord): Promise<void> {
    if (!isRequestMessageType(refused.type)) return;
    const request = await this.requests.lock(db, refused.correlationId);
    if (!request) return;
    if (refused.id === request.id) return this.requests.remove(db, request.id);
    let state: RequestState | null = null;
    let rebuilt = {
      stateAt: request.openedAt,
      lastMessageId: request.id,
      closedAt: null as Date | null,
      postponedUntil: null as string | null,
      delayNoticedAt: null as Date | null,
    };
    for (const m of await this.exchange.conversation(request.id)) {
      if (m.status === 'rejected' || m.id === refused.id || !isRequestMessageType(m.type)) continue;
      // A destroyed message's content is gone (MIG-11.5): its type still moves the request.
      const stored = await this.exchange.content(m.id, db);
      const body = stored?.state === 'available' ? decodeMessage(stored.content).body : {};
      const moved = requestTransition({
        target:
          state === null
            ? { kind: 'none' }
            : { kind: 'request', state, agreement: request.agreement },
        type: m.type,
        side: this.sideOf(request, m.from.authority) ?? 'requester',
        agreement: m.agreement,
        partial: typeof body.partial === 'boolean' ? body.partial : undefined,
      });
      if (!moved.ok || moved.state === null) continue;
      state = moved.state;
      const at = m.recordedAt;
      rebuilt = {
        stateAt: at,
        lastMessageId: m.id,
        closedAt: (TERMINAL_REQUEST_STATES as readonly string[]).includes(state) ? at : null,
        postponedUntil:
          m.type === 'postponement' && typeof body.until === 'string'
            ? body.until
            : rebuilt.postponedUntil,
        delayNoticedAt: m.type === 'delay-notice' ? at : rebuilt.delayNoticedAt,
      };
    }
    if (state !== null) await this.requests.rebuild(db, request.id, { state, ...rebuilt });
  }

  /** MIG-10.3: received today at the requested authority; due 30 calendar days later. */
  deadline(requestedAuthority: string, receivedAt: Date): { receivedOn: string; dueOn: string } {
    const zone = this.config.treaty.authorityTimeZone(requestedAuthority);
    return { receivedOn: localDate(receivedAt, zone), dueOn: dueDate(receivedAt, zone) };
  }

  private sideOf(request: RequestRecord, authority: string): RequestSide | undefined {
    if (authority === request.requester.authority) return 'requester';
    if (authority === request.requested.authority) return 'requested';
    return undefined;
  }
}

/** An authority that is neither end of the request names it: as if there were none (MIG-11.1). */
function notYours(type: string, id: string): RequestRefusal {
  return {
    ok: false,
    code: 'REQUEST_NOT_FOUND',
    message: `a ${type} for request ${id}, which is not a request between these authorities (MIG-8)`,
    treaty: 'MIG-8',
  };
}
