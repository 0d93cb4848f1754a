import { createHash } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Script, createContext } from 'node:vm';
import { mutate, type Mutation } from './der-mutations';
import { V8BlockCoverage } from './v8-block-coverage';

export interface Campaign {
  readonly name: string;
  /** Starting inputs: real artefacts made by the spec, plus `seedDirs`' files. */
  readonly seeds: readonly Uint8Array[];
  readonly seedDirs?: readonly string[];
  /**
   * Runs one input. It may throw only what `expected` accepts (the documented errors);
   * anything else — another error, a stack overflow, a timeout — is a finding.
   */
  readonly target: (input: Uint8Array) => void;
  readonly expected: (error: unknown) => boolean;
  /** Which scripts' blocks count as coverage: the code under test, not the harness. */
  readonly include: RegExp;
  readonly seed: number;
  readonly maxExecs: number;
  readonly maxMs: number;
  /** CPU time one input may take; a longer one is a finding (super-linear work). */
  readonly maxCpuMsPerInput?: number;
  /** Heap + ArrayBuffer growth one batch may leave; more is a finding (unbounded allocation). */
  readonly maxGrowthBytesPerBatch?: number;
  /** Long runs keep the grown corpus and any failing input here. */
  readonly outputDir?: string;
}

export interface CampaignResult {
  readonly execs: number;
  readonly corpus: number;
  /** Code blocks the seeds ran, and all that the campaign ran. */
  readonly seedFeatures: number;
  readonly features: number;
}

/** An input the target failed on, with what it threw; saved when the campaign has an outputDir. */
export class Finding extends Error {
  constructor(
    readonly campaign: string,
    readonly seed: number,
    readonly input: Uint8Array,
    override readonly cause: unknown,
    readonly savedAs?: string,
  ) {
    super(
      `${campaign} (seed ${seed}): ${describeError(cause)} on a ${input.length}-byte input ` +
        `${savedAs ? `(saved as ${savedAs})` : ''}: ${Buffer.from(input).toString('hex').slice(0, 400)}`,
    );
  }
}

const BATCH = 32;

/**
 * A coverage-guided fuzzing loop in the manner of libFuzzer, built on V8's block coverage:
 * take an input from the corpus, mutate it (structure-aware, `der-mutations.ts`), run it, and
 * keep it if it made a block run that no earlier input did. Inputs run in batches of 32 under
 * one coverage reading and one watchdog; a batch that found something new is replayed in
 * halves to learn which inputs did.
 *
 * Each batch runs inside a `vm` script with a timeout: V8 interrupts even a synchronous
 * endless loop in the code under test, which is then reported as a finding rather than
 * hanging the test run.
 */
export function runCampaign(campaign: Campaign): CampaignResult {
  const coverage = new V8BlockCoverage(campaign.include);
  const random = xorshift(campaign.seed);
  const seen = new Set<string>();
  const corpus: Uint8Array[] = [];
  const maxCpuMs = campaign.maxCpuMsPerInput ?? 2_000;
  const runner = watchdog(campaign, maxCpuMs);
  coverage.take(); // what ran before the campaign is not the seeds' doing
  for (const seed of [...campaign.seeds, ...readSeedDirs(campaign.seedDirs ?? [])]) {
    runner.batch([seed]);
    for (const feature of coverage.take()) seen.add(feature);
    corpus.push(seed);
  }
  const seedFeatures = seen.size;
  const started = Date.now();
  let execs = 0;
  while (execs < campaign.maxExecs && Date.now() - started < campaign.maxMs) {
    const batch = Array.from({ length: BATCH }, () => next(corpus, random));
    const before = memory();
    runner.batch(batch);
    execs += batch.length;
    const growth = memory() - before;
    if (growth > (campaign.maxGrowthBytesPerBatch ?? 256 * 1024 * 1024)) {
      throw new Error(
        `${campaign.name}: a batch of ${BATCH} inputs left ${growth} bytes allocated`,
      );
    }
    if (![...coverage.take()].some((f) => !seen.has(f))) continue;
    // Halve the batch until the inputs that ran something new are alone: a coverage reading
    // costs milliseconds, and usually one or two inputs of a batch are new.
    const attribute = (inputs: readonly Uint8Array[]): void => {
      runner.batch(inputs);
      const fresh = [...coverage.take()].filter((f) => !seen.has(f));
      if (fresh.length === 0) return;
      if (inputs.length > 1) {
        const half = Math.ceil(inputs.length / 2);
        attribute(inputs.slice(0, half));
        attribute(inputs.slice(half));
        return;
      }
      for (const feature of fresh) seen.add(feature);
      corpus.push(inputs[0]);
      save(campaign, 'corpus', inputs[0]);
    };
    const half = BATCH / 2;
    attribute(batch.slice(0, half));
    attribute(batch.slice(half));
  }
  return { execs, corpus: corpus.length, seedFeatures, features: seen.size };
}

/** A corpus input mutated one to four times, with other corpus inputs as graft donors. */
function next(corpus: readonly Uint8Array[], random: () => number): Uint8Array {
  // Recent additions reached new code: favour them as libFuzzer's entropic schedule would.
  const recent = random() % 2 === 0 && corpus.length > 8;
  const index = recent
    ? corpus.length - 1 - (random() % Math.min(16, corpus.length))
    : random() % corpus.length;
  const mutations: Mutation[] = Array.from({ length: 1 + (random() % 4) }, () => ({
    op: random(),
    at: random(),
    arg: random(),
    bytes:
      random() % 4 === 0
        ? Uint8Array.from({ length: random() % 9 }, () => random() & 0xff)
        : new Uint8Array(0),
  }));
  const donors = [corpus[random() % corpus.length], corpus[random() % corpus.length]];
  return mutate(corpus[index], mutations, donors);
}

interface Runner {
  batch(inputs: readonly Uint8Array[]): void;
}

function watchdog(campaign: Campaign, maxCpuMs: number): Runner {
  const context = createContext({ run: undefined as unknown });
  const script = new Script('run()');
  const one = (input: Uint8Array) => {
    const cpu = process.cpuUsage();
    try {
      campaign.target(input);
    } catch (error) {
      if (!campaign.expected(error)) fail(campaign, input, error);
    }
    const { user, system } = process.cpuUsage(cpu);
    if ((user + system) / 1000 > maxCpuMs) {
      fail(campaign, input, new Error(`took ${Math.round((user + system) / 1000)} ms of CPU`));
    }
  };
  return {
    batch(inputs) {
      let current: Uint8Array | undefined;
      context.run = () => {
        for (const input of inputs) {
          current = input;
          one(input);
        }
      };
      try {
        script.runInContext(context, { timeout: maxCpuMs * inputs.length + 5_000 });
      } catch (error) {
        if (error instanceof Finding) throw error;
        // only the watchdog's timeout gets here: `one` catches everything else
        fail(campaign, current ?? new Uint8Array(0), error);
      }
    },
  };
}

function fail(campaign: Campaign, input: Uint8Array, cause: unknown): never {
  throw new Finding(campaign.name, campaign.seed, input, cause, save(campaign, 'findings', input));
}

function save(campaign: Campaign, kind: string, input: Uint8Array): string | undefined {
  if (!campaign.outputDir) return undefined;
  const dir = join(campaign.outputDir, kind, campaign.name);
  mkdirSync(dir, { recursive: true });
  const file = join(dir, `${createHash('sha256').update(input).digest('hex').slice(0, 16)}.der`);
  writeFileSync(file, input);
  return file;
}

function readSeedDirs(dirs: readonly string[]): Uint8Array[] {
  return dirs.flatMap((dir) =>
    readdirSync(dir)
      .filter((name) => !name.startsWith('.') && !name.endsWith('.md'))
      .sort()
      .map((name) => new Uint8Array(readFileSync(join(dir, name)))),
  );
}

function memory(): number {
  const { heapUsed, arrayBuffers } = process.memoryUsage();
  return heapUsed + arrayBuffers;
}

/** xorshift32: a reproducible stream of non-negative 31-bit numbers from `seed`. */
function xorshift(seed: number): () => number {
  let state = seed >>> 0 || 1;
  return () => {
    state ^= state << 13;
    state >>>= 0;
    state ^= state >>> 17;
    state ^= state << 5;
    state >>>= 0;
    return state & 0x7fffffff;
  };
}

function describeError(error: unknown): string {
  if (error instanceof Error) return `${error.constructor.name}: ${error.message}`;
  return String(error);
}
