/** Why a claim is refused (RET-3.1 to RET-3.7). Stable: receipts, the API and the CLI switch on them. */
export const CLAIM_PROBLEM_CODES = [
  /** stayState is not the sender's party, or residenceState not the addressee's (RET-3.1). */
  'CLAIM_WRONG_DIRECTION',
  /** A line's `usd` is not its conversion under the rounding policy (RET-3.6). */
  'LINE_USD_MISMATCH',
  /** «Итого» is not the sum of the lines (RET-3.6). */
  'TOTAL_MISMATCH',
  /** The total is not in US dollars (RET-2). */
  'TOTAL_CURRENCY',
  /** A document the claim or its lines need is absent (RET-3.1, RET-3.2). */
  'DOCUMENT_MISSING',
  /** A line names no such document, or a document no such attachment. */
  'DOCUMENT_UNKNOWN',
  /** A line's document is of a kind that does not support it, or an attachment not a document. */
  'DOCUMENT_KIND_MISMATCH',
  /** Accommodation or per diems above the state of stay's norms (RET-3.3, RET-3.4). */
  'CAP_EXCEEDED',
  /** A rate is not the state of stay's national bank's (RET-3.7). */
  'RATE_SOURCE_WRONG',
  /** A rate differs from the imported official rate in force on the expense date (RET-3.7). */
  'RATE_MISMATCH',
  /** A rate the line's currency needs is absent (RET-3.7). */
  'RATE_MISSING',
  /** A rate is given where the line's currency needs none. */
  'RATE_UNEXPECTED',
] as const;

/** Flagged, never refused. */
export const CLAIM_WARNING_CODES = [
  /** Sent more than 15 calendar days after the return (RET-3.2). */
  'CLAIM_LATE',
  /** No imported rate covers the expense date, or there is no table for the source (RET-3.7). */
  'RATE_NOT_COVERED',
] as const;

export type ClaimProblemCode = (typeof CLAIM_PROBLEM_CODES)[number];
export type ClaimWarningCode = (typeof CLAIM_WARNING_CODES)[number];

/** One finding; `message` names amounts, codes and dates, never a person. */
export interface ClaimProblem {
  readonly code: ClaimProblemCode | ClaimWarningCode;
  /** Where, from the message: `body.lines[2].usd`. */
  readonly path: string;
  readonly message: string;
  /** The treaty article the rule comes from, e.g. RET-3.6. */
  readonly treaty: string;
}

export interface ClaimCheck {
  /** Any problem refuses the claim. */
  readonly problems: ClaimProblem[];
  readonly warnings: ClaimProblem[];
}
