/** One thing wrong with a rate table file, at a line (1 = the header). */
export interface RateCsvProblem {
  readonly line: number;
  readonly message: string;
}

/** A rate table file refused as a whole, with every problem and its line number. */
export class RateCsvError extends Error {
  readonly code = 'RATES_INVALID';

  constructor(
    readonly file: string,
    readonly problems: readonly RateCsvProblem[],
  ) {
    super(
      `RATES_INVALID: ${file}: ${problems
        .slice(0, 10)
        .map((p) => `line ${p.line}: ${p.message}`)
        .join('; ')}${problems.length > 10 ? `; … ${problems.length - 10} more` : ''}`,
    );
    this.name = 'RateCsvError';
  }
}
