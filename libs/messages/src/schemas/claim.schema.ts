import { z } from 'zod';
import { attachmentSchema } from './attachment.schema';
import { attachmentId, calendarDate, codeParams, nonEmpty, text } from './field-schemas';

/**
 * The RET bodies (CIS protocol on settlements for returning minors). Money is a decimal string,
 * never a JSON number: binary floating point cannot hold 0.10 (RET-3.6). Whether the figures
 * add up, the rates are official and the documents suffice is `checkClaim` (@mxg/settlements);
 * these schemas say only what each field is.
 */

/**
 * An exact decimal as text, e.g. 120.00 or 515.2034: RET-3.6 money, never a JSON number. At most
 * 18 integer and 12 fraction digits, so a line's conversion is exact (@mxg/settlements `Money`).
 */
export const money = () =>
  z.string().regex(/^-?\d{1,18}(\.\d{1,12})?$/u, {
    error: 'must be a decimal as text, such as 120.00 (at most 18 + 12 digits)',
  });

/** A rate: a positive decimal as text, national currency per `units` of the other. */
const rateValue = () =>
  z
    .string()
    .regex(/^\d{1,18}(\.\d{1,12})?$/u, {
      error: 'must be a positive decimal as text, such as 515.20',
    })
    .refine((v) => /[1-9]/u.test(v), { error: 'must be greater than zero' });

/** ISO 4217 alphabetic code (RET-3.6: the currency of each expense). */
export const currencyCode = () =>
  z.string().regex(/^[A-Z]{3}$/u, { error: 'must be an ISO 4217 currency code such as KZT' });

/** A CIS state's two-letter party code, as in config/parties.yaml. */
const partyCode = () =>
  z.string().regex(/^[A-Z]{2}$/u, { error: 'must be a party code such as KZ' });

const positiveInt = () =>
  z
    .number({ error: 'must be a whole number' })
    .int({ error: 'must be a whole number' })
    .min(1, { error: 'must be at least 1' })
    .max(999_999_999, { error: 'must be at most 999999999' });

/** A claim's number, unique per claiming party, e.g. KZ-RET-2026-0012. */
export const claimNumber = () =>
  z.string().regex(/^[A-Z0-9][A-Z0-9/-]{2,63}$/u, {
    error: 'must be a claim number such as KZ-RET-2026-0012',
  });

/** RET-3.2 (a)–(e), the return act (RET-3.1), the invoice (RET-3.5) and the carrier's fare certificate. */
export const CLAIM_DOCUMENT_KINDS = [
  'return-act',
  'institution-stay',
  'minor-travel',
  'escort-travel',
  'accommodation',
  'payment-proof',
  'per-diem-statement',
  'fare-certificate',
  'medical-insurance',
  'other',
] as const;
export type ClaimDocumentKind = (typeof CLAIM_DOCUMENT_KINDS)[number];

/** RET-3.3: the kinds of expense a claim's lines may be. */
export const CLAIM_LINE_KINDS = [
  'institution-stay',
  'minor-travel',
  'escort-travel',
  'accommodation',
  'per-diem',
  'internal-travel',
  'medical-insurance',
] as const;
export type ClaimLineKind = (typeof CLAIM_LINE_KINDS)[number];

/** Lines counted in person-nights or person-days (RET-3.3, RET-3.4: capped per unit). */
export const UNIT_LINE_KINDS: readonly ClaimLineKind[] = ['accommodation', 'per-diem'];

const TRAVEL_DOCUMENT_KINDS: readonly ClaimDocumentKind[] = ['minor-travel', 'escort-travel'];

const documentId = () =>
  z.string().regex(/^[a-z0-9][a-z0-9-]{0,31}$/u, {
    error: 'must be a document id: a-z, 0-9 and -, at most 32',
  });

/** A supporting document (RET-3.2), carried as an attachment. */
export const claimDocumentSchema = z
  .strictObject({
    id: documentId(),
    kind: z.enum(CLAIM_DOCUMENT_KINDS, {
      error: `must be one of ${CLAIM_DOCUMENT_KINDS.join(', ')}`,
    }),
    name: text(),
    number: z.string().min(1, { error: 'must not be empty' }).optional(),
    date: calendarDate(),
    showsFare: z.boolean({ error: 'must be true or false' }).optional().meta({
      description:
        'travel documents only: false when the ticket shows no fare, so a carrier’s fare certificate is needed (RET-3.2)',
    }),
    attachment: attachmentId(),
  })
  .superRefine((doc, ctx) => {
    if (doc.showsFare !== undefined && !TRAVEL_DOCUMENT_KINDS.includes(doc.kind)) {
      ctx.addIssue({
        code: 'custom',
        path: ['showsFare'],
        message: 'only a travel document says whether it shows the fare',
        ...codeParams('VALUE_INVALID'),
      });
    }
  });
export type ClaimDocument = z.infer<typeof claimDocumentSchema>;

const rateSchema = () =>
  z.strictObject({
    source: z.string().regex(/^[A-Z]{2,10}$/u, {
      error: 'must be a national bank code such as NBK (RET-3.7)',
    }),
    value: rateValue(),
    units: positiveInt(),
  });

/** One line of the calculation (RET-3.6, RET-3.7). */
export const claimLineSchema = z
  .strictObject({
    no: positiveInt(),
    kind: z.enum(CLAIM_LINE_KINDS, { error: `must be one of ${CLAIM_LINE_KINDS.join(', ')}` }),
    name: text(),
    document: documentId().meta({ description: 'the supporting document’s id (RET-3.6)' }),
    expenseDate: calendarDate(),
    currency: currencyCode(),
    amount: money(),
    units: positiveInt()
      .optional()
      .meta({ description: 'person-nights (accommodation) or person-days (per-diem)' }),
    rate: rateSchema()
      .optional()
      .meta({ description: 'national currency per `units` of the expense currency (RET-3.7)' }),
    usdRate: rateSchema()
      .optional()
      .meta({ description: 'national currency per `units` US dollars (RET-3.7)' }),
    usd: money(),
  })
  .superRefine((line, ctx) => {
    if (UNIT_LINE_KINDS.includes(line.kind) && line.units === undefined) {
      ctx.addIssue({
        code: 'custom',
        path: ['units'],
        message: `a ${line.kind} line counts its person-nights or person-days (RET-3.3, RET-3.4)`,
        ...codeParams('FIELD_REQUIRED'),
      });
    }
  });
export type ClaimLine = z.infer<typeof claimLineSchema>;

/** `reimbursement-claim` version 2 (RET-3.1 to RET-3.7). */
export const reimbursementClaimSchema = z
  .strictObject({
    claimNumber: claimNumber(),
    stayState: partyCode().meta({ description: 'where the minor stayed: the claiming state' }),
    residenceState: partyCode().meta({
      description: 'the minor’s state of residence: the paying state',
    }),
    // RET-3.1: the act signed at the handover.
    returnAct: z.strictObject({
      number: text(),
      handoverDate: calendarDate(),
      place: text(),
      minor: z.strictObject({
        surname: text(),
        givenNames: text(),
        dateOfBirth: calendarDate(),
      }),
      representatives: z
        .array(z.strictObject({ state: partyCode(), name: text(), position: text() }))
        .min(2, { error: 'names the representatives of both states (RET-3.1)' }),
    }),
    // RET-3.5: the invoice with the bank details payment goes to.
    invoice: z.strictObject({
      number: text(),
      date: calendarDate(),
      beneficiary: text(),
      bank: text(),
      account: z.string().regex(/^[A-Z0-9]{8,34}$/u, {
        error: 'must be an IBAN or national account number (8–34 letters and digits)',
      }),
      swift: z
        .string()
        .regex(/^[A-Z]{6}[A-Z0-9]{2}([A-Z0-9]{3})?$/u, { error: 'must be a SWIFT/BIC code' })
        .optional(),
    }),
    documents: nonEmpty(claimDocumentSchema),
    attachments: nonEmpty(attachmentSchema),
    lines: nonEmpty(claimLineSchema),
    // RET-2: settled in US dollars; the currency is checked by checkClaim (TOTAL_CURRENCY).
    total: z.strictObject({ currency: currencyCode(), amount: money() }),
  })
  .superRefine((claim, ctx) => {
    const states = new Set(claim.returnAct.representatives.map((r) => r.state));
    for (const state of [claim.stayState, claim.residenceState]) {
      if (!states.has(state)) {
        ctx.addIssue({
          code: 'custom',
          path: ['returnAct', 'representatives'],
          message: `names no representative of ${state}: both states sign the return act (RET-3.1)`,
          ...codeParams('FIELD_REQUIRED'),
        });
      }
    }
    if (claim.stayState === claim.residenceState) {
      ctx.addIssue({
        code: 'custom',
        path: ['residenceState'],
        message: 'differs from the state of stay (RET-3.1)',
        ...codeParams('VALUE_INVALID'),
      });
    }
    unique(
      claim.documents.map((d) => d.id),
      ['documents'],
      ctx,
    );
    unique(
      claim.lines.map((l) => l.no),
      ['lines'],
      ctx,
    );
  });
export type ReimbursementClaim = z.infer<typeof reimbursementClaimSchema>;

/** `payment-confirmation` version 2 (RET-4): the payment closes the claim it names. */
export const paymentConfirmationSchema = z.strictObject({
  claimNumber: claimNumber(),
  paidOn: calendarDate(),
  currency: z.literal('USD', { error: 'must be USD (RET-2)' }),
  amount: money(),
  reference: text(),
});

const lineNumbers = () =>
  nonEmpty(positiveInt())
    .optional()
    .meta({ description: 'the calculation lines concerned (RET-3.6 № п/п)' });

/** RET-4: the paying state asks about a claim. */
export const claimQuerySchema = z.strictObject({ question: text(), lines: lineNumbers() });

/** RET-4: the paying state disputes a claim; settled by consultation, the claim stays open. */
export const claimDisputeSchema = z.strictObject({
  reason: text(),
  lines: lineNumbers(),
  disputedAmount: money().optional().meta({ description: 'in US dollars (RET-2)' }),
});

/** RET-4: the claiming state answers a query or dispute, with further documents if needed. */
export const claimReplySchema = z.strictObject({
  answer: text(),
  documents: nonEmpty(claimDocumentSchema).optional(),
  attachments: nonEmpty(attachmentSchema).optional(),
});

function unique(values: readonly unknown[], path: PropertyKey[], ctx: z.RefinementCtx): void {
  const seen = new Set<unknown>();
  values.forEach((value, i) => {
    if (seen.has(value)) {
      ctx.addIssue({
        code: 'custom',
        path: [...path, i],
        message: 'repeats an id or number already listed',
        ...codeParams('VALUE_INVALID'),
      });
    }
    seen.add(value);
  });
}
