import { createHash } from 'node:crypto';
import canonicalize from 'canonicalize';
import { JsonError, parseStrictJson } from '@mxg/core';
import { EnvelopeError } from '../envelope.errors';
import {
  type MessageHeader,
  messageHeaderSchema,
  type MxgMessage,
  mxgMessageSchema,
} from './message-header';

/**
 * A message's signed form: its RFC 8785 (JCS) canonical JSON in UTF-8. Canonical, so that the
 * same message always has the same bytes and digest however a national system spelled its JSON.
 */
export function encodeMessage(message: MxgMessage): Uint8Array {
  return Buffer.from(canonicalJson(mxgMessageSchema.parse(message)), 'utf8');
}

/**
 * `encodeMessage(message)` and `encodeHeader(message.header)` at once, validating and
 * canonicalising the header once: sealing needs both, the header for the routing attribute.
 */
export function encodeMessageAndHeader(message: MxgMessage): {
  readonly content: Uint8Array;
  readonly header: Uint8Array;
} {
  const parsed = mxgMessageSchema.parse(message);
  const header = canonicalJson(parsed.header);
  // RFC 8785 §3.2.3: members sorted by name, and a message has exactly these two.
  const content = `{"body":${canonicalJson(parsed.body)},"header":${header}}`;
  return { content: Buffer.from(content, 'utf8'), header: Buffer.from(header, 'utf8') };
}

/**
 * Parses signed content back into a message, refusing anything that is not exactly the
 * canonical form of an MXG message: the content is read strictly (`parseStrictJson`: valid
 * UTF-8, no duplicate keys, exact numbers …), so that what a signature covers is never
 * reinterpreted, and it must be byte for byte what `encodeMessage` makes of the result.
 */
export function decodeMessage(bytes: Uint8Array): MxgMessage {
  const json = strictJson(bytes, 'MALFORMED_MESSAGE', 'signed content', 'message');
  const parsed = mxgMessageSchema.safeParse(json);
  if (!parsed.success) {
    const first = parsed.error.issues[0];
    throw new EnvelopeError(
      'MALFORMED_MESSAGE',
      `signed content is not an MXG message: ${first?.path.join('.') ?? ''} ${first?.message ?? ''}`.trim(),
      'message',
    );
  }
  if (!Buffer.from(canonicalJson(json), 'utf8').equals(bytes)) {
    throw new EnvelopeError(
      'MALFORMED_MESSAGE',
      'signed content is not in canonical (RFC 8785) form',
      'message',
    );
  }
  return parsed.data;
}

export function encodeHeader(header: MessageHeader): Uint8Array {
  return Buffer.from(canonicalJson(messageHeaderSchema.parse(header)), 'utf8');
}

export function decodeHeader(bytes: Uint8Array): MessageHeader {
  const json = strictJson(bytes, 'MALFORMED_ENVELOPE', 'the sealed routing header', 'outer');
  const parsed = messageHeaderSchema.safeParse(json);
  if (!parsed.success) {
    throw new EnvelopeError(
      'MALFORMED_ENVELOPE',
      'the sealed routing header is not an MXG message header',
      'outer',
    );
  }
  return parsed.data;
}

/** `sha256:<hex>` of a message's signed content: what answers and receipts refer to. */
export function messageDigest(signedContent: Uint8Array): string {
  return `sha256:${createHash('sha256').update(signedContent).digest('hex')}`;
}

function canonicalJson(value: unknown): string {
  const text = canonicalize(value);
  if (text === undefined)
    throw new EnvelopeError('MALFORMED_MESSAGE', 'message cannot be serialised', 'message');
  return text;
}

/** `parseStrictJson`, its refusal as the envelope error a receiver reports. */
function strictJson(
  bytes: Uint8Array,
  code: 'MALFORMED_MESSAGE' | 'MALFORMED_ENVELOPE',
  what: string,
  layer: 'message' | 'outer',
): unknown {
  try {
    return parseStrictJson(bytes);
  } catch (error) {
    if (!(error instanceof JsonError)) throw error;
    throw new EnvelopeError(
      code,
      `${what} is not JSON MXG can sign exactly (${error.problem.rule}): ${error.message.replace(/^[A-Z_]+: /, '')}`,
      layer,
    );
  }
}
