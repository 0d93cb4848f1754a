import { type ChildProcess, spawn } from 'node:child_process';
import { connect } from 'node:net';
import { join } from 'node:path';
import type { MxgConfigService } from '@mxg/config';
import { type ApiConnection, apiConnection } from './api-connection';

export interface RunningGateway {
  readonly id: string;
  /** Its API, as the party's national system reaches it (HTTPS with the shipped files, #15). */
  readonly api: ApiConnection;
  /** What the gateway wrote to stderr (warnings and errors) since it started. */
  warnings(): string;
  stop(): Promise<void>;
}

/** Starts one party's compiled gateway as its own process and waits for a healthy /health. */
export async function startGateway(config: MxgConfigService): Promise<RunningGateway> {
  const { id } = config.gateway;
  const api = apiConnection(config);
  // Another process on the port (a gateway left running) would answer the health check below
  // in place of this one's, and the demo would talk to it: refuse at once instead.
  if (await listening(config.httpPort)) {
    throw new Error(
      `port ${config.httpPort} is in use (a gateway left running?): stop it, then run again`,
    );
  }
  const child: ChildProcess = spawn(
    process.execPath,
    [join(config.paths.root, 'dist', 'apps', 'gateway', 'src', 'main.js')],
    {
      cwd: config.paths.root,
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
      const health = await api.fetch(`${api.url}/health`);
      if (health.status === 200) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) throw new Error(`gateway ${id} did not become healthy:\n${errors}`);
    await new Promise((r) => setTimeout(r, 200));
  }
  return {
    id,
    api,
    warnings: () => errors,
    stop: async () => {
      if (child.exitCode === null) child.kill('SIGTERM');
      await exited;
    },
  };
}

/** Whether anything accepts TCP connections on the port (whatever it speaks). */
function listening(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

/** After a failed demo: what each gateway warned about, on stderr, so the cause is in sight. */
export function printWarnings(gateways: readonly RunningGateway[]): void {
  for (const gateway of gateways) {
    const said = gateway.warnings().trim();
    if (said) process.stderr.write(`gateway ${gateway.id} warned:\n${said}\n`);
  }
}
