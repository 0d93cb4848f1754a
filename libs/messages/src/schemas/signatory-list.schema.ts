import { z } from 'zod';
import { attachmentSchema } from './attachment.schema';
import {
  attachmentId,
  authorityCode,
  calendarDate,
  codeParams,
  nonEmpty,
  text,
} from './field-schemas';

const names = () => z.strictObject({ ru: text(), en: text() });

/**
 * MIG-9.3, MIG-9.4: an authority's whole list of persons authorised to sign requests, in force
 * from `effectiveFrom` (a calendar day in the authority's time zone) until a later version's.
 * Each person keeps every certificate registered for them (renewals, DER in base64, oldest
 * first), so older messages still verify; `sampleSignature` names the attachment carrying the
 * sample signature form (a `document`: PDF or scan). `version` increases with every update.
 */
export function signatoryListUpdateSchema() {
  return z
    .strictObject({
      authority: authorityCode(),
      effectiveFrom: calendarDate(),
      version: z
        .number({ error: 'must be a whole number' })
        .int({ error: 'must be a whole number' })
        .min(1, { error: 'must be 1 or more' }),
      signatories: nonEmpty(
        z.strictObject({
          id: z.string().regex(/^[a-z0-9][a-z0-9-]{2,63}$/u, { error: 'must be a signatory id' }),
          person: names(),
          position: names(),
          certificates: nonEmpty(z.base64({ error: 'must be a certificate (DER) in base64' })),
          sampleSignature: attachmentId(),
        }),
      ),
      attachments: nonEmpty(attachmentSchema),
      note: text().optional(),
    })
    .superRefine((body, ctx) => {
      const ids = new Set<string>();
      body.signatories.forEach((s, i) => {
        if (ids.has(s.id)) {
          ctx.addIssue({
            code: 'custom',
            path: ['signatories', i, 'id'],
            message: 'names a signatory listed already',
            ...codeParams('VALUE_INVALID'),
          });
        }
        ids.add(s.id);
        const sample = body.attachments.find((a) => a.id === s.sampleSignature);
        if (sample?.kind !== 'document') {
          ctx.addIssue({
            code: 'custom',
            path: ['signatories', i, 'sampleSignature'],
            message:
              sample === undefined
                ? 'names no attachment of this message; it must name one of kind document'
                : `names an attachment of kind ${sample.kind}; it must name one of kind document`,
            ...codeParams('ATTACHMENT_REFERENCE_INVALID'),
          });
        }
      });
    });
}

export type SignatoryListUpdateBody = z.infer<ReturnType<typeof signatoryListUpdateSchema>>;
