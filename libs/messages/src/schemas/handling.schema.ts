import { z } from 'zod';
import { nonEmpty, text } from './field-schemas';

/**
 * Handling restrictions a providing authority sets on the information it sends (MIG-11.2,
 * MIG-11.3): a closed list of codes, because a gateway records and shows them, and free-text
 * `conditions` beside them, which stay in the signed message only.
 *
 * - `purpose-only` (MIG-11.2): use only for the purpose of the request it answers.
 * - `no-judicial-use` (MIG-11.2): not in judicial proceedings without the provider's permission.
 * - `no-onward-transfer` (MIG-11.3): not passed to a third party without the provider's consent.
 */
export const HANDLING_RESTRICTIONS = [
  'purpose-only',
  'no-judicial-use',
  'no-onward-transfer',
] as const;
export type HandlingRestriction = (typeof HANDLING_RESTRICTIONS)[number];

/**
 * What the treaty itself imposes on every piece of information received under it, whatever a
 * message lists: results serve only their purpose (MIG-11.2), nothing goes to a third party
 * without prior consent (MIG-11.3). A message may name them; it cannot lift them.
 */
export const TREATY_RESTRICTIONS: readonly HandlingRestriction[] = [
  'purpose-only',
  'no-onward-transfer',
];

/** The types whose body carries `handling`; required in a `response` (MIG-10.3, MIG-11.2). */
export const HANDLING_TYPES = ['response', 'clarification', 'notice'] as const;

/** One restriction code. */
export const restrictionCode = () =>
  z.enum(HANDLING_RESTRICTIONS, {
    error: `must be one of the handling restriction codes: ${HANDLING_RESTRICTIONS.join(', ')} (MIG-11.2, MIG-11.3)`,
  });

/** A list of restriction codes, each at most once; may be empty (the treaty's own still hold). */
export const restrictionList = () =>
  z
    .array(restrictionCode())
    .refine((codes) => new Set(codes).size === codes.length, {
      error: 'must name each restriction at most once',
    })
    .meta({
      description: `codes from ${HANDLING_RESTRICTIONS.join(', ')}; ${TREATY_RESTRICTIONS.join(' and ')} hold whether listed or not (MIG-11.2, MIG-11.3)`,
    });

/** `handling`: the restrictions that travel signed with an answer (MIG-11.2, MIG-11.3). */
export const handlingSchema = () =>
  z
    .strictObject({
      restrictions: restrictionList(),
      conditions: text().optional().meta({
        description: 'further conditions in words (MIG-11.2); never recorded outside the message',
      }),
    })
    .meta({
      description: 'handling restrictions set by the providing authority (MIG-11.2, MIG-11.3)',
    });

/** A message id named in a body. */
export const messageId = () =>
  z.string().regex(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/u, {
    error: 'must be a message id (a lower-case UUID)',
  });

/**
 * `handling-restriction`: the provider adds restrictions later to messages it sent (MIG-11.2).
 * Adds only: a restriction once set is never lifted by another message.
 */
export const handlingRestrictionBody = () =>
  z.strictObject({
    messages: nonEmpty(messageId())
      .refine((ids) => new Set(ids).size === ids.length, { error: 'must name each message once' })
      .meta({ description: 'ids of messages the sending authority sent to the addressee' }),
    restrictions: nonEmpty(restrictionCode()).refine((c) => new Set(c).size === c.length, {
      error: 'must name each restriction at most once',
    }),
    conditions: text().optional(),
  });
