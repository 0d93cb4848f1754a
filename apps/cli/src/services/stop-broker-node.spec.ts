import { type ChildProcess, spawn } from 'node:child_process';
import { MxgError } from '@mxg/core';
import { answers } from './port-answers';
import { stopRunningNode } from './stop-broker-node';

/** A stand-in node process: listens on a free loopback port, prints it, ignores nothing. */
function listeningProcess(ignoreTerm: boolean): Promise<{ child: ChildProcess; port: number }> {
  const script = `
    ${ignoreTerm ? "process.on('SIGTERM', () => undefined);" : ''}
    const s = require('node:net').createServer(() => undefined);
    s.listen(0, '127.0.0.1', () => console.log(s.address().port));`;
  const child = spawn(process.execPath, ['-e', script], { stdio: ['ignore', 'pipe', 'inherit'] });
  return new Promise((resolve) =>
    child.stdout.once('data', (d: Buffer) => resolve({ child, port: Number(String(d).trim()) })),
  );
}

const exited = (child: ChildProcess) =>
  new Promise<NodeJS.Signals | null>((resolve) =>
    child.once('exit', (_c, signal) => resolve(signal)),
  );

describe('stopRunningNode', () => {
  it('is `rabbitmqctl stop` when that works', async () => {
    const calls: string[][] = [];
    const run = (args: string[]) => (calls.push(args), Promise.resolve(''));
    const how = await stopRunningNode({ run }, 1);
    expect(how).toBe('stopped');
    expect(calls).toEqual([['stop']]);
  });

  it('ends the node by its OS pid when `stop` fails (a node of a deleted checkout)', async () => {
    const { child, port } = await listeningProcess(false);
    const exit = exited(child);
    const ctl = {
      run: (args: string[]) =>
        args[0] === 'stop'
          ? Promise.reject(new MxgError('BROKER_ADMIN_FAILED', '{badmatch,{error,enoent}}'))
          : Promise.resolve(`"${child.pid}"\n`),
    };
    await expect(stopRunningNode(ctl, port)).resolves.toBe('killed');
    expect(await exit).toBe('SIGTERM');
    expect(await answers(port)).toBe(false);
  });

  it('follows with SIGKILL when the process outlives SIGTERM', async () => {
    const { child, port } = await listeningProcess(true);
    const exit = exited(child);
    const ctl = {
      run: (args: string[]) =>
        args[0] === 'stop'
          ? Promise.reject(new Error('stop failed'))
          : Promise.resolve(`"${child.pid}"`),
    };
    await expect(stopRunningNode(ctl, port, 500)).resolves.toBe('killed');
    expect(await exit).toBe('SIGKILL');
  });

  it("reports `stop`'s own error when the node cannot tell its pid either", async () => {
    const stopError = new MxgError('BROKER_ADMIN_FAILED', 'nodedown');
    const ctl = {
      run: (args: string[]) =>
        Promise.reject(args[0] === 'stop' ? stopError : new Error('nodedown')),
    };
    await expect(stopRunningNode(ctl, 1)).rejects.toBe(stopError);
  });
});
