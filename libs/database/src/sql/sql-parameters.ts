/** Collects a statement's parameters and writes a typed placeholder for each (`$3::uuid`). */
export class SqlParameters {
  readonly values: unknown[] = [];

  /** `(<placeholder>, …)` for a row of [value, SQL type] pairs. */
  row(values: readonly [unknown, string][]): string {
    return `(${values.map(([value, type]) => this.bind(value, type)).join(', ')})`;
  }

  bind(value: unknown, type: string): string {
    this.values.push(value);
    return `$${this.values.length}::${type}`;
  }
}
