import { applyDecorators } from '@nestjs/common';
import { ApiQuery } from '@nestjs/swagger';
import { type CursorMember, type CursorPosition, decodeCursor, encodeCursor } from './cursor';

/** Every list's page size when the client names none, and the most one page may hold. */
export const DEFAULT_PAGE_SIZE = 100;
export const MAX_PAGE_SIZE = 500;

/** A refused `limit`, as each list reports it among its other field problems. */
export interface LimitProblem {
  readonly field: 'limit';
  readonly rule: 'range';
  readonly message: string;
}

/**
 * What a list's `limit` and `cursor` ask for: how many items, and after which position (the
 * `next` of the previous page, read back). `limit` is refused as a field problem, so a list
 * answers it with its other parameters' problems; a `cursor` that is none of this list's is
 * refused at once (400 CURSOR_INVALID).
 */
export function readPage(
  list: string,
  members: readonly CursorMember[],
  query: { limit?: unknown; cursor?: unknown },
  problems: { push(problem: LimitProblem): unknown },
  max = MAX_PAGE_SIZE,
  byDefault = Math.min(DEFAULT_PAGE_SIZE, max),
): { size: number; after?: CursorPosition } {
  const { limit, cursor } = query;
  const digits = String(max).length;
  const size =
    limit === undefined
      ? byDefault
      : typeof limit === 'string' && new RegExp(`^\\d{1,${digits}}$`).test(limit)
        ? +limit
        : 0;
  if (size < 1 || size > max) {
    problems.push({
      field: 'limit',
      rule: 'range',
      message: `must be an integer from 1 to ${max}`,
    });
  }
  return {
    size,
    after: cursor === undefined ? undefined : decodeCursor(list, cursor, members),
  };
}

/**
 * One page from items fetched one beyond its size (whether a next page exists at all), and the
 * cursor to it: the position of the page's last item, or null on the last page.
 */
export function pageOf<T>(
  list: string,
  found: readonly T[],
  size: number,
  positionOf: (last: T) => CursorPosition,
): { items: T[]; next: string | null } {
  const items = found.slice(0, size);
  return {
    items,
    next: found.length > size ? encodeCursor(list, positionOf(items[items.length - 1])) : null,
  };
}

/** A list's `limit` and `cursor` in its OpenAPI operation. */
export function ApiPageQueries(max = MAX_PAGE_SIZE, byDefault = Math.min(DEFAULT_PAGE_SIZE, max)) {
  return applyDecorators(
    ApiQuery({ name: 'limit', required: false, description: `1–${max}, default ${byDefault}` }),
    ApiQuery({
      name: 'cursor',
      required: false,
      description:
        'where to resume: the `next` of the previous page, as it was given (400 CURSOR_INVALID for anything else)',
    }),
  );
}
