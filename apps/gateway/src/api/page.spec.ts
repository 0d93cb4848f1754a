import { CursorError, encodeCursor } from './cursor';
import { type LimitProblem, pageOf, readPage } from './page';

describe('page', () => {
  const read = (query: { limit?: unknown; cursor?: unknown }, max?: number, byDefault?: number) => {
    const problems: LimitProblem[] = [];
    const page = readPage('things', ['integer'], query, problems, max, byDefault);
    return { page, problems };
  };

  it('reads a size and the position after which the page starts', () => {
    expect(read({})).toEqual({ page: { size: 100, after: undefined }, problems: [] });
    expect(read({ limit: '7', cursor: encodeCursor('things', [41]) })).toEqual({
      page: { size: 7, after: [41] },
      problems: [],
    });
    expect(read({ limit: '5000' }, 5000, 1000).page.size).toBe(5000);
    expect(read({}, 5000, 1000).page.size).toBe(1000);
    expect(read({}, 50).page.size).toBe(50);
  });

  it.each([['0'], ['501'], ['-1'], ['1e2'], ['1.5'], [''], [['1', '2']], ['0010']])(
    'names limit=%p as a field problem, to be answered with the list’s others',
    (limit) => {
      expect(read({ limit }).problems).toEqual([
        { field: 'limit', rule: 'range', message: 'must be an integer from 1 to 500' },
      ]);
    },
  );

  it('refuses another list’s cursor at once', () => {
    expect(() => read({ cursor: encodeCursor('others', [1]) })).toThrow(CursorError);
    expect(() => read({ cursor: 'garbage!' })).toThrow(CursorError);
  });

  it('cuts the extra item off and points `next` at the last one kept', () => {
    const found = [{ n: 1 }, { n: 2 }, { n: 3 }];
    const page = pageOf('things', found, 2, (last) => [last.n]);
    expect(page.items).toEqual([{ n: 1 }, { n: 2 }]);
    expect(read({ cursor: page.next }).page.after).toEqual([2]);
  });

  it('has no `next` on the last page, full or not', () => {
    expect(pageOf('things', [{ n: 1 }, { n: 2 }], 2, (l) => [l.n]).next).toBeNull();
    expect(pageOf('things', [], 2, () => [0])).toEqual({ items: [], next: null });
  });
});
