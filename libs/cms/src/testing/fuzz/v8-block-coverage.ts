import { Session } from 'node:inspector';

interface CoverageRange {
  readonly startOffset: number;
  readonly endOffset: number;
  readonly count: number;
}
interface ScriptCoverage {
  readonly url: string;
  readonly functions: readonly { readonly ranges: readonly CoverageRange[] }[];
}

/**
 * Which code blocks ran since the last call, from V8's own block coverage (the inspector's
 * Profiler.takePreciseCoverage with `detailed: true`, which also resets the counters) — the
 * same data `NODE_V8_COVERAGE` and c8 report, read in-process.
 *
 * V8 lists a block only where its count differs from its enclosing range's, so a block seen
 * once (e.g. not taken) is remembered, and in later takes its count is that of the innermost
 * listed range around it. A feature is "block B of script S ran": an input is interesting when
 * it makes a block run that no earlier input did.
 */
export class V8BlockCoverage {
  /** url → function → start:end of every block range ever listed in it. */
  private readonly knownBlocks = new Map<string, Map<string, Set<string>>>();

  constructor(private readonly include: RegExp) {
    profiler();
  }

  /** The features that ran since the previous call (or since construction). */
  take(): Set<string> {
    const { result } = post<{ result: ScriptCoverage[] }>(
      profiler(),
      'Profiler.takePreciseCoverage',
    );
    const ran = new Set<string>();
    for (const script of result) {
      if (!this.include.test(script.url)) continue;
      let functions = this.knownBlocks.get(script.url);
      if (!functions) {
        this.knownBlocks.set(script.url, (functions = new Map<string, Set<string>>()));
      }
      for (const { ranges } of script.functions) {
        const [whole] = ranges;
        if (!whole) continue;
        const key = `${whole.startOffset}:${whole.endOffset}`;
        let known = functions.get(key);
        if (!known) functions.set(key, (known = new Set()));
        for (const range of ranges) known.add(`${range.startOffset}:${range.endOffset}`);
        if (whole.count === 0) continue;
        for (const block of known) {
          const [start, end] = block.split(':').map(Number);
          if (countAt(ranges, start, end) > 0) ran.add(`${script.url}#${block}`);
        }
      }
    }
    return ran;
  }
}

/**
 * One inspector session per process, started once and never stopped: V8 instruments code for
 * block counts when precise coverage starts, and once stopped, a restart counts only whole
 * functions for code that already ran — a second campaign would see no blocks at all.
 */
let session: Session | undefined;

function profiler(): Session {
  if (!session) {
    session = new Session();
    session.connect();
    post(session, 'Profiler.enable');
    post(session, 'Profiler.startPreciseCoverage', { callCount: true, detailed: true });
  }
  return session;
}

/** node:inspector answers an in-process session synchronously. */
function post<T = unknown>(target: Session, method: string, params: object = {}): T {
  let settled = false;
  let failure: Error | undefined;
  let value: unknown;
  target.post(method, params, (error, result) => {
    settled = true;
    failure = error ?? undefined;
    value = result;
  });
  if (!settled) throw new Error(`inspector did not answer ${method} synchronously`);
  if (failure !== undefined) throw new Error(`inspector ${method} failed`, { cause: failure });
  return value as T;
}

/** The count of the innermost listed range that contains [start, end). */
function countAt(ranges: readonly CoverageRange[], start: number, end: number): number {
  let best: CoverageRange | undefined;
  for (const range of ranges) {
    if (range.startOffset <= start && end <= range.endOffset) {
      if (!best || range.endOffset - range.startOffset <= best.endOffset - best.startOffset) {
        best = range;
      }
    }
  }
  return best?.count ?? 0;
}
