import { readFileSync } from 'node:fs';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}

interface CpuProfile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

export interface SelfTime {
  readonly name: string;
  readonly ms: number;
  /** Share of the process's busy (non-idle) time, %. */
  readonly percent: number;
}

export interface ProfileSummary {
  readonly busyMs: number;
  readonly functions: SelfTime[];
  /** Self time by where the code lives: a package, an MXG lib or app, node's internals, GC. */
  readonly places: SelfTime[];
}

/** Self time per function and per package of a `node --cpu-prof` profile, idle excluded. */
export function summariseCpuProfile(file: string, top = 15): ProfileSummary {
  const profile = JSON.parse(readFileSync(file, 'utf8')) as CpuProfile;
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const selfMs = new Map<number, number>();
  profile.samples.forEach((id, i) => {
    selfMs.set(id, (selfMs.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0) / 1000);
  });
  const functions = new Map<string, number>();
  const places = new Map<string, number>();
  let busyMs = 0;
  for (const [id, ms] of selfMs) {
    const frame = byId.get(id)?.callFrame;
    if (!frame || frame.functionName === '(idle)') continue;
    busyMs += ms;
    const { file, owner } = placeOf(frame.url, frame.functionName);
    const name = `${frame.functionName || '(anonymous)'} ${file}${frame.url ? `:${frame.lineNumber + 1}` : ''}`;
    functions.set(name, (functions.get(name) ?? 0) + ms);
    places.set(owner, (places.get(owner) ?? 0) + ms);
  }
  const ranked = (m: Map<string, number>) =>
    [...m.entries()]
      .sort((a, b) => b[1] - a[1])
      .slice(0, top)
      .map(([name, ms]) => ({ name, ms, percent: (100 * ms) / busyMs }));
  return { busyMs, functions: ranked(functions), places: ranked(places) };
}

function placeOf(url: string, functionName: string): { file: string; owner: string } {
  if (!url) {
    const native = functionName.startsWith('(') ? functionName : '(native)';
    return { file: native, owner: native };
  }
  const module = /node_modules\/((?:@[^/]+\/)?[^/]+)\/(.*)$/.exec(url);
  if (module) return { file: `${module[1]}/${module[2]}`, owner: module[1] };
  const mxg = /dist\/(libs|apps)\/([^/]+)\/src\/(.*)$/.exec(url);
  if (mxg) {
    const owner = mxg[1] === 'libs' ? `@mxg/${mxg[2]}` : `apps/${mxg[2]}`;
    return { file: `${owner}/${mxg[3]}`, owner };
  }
  if (url.startsWith('node:')) return { file: url, owner: 'node internals' };
  const file = url.replace(/^file:\/\//, '');
  return { file, owner: file };
}
