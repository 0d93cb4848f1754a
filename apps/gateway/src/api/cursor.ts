import { MxgError } from '@mxg/core';

/** A list's place between two pages: the keyset position of the last item of a page. */
export type CursorPosition = readonly (string | number)[];

/** What a position's members must be, in order, for a list to read it back. */
export type CursorMember = 'uuid' | 'integer' | 'string';

export type CursorErrorCode = 'CURSOR_INVALID';

/** 400: a `cursor` the list did not give out (garbled, forged, or another list's). */
export class CursorError extends MxgError {
  constructor(message: string) {
    super('CURSOR_INVALID', message, {
      errors: [{ field: 'cursor', rule: 'cursor', message }],
    });
  }
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
/** Cursors are short: a list's name and a keyset of a few members. */
const MAX_CURSOR_LENGTH = 512;

/**
 * Every list's `next`: opaque to clients (base64url of `[list, ...position]`), so a list may
 * change what its position holds without changing its contract. The list's name is inside, so
 * one list's cursor is refused by another. Not a secret and not signed: a position only says
 * where to resume, and each list still answers only what its caller may read.
 */
export function encodeCursor(list: string, position: CursorPosition): string {
  return Buffer.from(JSON.stringify([list, ...position]), 'utf8').toString('base64url');
}

/** The position in `cursor`, a `next` that `list` gave out; CursorError for anything else. */
export function decodeCursor(
  list: string,
  cursor: unknown,
  members: readonly CursorMember[],
): CursorPosition {
  const refuse = () =>
    new CursorError('is not a cursor of this list: pass the `next` of the previous page as it is');
  if (
    typeof cursor !== 'string' ||
    cursor.length === 0 ||
    cursor.length > MAX_CURSOR_LENGTH ||
    !/^[A-Za-z0-9_-]+$/.test(cursor)
  ) {
    throw refuse();
  }
  let decoded: unknown;
  try {
    decoded = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    throw refuse();
  }
  if (!Array.isArray(decoded) || decoded[0] !== list || decoded.length !== members.length + 1) {
    throw refuse();
  }
  const position = decoded.slice(1) as unknown[];
  members.forEach((member, i) => {
    const value = position[i];
    const fits =
      member === 'uuid'
        ? typeof value === 'string' && UUID.test(value)
        : member === 'integer'
          ? Number.isSafeInteger(value) && (value as number) >= 0
          : typeof value === 'string' && value.length <= 256;
    if (!fits) throw refuse();
  });
  return position as CursorPosition;
}
