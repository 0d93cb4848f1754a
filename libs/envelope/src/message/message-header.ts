import { z } from 'zod';
import { MESSAGE_TYPES } from '@mxg/config';

/** The format of the signed message; changes only with a new version. */
export const MESSAGE_FORMAT = 'mxg-message/1';

const uuid = z.uuid();
const endpoint = z.strictObject({
  party: z.string().regex(/^[A-Z]{2}$/),
  authority: z.string().regex(/^[A-Z]{2}-[A-Z0-9]{2,12}$/),
});

/**
 * What the signatory's signature binds besides the body: who sends what, to whom, under which
 * agreement, when, and which message it answers (by id and digest), so none of it can be
 * swapped in transit. The same header is sealed into the outer signature as routing data, so it
 * must never carry personal data: ids, codes and times only.
 */
export const messageHeaderSchema = z.strictObject({
  format: z.literal(MESSAGE_FORMAT),
  id: uuid,
  type: z.enum(MESSAGE_TYPES),
  agreement: z.string().regex(/^[A-Z]{2,10}$/),
  from: endpoint,
  to: endpoint,
  createdAt: z.iso.datetime({ offset: false, precision: 3 }),
  /** The request a conversation started with; a new request's own id. */
  correlationId: uuid,
  /** For an answer: the message answered and the SHA-256 of its signed content (hex). */
  inReplyTo: z
    .strictObject({ id: uuid, digest: z.string().regex(/^sha256:[0-9a-f]{64}$/) })
    .nullable(),
});

export type MessageHeader = z.infer<typeof messageHeaderSchema>;

export const mxgMessageSchema = z.strictObject({
  header: messageHeaderSchema,
  body: z.record(z.string(), z.unknown()),
});

export type MxgMessage = z.infer<typeof mxgMessageSchema>;
