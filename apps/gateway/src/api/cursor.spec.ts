import { randomUUID } from 'node:crypto';
import { CursorError, decodeCursor, encodeCursor } from './cursor';

describe('cursor', () => {
  const id = randomUUID();

  it('reads back the position it wrote, for the list that wrote it', () => {
    const sut = encodeCursor('inbox', [id]);
    expect(sut).toMatch(/^[A-Za-z0-9_-]+$/);
    expect(decodeCursor('inbox', sut, ['uuid'])).toEqual([id]);
    expect(decodeCursor('audit', encodeCursor('audit', [42]), ['integer'])).toEqual([42]);
    expect(decodeCursor('rates', encodeCursor('rates', ['KZ', 7]), ['string', 'integer'])).toEqual([
      'KZ',
      7,
    ]);
  });

  it.each([
    ['another list’s cursor', encodeCursor('requests', [randomUUID()])],
    ['a position of another shape', encodeCursor('inbox', [1])],
    ['a position too long', encodeCursor('inbox', [randomUUID(), 1])],
    ['a position too short', encodeCursor('inbox', [])],
    ['not base64url', 'a+b/c=='],
    ['base64url of something else', Buffer.from('{"a":1}').toString('base64url')],
    ['base64url of no JSON', Buffer.from('[inbox').toString('base64url')],
    ['an id as it was before cursors', randomUUID()],
    ['empty', ''],
    ['very long', 'A'.repeat(10_000)],
    ['not a string', ['x']],
  ])('refuses %s with CURSOR_INVALID', (_, cursor) => {
    expect(() => decodeCursor('inbox', cursor, ['uuid'])).toThrow(CursorError);
    try {
      decodeCursor('inbox', cursor, ['uuid']);
    } catch (error) {
      expect(error).toMatchObject({
        code: 'CURSOR_INVALID',
        details: { errors: [expect.objectContaining({ field: 'cursor', rule: 'cursor' })] },
      });
    }
  });

  it('refuses a negative or fractional integer member', () => {
    for (const n of [-1, 1.5, Number.MAX_SAFE_INTEGER + 1]) {
      expect(() => decodeCursor('audit', encodeCursor('audit', [n]), ['integer'])).toThrow(
        CursorError,
      );
    }
  });
});
