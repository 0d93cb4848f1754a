/**
 * The `cursor` of a dead-letter page: opaque to clients (base64url of `dl:<seq>`), so that what
 * orders the list may change without breaking one.
 */
export function encodeDeadLetterCursor(seq: string): string {
  return Buffer.from(`dl:${seq}`).toString('base64url');
}

/** The `seq` a cursor names, or `undefined` if it is none of ours. */
export function decodeDeadLetterCursor(cursor: string): string | undefined {
  if (!/^[A-Za-z0-9_-]{1,40}$/.test(cursor)) return undefined;
  const seq = /^dl:([1-9]\d{0,17})$/.exec(Buffer.from(cursor, 'base64url').toString())?.[1];
  return seq;
}
