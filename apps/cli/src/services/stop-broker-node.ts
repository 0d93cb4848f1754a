import { MxgError } from '@mxg/core';
import { answers } from './port-answers';
import type { Rabbitmqctl } from './rabbitmqctl';

/** How long a node may take to close its listener once told to stop. */
const STOP_WAIT_MS = 60_000;

/**
 * Stops a running node: `rabbitmqctl stop`, and when that fails — e.g. a node started from a
 * checkout (a git worktree) whose directory has since been deleted answers `stop` with
 * `{badmatch,{error,enoent}}` — asks the node for its OS pid (`os:getpid()`, over the same
 * cookie-guarded connection) and ends it with SIGTERM, then SIGKILL if its AMQPS port still
 * answers after STOP_WAIT_MS.
 */
export async function stopRunningNode(
  ctl: Pick<Rabbitmqctl, 'run'>,
  port: number,
  waitMs = STOP_WAIT_MS,
): Promise<'stopped' | 'killed'> {
  try {
    await ctl.run(['stop']);
    return 'stopped';
  } catch (stopError) {
    const pid = Number(
      (await ctl.run(['eval', 'os:getpid().']).catch(() => '')).replace(/\D/g, ''),
    );
    if (!Number.isSafeInteger(pid) || pid <= 1) throw stopError;
    signal(pid, 'SIGTERM');
    if (!(await closes(port, waitMs))) {
      signal(pid, 'SIGKILL');
      if (!(await closes(port, waitMs))) {
        throw new MxgError(
          'BROKER_NODE_FAILED',
          `node process ${pid} still answers on 127.0.0.1:${port} after SIGKILL`,
        );
      }
    }
    return 'killed';
  }
}

function signal(pid: number, name: NodeJS.Signals): void {
  try {
    process.kill(pid, name);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ESRCH') throw error;
  }
}

async function closes(port: number, ms: number): Promise<boolean> {
  const deadline = Date.now() + ms;
  while (await answers(port)) {
    if (Date.now() > deadline) return false;
    await new Promise((r) => setTimeout(r, 100));
  }
  return true;
}
