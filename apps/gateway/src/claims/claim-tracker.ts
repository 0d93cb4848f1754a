import { Inject, Injectable } from '@nestjs/common';
import type { AuditEventInput } from '@mxg/audit';
import { addDays, MxgConfigService } from '@mxg/config';
import type { SqlClient } from '@mxg/database';
import { decodeMessage, type MessageHeader } from '@mxg/envelope';
import {
  type ClaimAuditEvent,
  type ClaimRefusal,
  type ClaimSide,
  type ClaimState,
  type ClaimTarget,
  claimTransition,
  isClaimMessageType,
  localDate,
} from '@mxg/lifecycle';
import { checkClaim, type ClaimProblem, RET_CLAIM_DAYS, RET_PAYMENT_DAYS } from '@mxg/settlements';
import type { MessageRecord } from '../exchange/exchange.types';
import type { MessageAuditContext } from '../exchange/message-audit-context';
import { ExchangeStore } from '../exchange/store/exchange.store';
import { CLAIM_RATE_TABLES, type ClaimRateTables } from './claim-rate-tables';
import { ClaimStore } from './claim.store';
import type { ClaimAdvance, ClaimRecord, NewClaim } from './claim.types';

/** RET-4: the documents' receipt date at the residence authority and the payment deadline. */
export interface ClaimDue {
  readonly receivedOn: string;
  readonly dueOn: string;
}

/** A claim whose content fails the RET-3 checks (`checkClaim`): every problem, by code. */
export interface ClaimCheckRefusal {
  readonly ok: false;
  /** The first problem's code: what a negative receipt carries. */
  readonly code: string;
  readonly message: string;
  readonly treaty: string;
  readonly problems: readonly ClaimProblem[];
}

/** What a message does to its claim, decided and ready to be written with the message. */
export type ClaimMove =
  | {
      readonly ok: true;
      /** The claim audit event; `null` for a message that is no claim's. */
      readonly event: ClaimAuditEvent | null;
      readonly claimId: string | null;
      /** Ids, codes, dates and amounts for the audit entry — never names. */
      readonly details: Readonly<Record<string, string | number | boolean | null>>;
      /** RET-4: for a claim this gateway receives, what its receipt states. */
      readonly due: ClaimDue | null;
      /** What the claim check flagged without refusing (RET-3.2 late, rates not covered). */
      readonly warnings: readonly ClaimProblem[];
      /**
       * Registers or moves the claim; call it in the transaction that stores the message (and in
       * which `decide` locked the claim), only if the message was new.
       */
      readonly apply: (db: SqlClient) => Promise<void>;
    }
  | ClaimRefusal
  | ClaimCheckRefusal;

export type AcceptedClaimMove = Extract<ClaimMove, { ok: true }>;

/** The audit entry of a claim's move, in the message's own context (none for other messages). */
export function claimAudit(
  move: AcceptedClaimMove,
  context: MessageAuditContext,
): AuditEventInput[] {
  if (move.event === null) return [];
  return [{ ...context, type: move.event, details: move.details }];
}

const UNTRACKED: ClaimMove = {
  ok: true,
  event: null,
  claimId: null,
  details: {},
  due: null,
  warnings: [],
  apply: async () => {},
};

/** The fields of a reimbursement-claim body (v2) the register keeps; the schema checked them. */
interface ClaimBody {
  readonly claimNumber: string;
  readonly returnAct: { readonly number: string; readonly handoverDate: string };
  readonly lines: readonly { readonly usd: string }[];
  readonly total: { readonly amount: string };
}

interface PaymentBody {
  readonly claimNumber: string;
  readonly paidOn: string;
  readonly amount: string;
}

/**
 * Applies the RET claim checks and the claim lifecycle (`@mxg/lifecycle`, RET-3.1, RET-4) to a
 * message about to be stored, on either side of the border — exactly as ConsentTracker does for
 * consents: the sender before it seals (its national system's mistake is refused synchronously,
 * 422 with every problem), the receiver before it stores (a crafted or pre-signed claim is
 * refused with a negative receipt). Both check the claim with the same pure `checkClaim`
 * (@mxg/settlements) over their own config and imported rate tables, and decide from the same
 * table over the same register row.
 */
@Injectable()
export class ClaimTracker {
  constructor(
    private readonly config: MxgConfigService,
    private readonly claims: ClaimStore,
    private readonly exchange: ExchangeStore,
    @Inject(CLAIM_RATE_TABLES) private readonly rates: ClaimRateTables,
  ) {}

  /**
   * The claim's content checks (RET-3.1 … RET-3.7), then `decide` in a short transaction of its
   * own, to refuse before the message is sealed or stored.
   */
  async precheck(
    header: MessageHeader,
    body: Readonly<Record<string, unknown>>,
    direction: 'outgoing' | 'incoming',
    at: Date,
  ): Promise<ClaimMove> {
    if (!isClaimMessageType(header.type)) return UNTRACKED;
    let warnings: readonly ClaimProblem[] = [];
    if (header.type === 'reimbursement-claim') {
      const checked = await this.check(header, body);
      if (checked.problems.length > 0) {
        const [first] = checked.problems;
        return {
          ok: false,
          code: first.code,
          message: checked.problems.map((p) => `${p.path}: ${p.code}`).join('; '),
          treaty: first.treaty,
          problems: checked.problems,
        };
      }
      warnings = checked.warnings;
    }
    const move = await this.exchange.transaction((tx) =>
      this.decide(tx, header, body, direction, at),
    );
    return move.ok ? { ...move, warnings } : move;
  }

  /** RET-3.1 … RET-3.7: `checkClaim` over this gateway's config and imported rate tables. */
  private async check(header: MessageHeader, body: Readonly<Record<string, unknown>>) {
    const zone = this.config.treaty.authorityTimeZone(header.from.authority);
    return checkClaim(body, {
      treaty: this.config.treaty,
      settlements: this.config.settlements,
      rates: await this.rates.tableFor(rateSources(body)),
      from: { party: header.from.party },
      to: { party: header.to.party },
      sentOn: localDate(new Date(header.createdAt), zone),
    });
  }

  /** The move `header` makes, decided in `db`'s transaction with the claim row locked. */
  async decide(
    db: SqlClient,
    header: MessageHeader,
    body: Readonly<Record<string, unknown>>,
    direction: 'outgoing' | 'incoming',
    at: Date,
  ): Promise<ClaimMove> {
    const type = header.type;
    if (!isClaimMessageType(type)) return UNTRACKED;
    let claim: ClaimRecord | undefined;
    let target: ClaimTarget = { kind: 'none' };
    let side: ClaimSide = 'stay';
    if (header.inReplyTo !== null) {
      if (type !== 'reimbursement-claim') claim = await this.claims.lock(db, header.correlationId);
      if (claim) {
        const sideOf = this.sideOf(claim, header);
        if (sideOf === undefined) return notYours(type, header.correlationId);
        side = sideOf;
        target = { kind: 'claim', state: claim.state, agreement: claim.agreement };
      } else {
        const root = await this.exchange.find(header.correlationId, db);
        if (root) target = { kind: 'not-a-claim', type: root.type };
        else if (type === 'reimbursement-claim') target = { kind: 'not-a-claim', type };
      }
    }
    const moved = claimTransition({ target, type, side, agreement: header.agreement });
    if (!moved.ok) return moved;
    const event = direction === 'outgoing' ? moved.event : moved.receivedEvent;

    if (type === 'reimbursement-claim') {
      const c = body as unknown as ClaimBody;
      // A claim number is its claiming state's: a second claim with it is refused (the first
      // claim's row is locked by number until this transaction ends).
      const taken = await this.claims.lockNumber(db, header.from.party, c.claimNumber);
      if (taken && taken.id !== header.id) {
        return {
          ok: false,
          code: 'CLAIM_NUMBER_TAKEN',
          message: `${header.from.party} has a claim numbered ${c.claimNumber} already (message ${taken.id}); a new claim takes a new number (RET-3.1)`,
          treaty: 'RET-3.1',
        };
      }
      const sentOn = localDate(
        new Date(header.createdAt),
        this.config.treaty.authorityTimeZone(header.from.authority),
      );
      // RET-3.2: sent more than 15 calendar days after the return — flagged, never refused.
      const late = sentOn > addDays(c.returnAct.handoverDate, RET_CLAIM_DAYS);
      const due = direction === 'incoming' ? this.deadline(header.to.authority, at) : null;
      const open: NewClaim = {
        id: header.id,
        agreement: header.agreement,
        side: direction === 'outgoing' ? 'stay' : 'residence',
        claimNumber: c.claimNumber,
        stay: header.from,
        residence: header.to,
        returnActNumber: c.returnAct.number,
        handoverDate: c.returnAct.handoverDate,
        sentOn,
        late,
        totalUsd: c.total.amount,
        lineCount: c.lines.length,
        state: moved.state,
        submittedAt: at,
        due: due && { receivedAt: at, ...due },
      };
      return {
        ok: true,
        event,
        claimId: header.id,
        details: {
          claim: header.id,
          claimNumber: c.claimNumber,
          handoverDate: open.handoverDate,
          sentOn,
          late,
          totalUsd: open.totalUsd,
          lines: open.lineCount,
          ...(due ?? {}),
        },
        due,
        warnings: [],
        apply: (tx) => this.claims.insert(tx, open),
      };
    }

    const id = claim!.id;
    let advance: ClaimAdvance = {
      state: moved.state,
      at,
      disputed: type === 'claim-dispute',
    };
    const details: Record<string, string | number | boolean | null> = {
      claim: id,
      claimNumber: claim!.claimNumber,
      state: moved.state,
    };
    if (type === 'payment-confirmation') {
      const paid = body as unknown as PaymentBody;
      if (paid.claimNumber !== claim!.claimNumber) {
        return {
          ok: false,
          code: 'CLAIM_NUMBER_MISMATCH',
          message: `a payment-confirmation for claim ${paid.claimNumber} answering claim ${claim!.claimNumber} (RET-4)`,
          treaty: 'RET-4',
        };
      }
      advance = {
        ...advance,
        paidOn: paid.paidOn,
        paidUsd: paid.amount,
        paymentMessageId: header.id,
      };
      Object.assign(details, { paidOn: paid.paidOn, paidUsd: paid.amount, dueOn: claim!.dueOn });
    }
    return {
      ok: true,
      event,
      claimId: id,
      details,
      due: null,
      warnings: [],
      apply: (tx) => this.claims.advance(tx, id, advance),
    };
  }

  /**
   * A claim message was refused by its receiver (a negative receipt): nothing moved there, so
   * the claim is rebuilt here from its messages that were not refused, through the same table —
   * the two registers agree again. A refused claim leaves no claim (its number is free again).
   */
  async rollBack(db: SqlClient, refused: MessageRecord): Promise<void> {
    if (!isClaimMessageType(refused.type)) return;
    const claim = await this.claims.lock(db, refused.correlationId);
    if (!claim) return;
    if (refused.id === claim.id) return this.claims.remove(db, claim.id);
    let state: ClaimState = 'submitted';
    let rebuilt: ClaimAdvance = { state, at: claim.submittedAt, disputed: false };
    for (const m of await this.exchange.conversation(claim.id)) {
      if (m.status === 'rejected' || m.id === refused.id || m.id === claim.id) continue;
      if (!isClaimMessageType(m.type)) continue;
      const side = m.from.authority === claim.stay.authority ? 'stay' : 'residence';
      const moved = claimTransition({
        target: { kind: 'claim', state, agreement: claim.agreement },
        type: m.type,
        side,
        agreement: m.agreement,
      });
      if (!moved.ok) continue;
      state = moved.state;
      rebuilt = {
        ...rebuilt,
        state,
        at: m.recordedAt,
        disputed: rebuilt.disputed === true || m.type === 'claim-dispute',
      };
      if (m.type === 'payment-confirmation') {
        const stored = await this.exchange.content(m.id, db);
        const paid =
          stored?.state === 'available'
            ? (decodeMessage(stored.content).body as unknown as PaymentBody)
            : undefined;
        rebuilt = {
          ...rebuilt,
          paidOn: paid?.paidOn,
          paidUsd: paid?.amount,
          paymentMessageId: m.id,
        };
      }
    }
    await this.claims.rebuild(db, claim.id, rebuilt);
  }

  /** RET-4: received today at the residence authority; payment due 30 calendar days later. */
  deadline(residenceAuthority: string, receivedAt: Date): ClaimDue {
    const receivedOn = localDate(
      receivedAt,
      this.config.treaty.authorityTimeZone(residenceAuthority),
    );
    return { receivedOn, dueOn: addDays(receivedOn, RET_PAYMENT_DAYS) };
  }

  private sideOf(claim: ClaimRecord, header: MessageHeader): ClaimSide | undefined {
    const { stay, residence } = claim;
    if (header.from.authority === stay.authority && header.to.authority === residence.authority)
      return 'stay';
    if (header.from.authority === residence.authority && header.to.authority === stay.authority)
      return 'residence';
    return undefined;
  }
}

/** The national banks a claim's lines name as their rates' sources (RET-3.7). */
function rateSources(body: Readonly<Record<string, unknown>>): string[] {
  const lines = Array.isArray(body.lines) ? (body.lines as Record<string, unknown>[]) : [];
  const sources = new Set<string>();
  for (const line of lines) {
    for (const rate of [line.rate, line.usdRate]) {
      const source = (rate as { source?: unknown } | undefined)?.source;
      if (typeof source === 'string') sources.add(source);
    }
  }
  return [...sources];
}

/** An authority that is neither end of the claim names it: as if there were none. */
function notYours(type: string, id: string): ClaimRefusal {
  return {
    ok: false,
    code: 'CLAIM_NOT_FOUND',
    message: `a ${type} for claim ${id}, which is not a claim between these authorities (RET-3.1)`,
    treaty: 'RET-3.1',
  };
}
