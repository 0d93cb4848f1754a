import { MESSAGE_STATUSES, type MessageDirection, type MessageStatus } from '@mxg/lifecycle';
import { CursorError, decodeCursor, encodeCursor } from '../../../api/cursor';
import { type FieldProblem, validationFailed } from '../../exchange.errors';

export const SEARCH_DEFAULT_LIMIT = 50;
export const SEARCH_MAX_LIMIT = 200;

/**
 * Where a page of the search ends: the last message's `recorded_at` in microseconds since the
 * epoch (PostgreSQL's precision: a millisecond Date would skip or repeat messages recorded in
 * the same millisecond) and its id; newest first.
 */
export interface SearchPosition {
  readonly recordedAtMicros: string;
  readonly id: string;
}

/**
 * A search of the messages this gateway holds, by routing data only (never content, MIG-11.1):
 * type, direction, status and a `recordedAt` range, newest first, paged by an opaque cursor.
 */
export class SearchMessagesCommand {
  private constructor(
    readonly limit: number,
    readonly after: SearchPosition | undefined,
    readonly type: string | undefined,
    readonly direction: MessageDirection | undefined,
    readonly status: MessageStatus | undefined,
    readonly since: Date | undefined,
    readonly until: Date | undefined,
  ) {}

  /** Validates the query string: VALIDATION_FAILED naming every field at fault. */
  static create(query: Record<string, unknown>): SearchMessagesCommand {
    const problems: FieldProblem[] = [];
    const text = (field: string): string | undefined => {
      const value = query[field];
      if (value === undefined || value === '') return undefined;
      if (typeof value !== 'string') {
        problems.push({ field, rule: 'single', message: 'must be given once' });
        return undefined;
      }
      return value;
    };
    const limitText = text('limit');
    const limit = limitText === undefined ? SEARCH_DEFAULT_LIMIT : Number(limitText);
    if (!/^\d{1,4}$/.test(limitText ?? '1') || limit < 1 || limit > SEARCH_MAX_LIMIT) {
      problems.push({
        field: 'limit',
        rule: 'range',
        message: `must be an integer from 1 to ${SEARCH_MAX_LIMIT}`,
      });
    }
    const cursorText = text('cursor');
    const after = cursorText === undefined ? undefined : decodeSearchCursor(cursorText);
    if (cursorText !== undefined && after === undefined) {
      throw new CursorError(
        'is not a cursor of this list: pass the `next` of the previous page as it is',
      );
    }
    const type = text('type');
    if (type !== undefined && !/^[a-z][a-z0-9-]{0,63}$/.test(type)) {
      problems.push({ field: 'type', rule: 'format', message: 'must be a message type' });
    }
    const direction = text('direction');
    if (direction !== undefined && direction !== 'outgoing' && direction !== 'incoming') {
      problems.push({ field: 'direction', rule: 'enum', message: 'must be outgoing or incoming' });
    }
    const status = text('status');
    if (status !== undefined && !(MESSAGE_STATUSES as readonly string[]).includes(status)) {
      problems.push({
        field: 'status',
        rule: 'enum',
        message: `must be one of ${MESSAGE_STATUSES.join(', ')}`,
      });
    }
    const instant = (field: string): Date | undefined => {
      const value = text(field);
      if (value === undefined) return undefined;
      const date =
        /^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d{1,3})?)?(Z|[+-]\d{2}:\d{2}))?$/.test(value)
          ? new Date(value)
          : undefined;
      if (date === undefined || Number.isNaN(date.getTime())) {
        problems.push({
          field,
          rule: 'format',
          message: 'must be a date (YYYY-MM-DD, UTC) or an RFC 3339 date-time',
        });
        return undefined;
      }
      return date;
    };
    const since = instant('since');
    const until = instant('until');
    if (since !== undefined && until !== undefined && since >= until) {
      problems.push({ field: 'until', rule: 'range', message: 'must be later than since' });
    }
    if (problems.length > 0) throw validationFailed(problems);
    return new SearchMessagesCommand(
      limit,
      after,
      type,
      direction as MessageDirection | undefined,
      status as MessageStatus | undefined,
      since,
      until,
    );
  }
}

/** The search's cursors: the last message's (`recorded_at` in µs, id), newest first. */
const SEARCH_CURSOR = 'messages';

/** The cursor a page hands out (api/cursor's codec, like every list's). */
export function encodeSearchCursor(position: SearchPosition): string {
  return encodeCursor(SEARCH_CURSOR, [position.recordedAtMicros, position.id]);
}

/** The position in a search cursor, or `undefined` if it is none of the search's. */
export function decodeSearchCursor(cursor: string): SearchPosition | undefined {
  try {
    const [micros, id] = decodeCursor(SEARCH_CURSOR, cursor, ['string', 'uuid']) as string[];
    return /^\d{1,17}$/.test(micros) ? { recordedAtMicros: micros, id } : undefined;
  } catch (error) {
    if (error instanceof CursorError) return undefined;
    throw error;
  }
}
