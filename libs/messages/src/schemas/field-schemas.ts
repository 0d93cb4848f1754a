import { z } from 'zod';
import type { BodyProblemCode } from '../body-problem';

/**
 * The building blocks of every body schema. Error messages name the rule, never the value
 * (bodies carry personal data).
 */

/** A custom issue's stable code travels in `params.code` (see `check-message-body.ts`). */
export const codeParams = (code: BodyProblemCode) => ({ params: { code } });

/** Free text: not blank. MIG-15 asks for Russian; that is a warning (`TEXT_NOT_RUSSIAN`). */
export const text = () =>
  z.string({ error: 'must be text' }).regex(/\S/u, { error: 'must not be empty' });

/** A real calendar date, YYYY-MM-DD: 2026-02-30 and 2025-02-29 are refused (DATE_INVALID). */
export const calendarDate = () => z.iso.date({ error: 'must be a real calendar date YYYY-MM-DD' });

/** A competent authority's code (MIG-2), e.g. KZ-MVD. */
export const authorityCode = () =>
  z.string().regex(/^[A-Z]{2}-[A-Z0-9]{2,12}$/u, {
    error: 'must be an authority code such as KZ-MVD (MIG-2)',
  });

/** An attachment's id, unique within its message, which persons refer to (MIG-6). */
export const attachmentId = () =>
  z.string().regex(/^[a-z0-9][a-z0-9-]{0,63}$/u, {
    error: 'must be an attachment id: a-z, 0-9 and -, at most 64',
  });

/** One code of a closed list from `config/vocabularies.yaml`. */
export const codeOf = (codes: readonly string[], list: string) =>
  z.enum(codes as [string, ...string[]], {
    error: `must be one of the ${list} codes in config/vocabularies.yaml: ${codes.join(', ')}`,
  });

/** A list that, when present, is not empty. */
export const nonEmpty = <T extends z.ZodType>(item: T) =>
  z.array(item).min(1, { error: 'must list at least one' });
