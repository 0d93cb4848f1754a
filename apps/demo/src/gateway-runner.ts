import { type ChildProcess, spawn } from 'node:child_process';
import { join } from 'node:path';

export interface RunningGateway {
  readonly id: string;
  readonly url: string;
  /** What the gateway wrote to stderr (warnings and errors) since it started. */
  warnings(): string;
  stop(): Promise<void>;
}

/** Starts one party's compiled gateway as its own process and waits for a healthy /health. */
export async function startGateway(
  root: string,
  id: string,
  port: number,
): Promise<RunningGateway> {
  const url = `http://127.0.0.1:${port}`;
  // Another process on the port (a gateway left running) would answer the health check below
  // in place of this one's, and the demo would talk to it: refuse at once instead.
  if (await answers(`${url}/health`)) {
    throw new Error(`port ${port} is in use (a gateway left running?): stop it, then run again`);
  }
  const child: ChildProcess = spawn(
    process.execPath,
    [join(root, 'dist', 'apps', 'gateway', 'src', 'main.js')],
    {
      cwd: root,
      // The environment passes through untouched; only the child's config service reads it.
      env: { ...process.env, MXG_GATEWAY: id, MXG_LOG_LEVEL: 'warn' },
      stdio: ['ignore', 'ignore', 'pipe'],
    },
  );
  let errors = '';
  child.stderr?.on('data', (chunk: Buffer) => (errors += chunk.toString()));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const deadline = Date.now() + 30_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`gateway ${id} exited at start:\n${errors}`);
    try {
      const health = await fetch(`${url}/health`);
      if (health.status === 200) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) throw new Error(`gateway ${id} did not become healthy:\n${errors}`);
    await new Promise((r) => setTimeout(r, 200));
  }
  return {
    id,
    url,
    warnings: () => errors,
    stop: async () => {
      if (child.exitCode === null) child.kill('SIGTERM');
      await exited;
    },
  };
}

async function answers(url: string): Promise<boolean> {
  try {
    await fetch(url);
    return true;
  } catch {
    return false;
  }
}

/** After a failed demo: what each gateway warned about, on stderr, so the cause is in sight. */
export function printWarnings(gateways: readonly RunningGateway[]): void {
  for (const gateway of gateways) {
    const said = gateway.warnings().trim();
    if (said) process.stderr.write(`gateway ${gateway.id} warned:\n${said}\n`);
  }
}
