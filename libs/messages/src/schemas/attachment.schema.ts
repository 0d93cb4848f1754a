import { z } from 'zod';
import { ATTACHMENT_KINDS, CONTENT_TYPES } from '../attachments/attachment-kinds';
import { attachmentId, text } from './field-schemas';

/**
 * A file carried inside the signed message (MIG-6 photographs and fingerprint card; MIG-9.2
 * documents), so the signatory's signature covers its bytes. The bytes are checked against the
 * declared content type, the kind's size limit and the digest (`check-attachments.ts`).
 */
export const attachmentSchema = z.strictObject({
  id: attachmentId(),
  kind: z.enum(ATTACHMENT_KINDS, { error: `must be one of ${ATTACHMENT_KINDS.join(', ')}` }),
  contentType: z.enum(CONTENT_TYPES, { error: `must be one of ${CONTENT_TYPES.join(', ')}` }),
  data: z.base64({ error: 'must be the file in base64' }),
  sha256: z
    .string()
    .regex(/^[0-9a-f]{64}$/u, { error: 'must be the SHA-256 of the decoded bytes, 64 hex digits' }),
  title: text().optional(),
});

export type Attachment = z.infer<typeof attachmentSchema>;
