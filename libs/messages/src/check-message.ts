import { z } from 'zod';
import { MESSAGE_TYPES, type MessageType, type Vocabulary } from '@mxg/config';
import { ANSWER_TYPES } from './answer-types';
import type { BodyProblem } from './body-problem';
import { checkMessageBody } from './check-message-body';

/** What `POST /messages` takes as JSON: the message the gateway signs for the signatory. */
export const submittedMessageSchema = z.strictObject({
  agreement: z.string().regex(/^[A-Z]{2,10}$/u, { error: 'must be an agreement code such as MIG' }),
  type: z.enum(MESSAGE_TYPES, { error: `must be one of ${MESSAGE_TYPES.join(', ')}` }),
  to: z.strictObject({
    authority: z.string().regex(/^[A-Z]{2}-[A-Z0-9]{2,12}$/u, {
      error: 'must be an authority code such as AZ-DMX (MIG-2)',
    }),
  }),
  signatory: z.string().regex(/^[a-z0-9][a-z0-9-]{2,63}$/u, {
    error: 'must be a signatory id from signatories.yaml (MIG-9.3)',
  }),
  body: z.record(z.string(), z.unknown(), { error: 'must be a JSON object' }),
  inReplyTo: z.uuid({ error: 'must be the UUID of a received message' }).optional(),
});

/** The routing part of a whole signed message (`{header, body}`), as far as a body check needs it. */
const headerTypeSchema = z.looseObject({
  type: z.enum(MESSAGE_TYPES, { error: `must be one of ${MESSAGE_TYPES.join(', ')}` }),
  inReplyTo: z.unknown(),
});

export interface MessageCheck {
  /** `submission`: the shape `POST /messages` takes; `message`: a whole `{header, body}`. */
  readonly form: 'submission' | 'message';
  readonly type: MessageType | undefined;
  readonly problems: readonly BodyProblem[];
  readonly warnings: readonly BodyProblem[];
}

/**
 * A message checked offline as a gateway checks it: the submission's own fields (as `POST
 * /messages` reads them; a whole message's header is checked by `@mxg/envelope`), an answer's
 * `inReplyTo` (MIG-8), and its body (`checkMessageBody`). What depends on the day and the
 * registry — agreement in force, signatory on the list — is left to the gateway.
 */
export function checkMessage(json: unknown, vocabulary: Vocabulary, now: Date): MessageCheck {
  const whole =
    typeof json === 'object' &&
    json !== null &&
    !Array.isArray(json) &&
    Object.keys(json).sort().join(',') === 'body,header';
  const form = whole ? 'message' : 'submission';
  const parsed = whole
    ? z.strictObject({ header: headerTypeSchema, body: z.unknown() }).safeParse(json)
    : submittedMessageSchema.safeParse(json);
  const problems: BodyProblem[] = parsed.success
    ? []
    : parsed.error.issues.flatMap((issue) => envelopeProblems(issue, json));
  const fields = (json ?? {}) as Record<string, unknown>;
  const header = (whole ? fields.header : fields) as Record<string, unknown> | undefined;
  const type = MESSAGE_TYPES.find((t) => t === header?.type);
  if (type && ANSWER_TYPES.includes(type) && (header?.inReplyTo ?? null) === null) {
    problems.push({
      path: whole ? 'header.inReplyTo' : 'inReplyTo',
      code: 'FIELD_REQUIRED',
      message: `a ${type} answers a received message`,
      treaty: 'MIG-8',
    });
  }
  if (!type) return { form, type, problems, warnings: [] };
  const body = checkMessageBody(type, fields.body, vocabulary, now);
  return {
    form,
    type,
    // A body that is missing or no object is said once, by the submission's check.
    problems: [
      ...problems,
      ...body.problems.filter((p) => p.path !== 'body' || !problems.some((q) => q.path === 'body')),
    ],
    warnings: body.warnings,
  };
}

function envelopeProblems(issue: z.core.$ZodIssue, json: unknown): BodyProblem[] {
  const at = (path: readonly PropertyKey[]) =>
    path.reduce<string>(
      (s, k) => (typeof k === 'number' ? `${s}[${k}]` : s ? `${s}.${String(k)}` : String(k)),
      '',
    ) || '(message)';
  const path = issue.path;
  if (issue.code === 'unrecognized_keys') {
    return issue.keys.map((key) => ({
      path: at([...path, key]),
      code: 'FIELD_NOT_ALLOWED',
      message: 'is not a field of a submitted message',
      treaty: 'MIG-9.2',
    }));
  }
  let parent: unknown = json;
  for (const key of path.slice(0, -1)) parent = (parent as Record<PropertyKey, unknown>)?.[key];
  const missing =
    typeof parent === 'object' && parent !== null && path.length > 0 && !(path.at(-1)! in parent);
  return [
    {
      path: at(path),
      code: missing ? 'FIELD_REQUIRED' : 'VALUE_INVALID',
      message: missing ? 'required field is missing' : issue.message,
      treaty: 'MIG-9.2',
    },
  ];
}
