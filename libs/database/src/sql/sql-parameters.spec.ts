import { SqlParameters } from './sql-parameters';

describe(SqlParameters.name, () => {
  it('numbers placeholders in the order values are bound, each with its SQL type', () => {
    const sut = new SqlParameters();
    const first = sut.bind('a', 'text');
    const row = sut.row([
      [1, 'int'],
      [null, 'uuid'],
    ]);

    expect(first).toBe('$1::text');
    expect(row).toBe('($2::int, $3::uuid)');
    expect(sut.values).toEqual(['a', 1, null]);
  });
});
