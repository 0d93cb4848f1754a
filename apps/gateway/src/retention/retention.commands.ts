import { z } from 'zod';
import { parseStrictJson } from '@mxg/core';
import { type DestructionReason, EARLY_DESTRUCTION_REASONS } from '@mxg/messages';
import { type FieldProblem, validationFailed } from '../exchange/exchange.errors';

/**
 * A reference id: a case, order or file number as the officer's records spell it — letters,
 * digits and `.-/_`, at most 64. Not free text: it goes into the audit log (MIG-11.1).
 */
const reference = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._/-]{0,63}$/u, {
  error: 'must be a reference id: letters, digits and . - / _, at most 64 (no free text)',
});

export const holdCommandSchema = z.strictObject({ reference });

export const destroyCommandSchema = z.strictObject({
  reason: z.enum(EARLY_DESTRUCTION_REASONS as [DestructionReason, ...DestructionReason[]], {
    error: `must be one of ${EARLY_DESTRUCTION_REASONS.join(', ')}`,
  }),
  reference: reference.optional(),
});

/** Reads a JSON command strictly (MALFORMED_JSON …), then against `schema` (VALIDATION_FAILED). */
export function readCommand<S extends z.ZodType>(schema: S, bytes: Uint8Array): z.infer<S> {
  const parsed = schema.safeParse(parseStrictJson(bytes));
  if (parsed.success) return parsed.data;
  const problems: FieldProblem[] = parsed.error.issues.map((issue) => ({
    field: issue.path.length === 0 ? 'body' : issue.path.map(String).join('.'),
    rule: issue.code,
    message: issue.message,
    treaty: 'MIG-11.5',
  }));
  throw validationFailed(problems);
}
