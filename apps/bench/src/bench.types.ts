/** One benchmark: prints a readable table and returns its figures for the JSON line. */
export interface Bench {
  name: string;
  description: string;
  run(options: BenchOptions): Promise<Record<string, number | string>>;
}

export interface BenchOptions {
  /** Shorter runs (under a minute in all), for a quick look and for CI smoke runs. */
  quick: boolean;
  /** Longer runs where a bench has them (the pipeline's 5-minute memory run): `--long`. */
  long?: boolean;
  /** Where benches that start processes write their `node --cpu-prof` profiles: `--cpu-prof=<dir>`. */
  cpuProfDir?: string;
  /** The pipeline's load in `POST /messages/batch` requests of this many messages: `--batch=<n>`. */
  batch?: number;
}
