import type { z } from 'zod';
import type { MessageType, Vocabulary } from '@mxg/config';
import { attachmentProblems, referenceProblems } from './attachments/check-attachments';
import {
  type BodyCheck,
  type BodyProblem,
  type BodyProblemCode,
  BODY_PROBLEM_CODES,
  bodyPath,
} from './body-problem';
import { latinFormWarnings } from './checks/latin-forms';
import { personDateProblems } from './checks/person-dates';
import { russianTextWarnings } from './checks/russian-text';
import { bodySchemas } from './schemas/body-schemas';
import { articleOf } from './schemas/treaty-articles';

/**
 * The one check of a message body, the same in the API (both submit paths), at the receiving
 * gateway and in `mxg message check`: the type's strict schema, then what a schema cannot say —
 * attachment bytes, references and dates — and the warnings (MIG-6 Latin forms, MIG-15 Russian).
 * `now` is the checking gateway's clock: a birth date after its UTC date is refused.
 */
export function checkMessageBody(
  type: MessageType,
  body: unknown,
  vocabulary: Vocabulary,
  now: Date,
): BodyCheck {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    return {
      problems: [
        {
          path: 'body',
          code: 'VALUE_INVALID',
          message: 'the body must be a JSON object',
          treaty: articleOf(type, []),
        },
      ],
      warnings: [],
    };
  }
  const fields = body as Record<string, unknown>;
  const parsed = bodySchemas(vocabulary)[type].safeParse(body);
  const problems = parsed.success
    ? []
    : parsed.error.issues.flatMap((i) => fromIssue(type, i, body));

  const attachments = attachmentProblems(fields.attachments, articleOf(type, ['attachments']));
  problems.push(...attachments.problems);
  if (Array.isArray(fields.attachments) || Array.isArray(fields.persons)) {
    problems.push(...referenceProblems(fields.persons, attachments.kinds));
  }
  problems.push(...personDateProblems(fields.persons, now.toISOString().slice(0, 10)));

  const warnings = [...latinFormWarnings(fields.persons), ...russianTextWarnings(body)];
  return { problems: dedupe(problems), warnings };
}

/** A Zod issue as the findings it stands for: one per unknown key, with a stable code. */
function fromIssue(type: MessageType, issue: z.core.$ZodIssue, body: object): BodyProblem[] {
  const treaty = (path: readonly PropertyKey[]) => articleOf(type, path);
  const path = issue.path;
  if (issue.code === 'unrecognized_keys') {
    return issue.keys.map((key) => ({
      path: bodyPath([...path, key]),
      code: 'FIELD_NOT_ALLOWED',
      message: path.some((p) => p === 'persons')
        ? 'is not personal data MIG-6 allows to be exchanged'
        : `is not a field of a ${type} body`,
      treaty: treaty([...path, key]),
    }));
  }
  return [
    {
      path: bodyPath(path),
      code: codeOf(issue, path, body),
      message: messageOf(issue, path, body),
      treaty: treaty(path),
    },
  ];
}

function codeOf(issue: z.core.$ZodIssue, path: PropertyKey[], body: object): BodyProblemCode {
  if (issue.code === 'custom') {
    const code = (issue.params as { code?: string } | undefined)?.code;
    return BODY_PROBLEM_CODES.find((c) => c === code) ?? 'VALUE_INVALID';
  }
  if (isMissing(path, body)) return 'FIELD_REQUIRED';
  if (issue.code === 'invalid_format' && issue.format === 'date') return 'DATE_INVALID';
  return 'VALUE_INVALID';
}

function messageOf(issue: z.core.$ZodIssue, path: PropertyKey[], body: object): string {
  if (issue.code !== 'custom' && isMissing(path, body)) return 'required field is missing';
  return issue.message;
}

/** Whether the field at `path` is absent (not: present with a wrong value). */
function isMissing(path: readonly PropertyKey[], body: object): boolean {
  let parent: unknown = body;
  for (const key of path.slice(0, -1)) {
    if (typeof parent !== 'object' || parent === null) return false;
    parent = (parent as Record<PropertyKey, unknown>)[key];
  }
  const last = path.at(-1);
  return (
    last !== undefined &&
    typeof parent === 'object' &&
    parent !== null &&
    !Object.prototype.hasOwnProperty.call(parent, last)
  );
}

function dedupe(problems: readonly BodyProblem[]): BodyProblem[] {
  const seen = new Set<string>();
  return problems.filter((p) => {
    const key = `${p.path}\0${p.code}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}
