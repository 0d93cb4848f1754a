/**
 * What the calculation (RET-3.6) is drawn from: the parts of a `reimbursement-claim` v2 body it
 * shows. Structural, so a schema-valid body (the zod-inferred type in @mxg/messages) is one.
 * The minor and the representatives are read only to be masked: the calculation names nobody
 * (ids, numbers, amounts).
 */
export interface CalculationClaim {
  readonly claimNumber: string;
  readonly stayState: string;
  readonly residenceState: string;
  readonly returnAct: {
    readonly number: string;
    readonly handoverDate: string;
    /** Read only to keep them out: free text that repeats them is masked (see `personMask`). */
    readonly minor?: {
      readonly surname?: string;
      readonly givenNames?: string;
      readonly dateOfBirth?: string;
    };
    readonly representatives?: readonly { readonly name?: string }[];
  };
  readonly invoice: { readonly number: string; readonly date: string };
  readonly documents: readonly CalculationDocument[];
  readonly lines: readonly CalculationLine[];
  readonly total: { readonly currency: string; readonly amount: string };
}

export interface CalculationDocument {
  readonly id: string;
  readonly kind: string;
  readonly name: string;
  readonly number?: string;
  readonly date?: string;
}

export interface CalculationRate {
  readonly source: string;
  readonly value: string;
  readonly units: number;
}

export interface CalculationLine {
  readonly no: number;
  readonly kind: string;
  readonly name: string;
  readonly document: string;
  readonly expenseDate: string;
  readonly currency: string;
  readonly amount: string;
  readonly units?: number;
  /** National currency per `units` of the expense currency; absent when that is the national one. */
  readonly rate?: CalculationRate;
  /** National currency per `units` US dollars; absent when the expense is in dollars. */
  readonly usdRate?: CalculationRate;
  readonly usd: string;
}
