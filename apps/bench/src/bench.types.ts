/** One benchmark: prints a readable table and returns its figures for the JSON line. */
export interface Bench {
  name: string;
  description: string;
  run(options: BenchOptions): Promise<Record<string, number | string>>;
}

export interface BenchOptions {
  /** Shorter runs (under a minute in all), for a quick look and for CI smoke runs. */
  quick: boolean;
}
