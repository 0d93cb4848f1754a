import { createHash } from 'node:crypto';
import type { BodyProblem } from '../body-problem';
import { bodyPath } from '../body-problem';
import { attachmentSchema } from '../schemas/attachment.schema';
import {
  ALLOWED_CONTENT_TYPES,
  MAX_ATTACHMENT_BYTES,
  MAX_ATTACHMENTS_BYTES,
} from './attachment-kinds';
import { sniffContentType } from './sniff-content-type';

const MIB = 1024 * 1024;
const size = (bytes: number) =>
  bytes >= MIB ? `${bytes / MIB} MiB` : `${Math.round(bytes / 1024)} KiB`;

/**
 * The bytes of every well-formed attachment (its shape is the schema's concern): the declared
 * content type is allowed for its kind and is what the bytes are (magic numbers), the decoded
 * size is within the kind's limit and all of them within the message's, and `sha256` is the
 * digest of the decoded bytes. Ids must be unique, for persons refer to them.
 */
export function attachmentProblems(
  attachments: unknown,
  article: string,
): { problems: BodyProblem[]; kinds: ReadonlyMap<string, string> } {
  const problems: BodyProblem[] = [];
  const kinds = new Map<string, string>();
  if (!Array.isArray(attachments)) return { problems, kinds };
  let total = 0;
  attachments.forEach((raw: unknown, i) => {
    const at = (field?: string) => bodyPath(['attachments', i, ...(field ? [field] : [])]);
    const problem = (code: BodyProblem['code'], field: string | undefined, message: string) =>
      problems.push({ path: at(field), code, message, treaty: article });
    const id = (raw as { id?: unknown } | null)?.id;
    const kind = (raw as { kind?: unknown } | null)?.kind;
    if (typeof id === 'string') {
      if (kinds.has(id)) problem('VALUE_INVALID', 'id', 'another attachment has the same id');
      else if (typeof kind === 'string') kinds.set(id, kind);
    }
    const parsed = attachmentSchema.safeParse(raw);
    if (!parsed.success) return;
    const attachment = parsed.data;
    const bytes = Buffer.from(attachment.data, 'base64');
    total += bytes.byteLength;
    if (!ALLOWED_CONTENT_TYPES[attachment.kind].includes(attachment.contentType)) {
      problem(
        'ATTACHMENT_TYPE_MISMATCH',
        'contentType',
        `a ${attachment.kind} may be ${ALLOWED_CONTENT_TYPES[attachment.kind].join(', ')}`,
      );
    }
    const actual = sniffContentType(bytes);
    if (actual !== attachment.contentType) {
      problem(
        'ATTACHMENT_TYPE_MISMATCH',
        'data',
        actual === undefined
          ? `the bytes are not ${attachment.contentType}: no known file signature`
          : `the bytes are ${actual}, not the declared ${attachment.contentType}`,
      );
    }
    const limit = MAX_ATTACHMENT_BYTES[attachment.kind];
    if (bytes.byteLength > limit) {
      problem(
        'ATTACHMENT_TOO_LARGE',
        'data',
        `a ${attachment.kind} may be at most ${size(limit)} (decoded); this one is ${size(bytes.byteLength)}`,
      );
    }
    if (createHash('sha256').update(bytes).digest('hex') !== attachment.sha256) {
      problem(
        'ATTACHMENT_DIGEST_MISMATCH',
        'sha256',
        'is not the SHA-256 of the decoded bytes of data',
      );
    }
  });
  if (total > MAX_ATTACHMENTS_BYTES) {
    problems.push({
      path: 'body.attachments',
      code: 'ATTACHMENT_TOO_LARGE',
      message: `the attachments of one message may be at most ${size(MAX_ATTACHMENTS_BYTES)} together (decoded); these are ${size(total)}`,
      treaty: article,
    });
  }
  return { problems, kinds };
}

/**
 * MIG-6: a person's photographs and fingerprint card are attachments of this message, of that
 * kind (`kinds`: attachment id → kind).
 */
export function referenceProblems(
  persons: unknown,
  kinds: ReadonlyMap<string, string>,
): BodyProblem[] {
  if (!Array.isArray(persons)) return [];
  const problems: BodyProblem[] = [];
  const check = (reference: unknown, path: PropertyKey[], kind: string) => {
    if (typeof reference !== 'string') return;
    const found = kinds.get(reference);
    if (found === kind) return;
    problems.push({
      path: bodyPath(path),
      code: 'ATTACHMENT_REFERENCE_INVALID',
      message:
        found === undefined
          ? `names no attachment of this message; it must name one of kind ${kind}`
          : `names an attachment of kind ${found}; it must name one of kind ${kind}`,
      treaty: 'MIG-6',
    });
  };
  persons.forEach((person: unknown, i) => {
    if (typeof person !== 'object' || person === null) return;
    const { photographs, fingerprintCard } = person as Record<string, unknown>;
    if (Array.isArray(photographs)) {
      photographs.forEach((ref: unknown, j) =>
        check(ref, ['persons', i, 'photographs', j], 'photograph'),
      );
    }
    check(fingerprintCard, ['persons', i, 'fingerprintCard'], 'fingerprint-card');
  });
  return problems;
}
