import { z } from 'zod';
import type { MessageType, Vocabulary } from '@mxg/config';
import { attachmentSchema } from './attachment.schema';
import {
  claimDisputeSchema,
  claimQuerySchema,
  claimReplySchema,
  paymentConfirmationSchema,
  reimbursementClaimSchema,
} from './claim.schema';
import { authorityCode, calendarDate, codeOf, codeParams, nonEmpty, text } from './field-schemas';
import { personSchema } from './person.schema';
import { signatoryListUpdateSchema } from './signatory-list.schema';
import { DESTRUCTION_REASONS } from '../destruction-reasons';

/** MIG-11.3 onward transfer to a third party, or MIG-11.2 use for another purpose. */
export const CONSENT_USES = ['onward-transfer', 'new-purpose'] as const;
export type ConsentUse = (typeof CONSENT_USES)[number];
import { handlingRestrictionBody, handlingSchema } from './handling.schema';

export type BodySchemas = Readonly<Record<MessageType, z.ZodType>>;

/**
 * One strict schema per message type: an unknown field is refused with its path, a missing one
 * named. Closed lists come from `config/vocabularies.yaml`, so the published JSON Schemas
 * (`GET /schemas/{type}`) enumerate what the configuration allows.
 */
function buildBodySchemas(vocabulary: Vocabulary): BodySchemas {
  const topic = codeOf(
    vocabulary.topics.map((t) => t.code),
    'topic (MIG-3)',
  ).meta({ description: 'area of cooperation (MIG-3)' });
  const category = codeOf(
    vocabulary.categories.map((c) => c.code),
    'information category (MIG-4, MIG-5)',
  );
  const ground = codeOf(
    vocabulary.refusalGrounds.map((g) => g.code),
    'refusal ground (MIG-10.4)',
  );
  const persons = nonEmpty(personSchema)
    .optional()
    .meta({ description: 'persons, with exactly the data MIG-6 allows' });
  const attachments = nonEmpty(attachmentSchema)
    .optional()
    .meta({ description: 'photographs, fingerprint cards, documents (MIG-6, MIG-9.2)' });
  // MIG-11.2: what a request's results may be used for, from a closed list.
  const purpose = codeOf(
    vocabulary.purposes.map((p) => p.code),
    'purpose (MIG-11.2)',
  ).meta({ description: 'MIG-9.2; results serve only this purpose (MIG-11.2)' });

  return {
    // MIG-9.2: requesting and requested authority are the header's; the body states the
    // substance, purpose and justification, and any other useful information.
    request: z.strictObject({
      topic,
      categories: nonEmpty(category).meta({
        description: 'the information asked for (MIG-4, MIG-5)',
      }),
      summary: text().meta({ description: 'the substance of the request (MIG-9.2)' }),
      purpose,
      legalBasis: text().meta({
        description: 'the national law or treaty article the request relies on (MIG-9.2, MIG-11.2)',
      }),
      justification: text().meta({ description: 'MIG-9.2' }),
      confidential: z.boolean({ error: 'must be true or false' }).optional().meta({
        description: 'MIG-11.1: the fact and content of the request are kept confidential',
      }),
      persons,
      attachments,
      otherInformation: text()
        .optional()
        .meta({ description: 'any other information useful for executing it (MIG-9.2)' }),
    }),
    // MIG-10.3: the full result of a request, with its handling restrictions (MIG-11.2, MIG-11.3).
    response: z.strictObject({ summary: text(), persons, attachments, handling: handlingSchema() }),
    // MIG-8: information sent without a request; it answers no request, so binds no purpose,
    // but the provider may restrict its handling (MIG-11.2, MIG-11.3).
    notice: z.strictObject({
      topic,
      categories: nonEmpty(category).optional(),
      summary: text(),
      persons,
      attachments,
      handling: handlingSchema().optional(),
    }),
    // MIG-10.4: full or partial, with the grounds and the reasons in writing.
    refusal: z.strictObject({
      partial: z.boolean({ error: 'must say whether the refusal is partial: true or false' }),
      grounds: nonEmpty(ground),
      reason: text(),
    }),
    // MIG-10.1: the requested party may ask for more, and says at once when it is delayed.
    'clarification-request': z.strictObject({ questions: text() }),
    clarification: z.strictObject({
      answers: text(),
      persons,
      attachments,
      handling: handlingSchema().optional(),
    }),
    'delay-notice': z.strictObject({
      reason: text(),
      // Recorded beside the legal deadline, which it does not move (MIG-10.3).
      expectedBy: calendarDate().optional(),
    }),
    // MIG-10.2: execution postponed, or made subject to conditions.
    postponement: z.strictObject({ reason: text(), until: calendarDate() }),
    conditions: z.strictObject({ conditions: text() }),
    // MIG-9.5: doubt about authenticity or content.
    'confirmation-request': z.strictObject({
      subject: z.enum(['authenticity', 'content'], { error: 'must be authenticity or content' }),
      reason: text(),
    }),
    confirmation: z.strictObject({
      confirmed: z.boolean({ error: 'must be true or false' }),
      text: text(),
    }),
    // MIG-11.1: confidentiality cannot be kept; the requester proceeds or withdraws.
    'confidentiality-notice': z.strictObject({ reason: text() }),
    proceed: z.strictObject({ text: text().optional() }),
    withdraw: z.strictObject({ reason: text().optional() }),
    // MIG-2: a rename (new names, same code) or a change of functions, from a date.
    'authority-change-notice': z
      .strictObject({
        authority: authorityCode(),
        change: z.enum(['rename', 'functions'], { error: 'must be rename or functions' }),
        names: z.strictObject({ ru: text(), en: text() }).optional(),
        effectiveFrom: calendarDate(),
        description: text(),
      })
      .superRefine((body, ctx) => {
        if (body.change === 'rename' && body.names === undefined) {
          ctx.addIssue({
            code: 'custom',
            path: ['names'],
            message: 'a rename gives the new names (ru, en)',
            ...codeParams('FIELD_REQUIRED'),
          });
        }
      }),
    'signatory-list-update': signatoryListUpdateSchema(),
    // MIG-11.2, MIG-11.3: consent to pass received information on to a third party, or to use it
    // for another purpose than the request's. The information is named by the ids of the received
    // messages it came in; the registry (docs/consent.md) keeps ids and codes, the text stays here.
    'consent-request': z
      .strictObject({
        messages: nonEmpty(
          z.uuid({ error: 'must be the id (UUID) of a message the requester received' }),
        ).meta({ description: 'the received messages the information came in' }),
        use: z.enum(CONSENT_USES, { error: `must be one of ${CONSENT_USES.join(', ')}` }).meta({
          description: 'onward-transfer to a third party (MIG-11.3) or a new purpose (MIG-11.2)',
        }),
        recipient: z
          .strictObject({
            id: z.string().regex(/^[A-Z]{2}-[A-Z0-9]{2,12}$/u, {
              error: 'must be an organisation code such as KZ-GP',
            }),
            name: text(),
          })
          .optional()
          .meta({ description: 'the third party (required for onward-transfer)' }),
        purpose: codeOf(
          vocabulary.purposes.map((p) => p.code),
          'purpose (MIG-11.2)',
        )
          .optional()
          .meta({ description: 'the new purpose (required for new-purpose)' }),
        justification: text(),
      })
      .superRefine((body, ctx) => {
        if (body.use === 'onward-transfer' && body.recipient === undefined) {
          ctx.addIssue({
            code: 'custom',
            path: ['recipient'],
            message: 'an onward transfer names the third party it goes to (MIG-11.3)',
            ...codeParams('FIELD_REQUIRED'),
          });
        }
        if (body.use === 'new-purpose' && body.purpose === undefined) {
          ctx.addIssue({
            code: 'custom',
            path: ['purpose'],
            message: 'a use for a new purpose names that purpose (MIG-11.2)',
            ...codeParams('FIELD_REQUIRED'),
          });
        }
        if (new Set(body.messages).size !== body.messages.length) {
          ctx.addIssue({
            code: 'custom',
            path: ['messages'],
            message: 'names each message once',
            ...codeParams('VALUE_INVALID'),
          });
        }
      }),
    // Consent expires: the provider says until when (inclusive, its own calendar date).
    'consent-grant': z.strictObject({
      validUntil: calendarDate().meta({
        description: 'the last day the consent holds, at the provider authority',
      }),
      conditions: text().optional(),
    }),
    'consent-denial': z.strictObject({ reason: text() }),
    // The provider withdraws a consent it granted.
    'consent-revocation': z.strictObject({ reason: text().optional() }),
    // MIG-11.2, MIG-11.3: the provider adds handling restrictions to messages it sent.
    'handling-restriction': handlingRestrictionBody(),
    // RET-3.1 to RET-3.7 — version 2: the return act, typed supporting documents, the invoice
    // and the line-by-line calculation in US dollars (claim.schema.ts).
    'reimbursement-claim': reimbursementClaimSchema,
    // RET-4 — version 2: the payment names the claim it closes.
    'payment-confirmation': paymentConfirmationSchema,
    'claim-query': claimQuerySchema,
    'claim-dispute': claimDisputeSchema,
    'claim-reply': claimReplySchema,
    // MIG-11.5: the receiving gateway destroyed messages the provider sent it. Ids, digests,
    // instants and reason codes only — never content; sent by the gateway itself.
    'destruction-notice': z.strictObject({
      messages: z
        .array(
          z.strictObject({
            id: z.uuid({ error: 'must be the id of a message the provider sent' }),
            digest: z.string().regex(/^sha256:[0-9a-f]{64}$/u, {
              error: 'must be sha256: and 64 hex digits',
            }),
            destroyedAt: z.iso.datetime({
              error: 'must be an instant such as 2026-01-31T12:00:00Z',
            }),
            reasonCode: z.enum(DESTRUCTION_REASONS, {
              error: `must be one of ${DESTRUCTION_REASONS.join(', ')}`,
            }),
          }),
        )
        .min(1, { error: 'must list at least one' })
        .max(100, { error: 'must list at most 100' }),
    }),
  };
}

const built = new WeakMap<Vocabulary, BodySchemas>();

/** The body schemas for a vocabulary, built once per loaded vocabulary. */
export function bodySchemas(vocabulary: Vocabulary): BodySchemas {
  let schemas = built.get(vocabulary);
  if (!schemas) {
    schemas = buildBodySchemas(vocabulary);
    built.set(vocabulary, schemas);
  }
  return schemas;
}
