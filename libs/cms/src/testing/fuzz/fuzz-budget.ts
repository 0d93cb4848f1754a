/**
 * How long the fuzzers run. In `npm test` they are bounded and deterministic: a fixed seed and
 * a fixed number of inputs per property or campaign (a few seconds each), with a time cap only
 * as a safety net on a loaded machine. `npm run fuzz` sets MXG_FUZZ_SECONDS: then each
 * property and each campaign runs for that long, from a fresh seed it prints, and campaigns
 * keep what they learn under reports/fuzz/. MXG_FUZZ_SEED replays one run.
 *
 * Test tooling only: the one place the fuzzers read the environment.
 */
export interface FuzzBudget {
  /** Seconds per property / campaign in a long run; undefined in the bounded run. */
  readonly seconds?: number;
  readonly seed: number;
  /** fast-check parameters for a property whose bounded run makes `runs` inputs. */
  property(runs: number): { seed: number; numRuns: number; interruptAfterTimeLimit: number };
  /** Executions and wall-clock cap for a coverage-guided campaign of `execs` in the bounded run. */
  campaign(execs: number): { maxExecs: number; maxMs: number };
  /** Where a long run keeps its grown corpora and any failing input; undefined when bounded. */
  readonly outputDir?: string;
}

const DEFAULT_SEED = 20261121;
/** A bounded property or campaign that has not finished by then stops where it is. */
const SAFETY_CAP_MS = 45_000;

export function fuzzBudget(env: NodeJS.ProcessEnv = process.env): FuzzBudget {
  const seconds = positive(env.MXG_FUZZ_SECONDS);
  const seed =
    positive(env.MXG_FUZZ_SEED) ??
    (seconds === undefined ? DEFAULT_SEED : Math.floor(Math.random() * 0x7fffffff));
  const long = seconds !== undefined;
  return {
    seconds,
    seed,
    property: (runs) => ({
      seed,
      numRuns: long ? Number.MAX_SAFE_INTEGER : runs,
      interruptAfterTimeLimit: long ? seconds * 1000 : SAFETY_CAP_MS,
    }),
    campaign: (execs) => ({
      maxExecs: long ? Number.MAX_SAFE_INTEGER : execs,
      maxMs: long ? seconds * 1000 : SAFETY_CAP_MS,
    }),
    outputDir: long ? (env.MXG_FUZZ_OUTPUT ?? 'reports/fuzz') : undefined,
  };
}

function positive(text: string | undefined): number | undefined {
  const value = text === undefined ? NaN : Number(text);
  return Number.isFinite(value) && value > 0 ? value : undefined;
}
