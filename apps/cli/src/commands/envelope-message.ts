import { randomUUID } from 'node:crypto';
import type { TreatyRegistry } from '@mxg/config';
import {
  MESSAGE_FORMAT,
  type MessageHeader,
  messageHeaderSchema,
  type MxgMessage,
} from '@mxg/envelope';
import { usageError } from './usage-error';

/** The header flags of `mxg envelope seal`, for a file that holds only a body. */
export interface MessageHeaderFlags {
  readonly from?: string;
  readonly to?: string;
  readonly type?: string;
  readonly agreement?: string;
  readonly correlationId?: string;
  readonly inReplyTo?: string;
  readonly inReplyToDigest?: string;
}

const HEADER_FLAGS: Record<keyof MessageHeaderFlags, string> = {
  from: '--from',
  to: '--to',
  type: '--type',
  agreement: '--agreement',
  correlationId: '--correlation-id',
  inReplyTo: '--in-reply-to',
  inReplyToDigest: '--in-reply-to-digest',
};

/**
 * The message to seal from a JSON file: either a whole MXG message (`{header, body}`), taken as
 * it is, or a body, to which the flags add a header with a fresh id and creation time.
 */
export function messageFromJson(
  json: unknown,
  flags: MessageHeaderFlags,
  treaty: TreatyRegistry,
  now: Date,
): MxgMessage {
  if (!isObject(json)) usageError('the message file must hold a JSON object');
  const given = (Object.keys(HEADER_FLAGS) as (keyof MessageHeaderFlags)[]).filter(
    (k) => flags[k] !== undefined,
  );
  if (isWholeMessage(json)) {
    if (given.length > 0) {
      usageError(
        `the message file has its own header; leave out ${given.map((k) => HEADER_FLAGS[k]).join(', ')}`,
      );
    }
    return { header: validHeader(json.header), body: json.body };
  }
  const missing = (['from', 'to', 'type', 'agreement'] as const).filter((k) => !flags[k]);
  if (missing.length > 0) {
    usageError(
      `the message file holds only a body; give ${missing.map((k) => `${HEADER_FLAGS[k]} <…>`).join(' ')} (e.g. --from KZ-MVD --to AZ-DMX --type request --agreement MIG)`,
    );
  }
  if ((flags.inReplyTo === undefined) !== (flags.inReplyToDigest === undefined)) {
    usageError('--in-reply-to and --in-reply-to-digest go together');
  }
  const id = randomUUID();
  return {
    header: validHeader({
      format: MESSAGE_FORMAT,
      id,
      type: flags.type,
      agreement: flags.agreement,
      from: endpoint(flags.from!, treaty, '--from'),
      to: endpoint(flags.to!, treaty, '--to'),
      createdAt: now.toISOString(),
      // A new request starts its conversation; an answer joins the one it answers.
      correlationId: flags.correlationId ?? flags.inReplyTo ?? id,
      inReplyTo:
        flags.inReplyTo === undefined
          ? null
          : { id: flags.inReplyTo, digest: flags.inReplyToDigest },
    }),
    body: json,
  };
}

function endpoint(
  authority: string,
  treaty: TreatyRegistry,
  flag: string,
): MessageHeader['from'] | undefined {
  const found = treaty.allAuthorities().find((a) => a.code === authority);
  if (!found) usageError(`${flag} ${authority}: no such competent authority in config/ (MIG-2)`);
  return { party: found.party, authority };
}

function validHeader(header: unknown): MessageHeader {
  const parsed = messageHeaderSchema.safeParse(header);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `  - header.${i.path.join('.')}: ${i.message}`);
    usageError(`the message header is not valid:\n${problems.join('\n')}`);
  }
  return parsed.data;
}

function isWholeMessage(
  json: Record<string, unknown>,
): json is { header: unknown; body: Record<string, unknown> } {
  const keys = Object.keys(json).sort();
  return keys.length === 2 && keys[0] === 'body' && keys[1] === 'header' && isObject(json.body);
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
