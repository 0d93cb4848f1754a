import { BadRequestException } from '@nestjs/common';
import { z } from 'zod';
import { AUDIT_EVENT_TYPES, type AuditEntryFilter } from '@mxg/audit';
import { decodeCursor } from '../../../api/cursor';
import { AuditApiErrorCode } from '../../audit.errors';

/** The audit entries' cursors: an entry's seq, its place in the log. */
export const AUDIT_ENTRIES_CURSOR = 'audit-entries';

const MAX_LIMIT = 1000;
const instant = z.iso.datetime({ offset: true }).transform((s) => new Date(s));

/** What an auditor may filter on (issue 4); identifiers only, so the query can itself be logged. */
const schema = z.strictObject({
  from: instant.optional(),
  to: instant.optional(),
  party: z
    .string()
    .regex(/^[A-Z]{2}$/)
    .optional(),
  authority: z
    .string()
    .regex(/^[A-Z]{2}-[A-Z0-9]{2,12}$/)
    .optional(),
  agreement: z
    .string()
    .regex(/^[A-Z]{2,10}$/)
    .optional(),
  messageId: z
    .string()
    .regex(/^[A-Za-z0-9][A-Za-z0-9._:@/+=-]{0,127}$/)
    .optional(),
  correlationId: z
    .string()
    .regex(/^[A-Za-z0-9][A-Za-z0-9._:@/+=-]{0,127}$/)
    .optional(),
  type: z.enum(AUDIT_EVENT_TYPES).optional(),
  cursor: z.string().optional(),
  limit: z.coerce.number().int().min(1).max(MAX_LIMIT).default(100),
});

export type QueryAuditLogInput = z.input<typeof schema>;

export class QueryAuditLogCommand {
  private constructor(
    readonly filter: AuditEntryFilter,
    /** The query as the auditor gave it, for the `audit.queried` entry. */
    readonly asGiven: Readonly<Record<string, string>>,
  ) {}

  /** Validates before anything runs; 400 AUDIT_QUERY_INVALID naming each bad parameter. */
  static create(query: Record<string, unknown>): QueryAuditLogCommand {
    const parsed = schema.safeParse(query);
    if (!parsed.success) {
      throw new BadRequestException({
        code: AuditApiErrorCode.QueryInvalid,
        message: parsed.error.issues
          .map((i) => `${i.path.join('.') || 'query'}: ${i.message}`)
          .join('; '),
      });
    }
    const { cursor, ...rest } = parsed.data;
    const after =
      cursor === undefined
        ? undefined
        : (decodeCursor(AUDIT_ENTRIES_CURSOR, cursor, ['integer'])[0] as number);
    const asGiven = Object.fromEntries(
      Object.entries(query).filter(([, v]) => typeof v === 'string') as [string, string][],
    );
    return new QueryAuditLogCommand({ ...rest, afterSeq: after }, asGiven);
  }
}
