import { decodeDeadLetterCursor, encodeDeadLetterCursor } from './dead-letter-cursor';

describe('dead-letter cursor', () => {
  it('round-trips a seq', () => {
    expect(decodeDeadLetterCursor(encodeDeadLetterCursor('123456'))).toBe('123456');
  });

  it.each([
    ['empty', ''],
    ['not ours', Buffer.from('not-ours').toString('base64url')],
    ['zero', Buffer.from('dl:0').toString('base64url')],
    ['negative', Buffer.from('dl:-1').toString('base64url')],
    ['beyond bigint', Buffer.from(`dl:${'9'.repeat(19)}`).toString('base64url')],
    ['not base64url', 'ZGw6MQ=='],
  ])('refuses a cursor that is %s', (_, cursor) => {
    expect(decodeDeadLetterCursor(cursor)).toBeUndefined();
  });
});
