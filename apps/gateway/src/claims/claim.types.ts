import type { ClaimSide, ClaimState } from '@mxg/lifecycle';

export type { ClaimSide, ClaimState };

export interface ClaimEnd {
  readonly party: string;
  readonly authority: string;
}

/**
 * A RET claim as both gateways register it (RET-3.1, RET-3.2, RET-4): ids, codes, dates and
 * amounts — never the minor's or the representatives' names. Money is a decimal string.
 */
export interface ClaimRecord {
  /** The reimbursement-claim's message id. */
  readonly id: string;
  readonly agreement: string;
  /** This gateway's side: `stay` sent the claim, `residence` received it and pays. */
  readonly side: ClaimSide;
  readonly claimNumber: string;
  readonly stay: ClaimEnd;
  readonly residence: ClaimEnd;
  readonly returnActNumber: string;
  readonly handoverDate: string;
  readonly sentOn: string;
  /** RET-3.2: sent more than 15 calendar days after the return. */
  readonly late: boolean;
  /** «Итого» in USD (RET-2, RET-3.6). */
  readonly totalUsd: string;
  readonly lineCount: number;
  readonly state: ClaimState;
  readonly disputed: boolean;
  readonly stateAt: Date;
  readonly submittedAt: Date;
  /** RET-4: from the receiver's signed receipt. */
  readonly receivedAt: Date | null;
  readonly receivedOn: string | null;
  readonly dueOn: string | null;
  readonly paidOn: string | null;
  readonly paidUsd: string | null;
  readonly paymentMessageId: string | null;
  readonly overdueRecordedAt: Date | null;
}

export type NewClaim = Omit<
  ClaimRecord,
  | 'stateAt'
  | 'paidOn'
  | 'paidUsd'
  | 'paymentMessageId'
  | 'overdueRecordedAt'
  | 'disputed'
  | 'receivedAt'
  | 'receivedOn'
  | 'dueOn'
> & {
  readonly due: {
    readonly receivedAt: Date;
    readonly receivedOn: string;
    readonly dueOn: string;
  } | null;
};

/** What a query, reply, dispute or payment does to the row. */
export interface ClaimAdvance {
  readonly state: ClaimState;
  readonly at: Date;
  readonly disputed?: boolean;
  readonly paidOn?: string;
  readonly paidUsd?: string;
  readonly paymentMessageId?: string;
}

/** The claims the API lists (see ClaimStore.list). */
export interface ClaimFilter {
  /** Only claims this authority sent or received; `undefined` = all (auditors). */
  readonly authority?: string;
  readonly states?: readonly ClaimState[];
  readonly disputed?: boolean;
  /**
   * RET-4: only open claims with a due date, past it (`overdue`) or not (`due`), against each
   * residence authority's local date today (`today[authority]`, YYYY-MM-DD).
   */
  readonly deadline?: {
    readonly passed: boolean;
    readonly today: Readonly<Record<string, string>>;
  };
  /** Only those after this claim in the list's order (newest first): a page's cursor. */
  readonly after?: { readonly submittedAt: Date; readonly id: string };
  readonly limit: number;
}
