import { type ChildProcess, spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { type FetchLike, tlsFetch } from '../../apps/gateway/src/tls/tls-fetch';
import { atFileEnd } from './leftovers';

const ROOT = join(__dirname, '..', '..');

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
  });
}

/** How a test reaches a gateway that serves HTTPS (#15): trusting its party's CA, maybe with a client certificate. */
export interface GatewayTlsClient {
  ca: string;
  cert?: string;
  key?: string;
}

export interface GatewayProcess {
  port: number;
  /** http:// or, with `tls`, https:// */
  url: string;
  /** `fetch` of `${url}${path}`, over HTTPS with the party's CA when the gateway serves TLS. */
  fetch(path: string, init?: RequestInit): Promise<Response>;
  child: ChildProcess;
  output(): string;
  /** Resolves with the exit code once the process has ended. */
  exited: Promise<number | null>;
  stop(signal?: NodeJS.Signals): Promise<number | null>;
}

/**
 * Starts the compiled gateway as its own process, as an operator would. `tls`: its gateway file
 * has `http.tls`, and the test talks to it over HTTPS as this client.
 */
export async function spawnGateway(
  env: Record<string, string>,
  options: { tls?: GatewayTlsClient } = {},
): Promise<GatewayProcess> {
  const port = env.MXG_HTTP_PORT ? Number(env.MXG_HTTP_PORT) : await freePort();
  const child = spawn(process.execPath, [join(ROOT, 'dist', 'apps', 'gateway', 'src', 'main.js')], {
    cwd: ROOT,
    env: { PATH: process.env.PATH, TZ: 'UTC', MXG_HTTP_PORT: String(port), ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  // Killed at the file's end if nothing stopped it before (a timed-out hook).
  const forget = atFileEnd(() => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    return exited;
  });
  const exited = new Promise<number | null>((resolve) =>
    child.once('exit', (code) => {
      forget();
      resolve(code);
    }),
  );
  const url = `${options.tls ? 'https' : 'http'}://127.0.0.1:${port}`;
  const fetchLike: FetchLike = options.tls ? tlsFetch(options.tls) : fetch;
  return {
    port,
    url,
    fetch: (path, init) => fetchLike(`${url}${path}`, init),
    child,
    output: () => output,
    exited,
    async stop(signal = 'SIGTERM') {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      return exited;
    },
  };
}

/** Polls `url` until it answers (any status) or the process dies. */
export async function waitForHttp(
  gateway: GatewayProcess,
  path: string,
  timeoutMs = 30_000,
): Promise<Response> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (gateway.child.exitCode !== null) {
      throw new Error(`gateway exited with ${gateway.child.exitCode}:\n${gateway.output()}`);
    }
    try {
      return await gateway.fetch(path);
    } catch {
      if (Date.now() > deadline)
        throw new Error(`gateway did not answer in time:\n${gateway.output()}`);
      await new Promise((r) => setTimeout(r, 200));
    }
  }
}
