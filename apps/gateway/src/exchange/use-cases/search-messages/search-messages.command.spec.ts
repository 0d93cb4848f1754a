import { CursorError, encodeCursor } from '../../../api/cursor';
import { ExchangeError } from '../../exchange.errors';
import {
  decodeSearchCursor,
  encodeSearchCursor,
  SEARCH_DEFAULT_LIMIT,
  SearchMessagesCommand,
} from './search-messages.command';

describe(SearchMessagesCommand.name, () => {
  const problemsOf = (query: Record<string, unknown>): string[] => {
    try {
      SearchMessagesCommand.create(query);
    } catch (error) {
      expect(error).toBeInstanceOf(ExchangeError);
      expect((error as ExchangeError).code).toBe('VALIDATION_FAILED');
      const { errors } = (error as ExchangeError).details as { errors: { field: string }[] };
      return errors.map((e) => e.field).sort();
    }
    throw new Error('accepted');
  };

  it('takes no filters: the newest page of the default size', () => {
    const sut = SearchMessagesCommand.create({});
    expect(sut).toMatchObject({ limit: SEARCH_DEFAULT_LIMIT, after: undefined, type: undefined });
  });

  it('takes every filter, dates as UTC days or RFC 3339 instants', () => {
    const cursor = encodeSearchCursor({
      recordedAtMicros: '1765000000123456',
      id: '0b9e7c1e-4a4f-4e55-9a55-8b1b5b0f6a01',
    });
    const sut = SearchMessagesCommand.create({
      limit: '10',
      cursor,
      type: 'request',
      direction: 'incoming',
      status: 'delivered',
      since: '2026-12-01',
      until: '2026-12-06T12:00:00+05:00',
    });
    expect(sut.limit).toBe(10);
    expect(sut.after).toEqual({
      recordedAtMicros: '1765000000123456',
      id: '0b9e7c1e-4a4f-4e55-9a55-8b1b5b0f6a01',
    });
    expect(sut.since?.toISOString()).toBe('2026-12-01T00:00:00.000Z');
    expect(sut.until?.toISOString()).toBe('2026-12-06T07:00:00.000Z');
  });

  it('names every field at fault at once', () => {
    expect(
      problemsOf({
        limit: '201',
        type: 'DROP TABLE',
        direction: 'up',
        status: 'lost',
        since: '2026-13-45',
      }),
    ).toEqual(['direction', 'limit', 'since', 'status', 'type']);
    expect(problemsOf({ limit: '1.5' })).toEqual(['limit']);
    expect(problemsOf({ limit: ['1', '2'] })).toEqual(['limit']);
    expect(problemsOf({ since: '2026-12-06', until: '2026-12-06' })).toEqual(['until']);
  });

  it('reads back only cursors it wrote', () => {
    const position = { recordedAtMicros: '1', id: '0b9e7c1e-4a4f-4e55-9a55-8b1b5b0f6a01' };
    expect(decodeSearchCursor(encodeSearchCursor(position))).toEqual(position);
    expect(decodeSearchCursor('')).toBeUndefined();
    expect(decodeSearchCursor(Buffer.from('1_not-a-uuid').toString('base64url'))).toBeUndefined();
    expect(decodeSearchCursor('a+b/')).toBeUndefined();
    expect(decodeSearchCursor(encodeCursor('inbox', [position.id]))).toBeUndefined();
  });

  it('refuses a cursor it did not write: 400 CURSOR_INVALID, as every list does', () => {
    expect(() => SearchMessagesCommand.create({ cursor: 'bm90IGEgY3Vyc29y' })).toThrow(CursorError);
  });
});
