import type { RequestSide, RequestState } from '@mxg/lifecycle';

export type { RequestSide };

/** A request as both gateways track it: ids, states and dates — never its content. */
export interface RequestRecord {
  readonly id: string;
  readonly agreement: string;
  /** Which end this gateway holds: it sent the request, or received it (MIG-8). */
  readonly side: RequestSide;
  readonly requester: { readonly party: string; readonly authority: string };
  readonly requested: { readonly party: string; readonly authority: string };
  /** MIG-11.2: the request's purpose code; every answer is bound to it. Null only before #12. */
  readonly purpose: string | null;
  /** MIG-11.1: its envelopes are sealed without the clear routing header. */
  readonly confidential: boolean;
  readonly state: RequestState;
  readonly stateAt: Date;
  readonly lastMessageId: string;
  readonly openedAt: Date;
  /** MIG-10.3: when the requested gateway received it (its signed receipt's time). */
  readonly receivedAt: Date | null;
  /** … as the calendar date at the requested authority. */
  readonly receivedOn: string | null;
  /** MIG-10.3: the legal deadline, `receivedOn` + 30 calendar days. Never moved. */
  readonly dueOn: string | null;
  /** MIG-10.2: a postponement's until-date, recorded beside the deadline. */
  readonly postponedUntil: string | null;
  /** MIG-10.1: the last delay notice. */
  readonly delayNoticedAt: Date | null;
  readonly closedAt: Date | null;
  /** When this gateway audited the deadline passing unanswered. */
  readonly overdueRecordedAt: Date | null;
}

/** What `GET /requests` filters by; every filter is optional but the authority. */
export interface RequestFilter {
  readonly authority: string;
  readonly role?: RequestSide;
  readonly state?: RequestState;
  /** Due on or before this date (YYYY-MM-DD). */
  readonly dueBefore?: string;
  /** Only those open and past their deadline at the requested authority (`true`), or only the others. */
  readonly overdue?: boolean;
  /** Those after this request (of the same authority) in the list's order: a page's cursor. */
  readonly after?: string;
  readonly limit: number;
}

/** A request this gateway opens: the one its own request message starts (MIG-9.2). */
export interface NewRequest {
  readonly id: string;
  readonly agreement: string;
  readonly side: RequestSide;
  readonly requester: { readonly party: string; readonly authority: string };
  readonly requested: { readonly party: string; readonly authority: string };
  /** MIG-11.2: the purpose code of the request's body. */
  readonly purpose: string | null;
  /** MIG-11.1: the request's body says `confidential: true`. */
  readonly confidential: boolean;
  readonly state: RequestState;
  readonly at: Date;
  /** Set when this gateway is the requested one: it received the request now (MIG-10.3). */
  readonly due?: { readonly receivedOn: string; readonly dueOn: string };
}
