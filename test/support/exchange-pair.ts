import { createHash, randomBytes } from 'node:crypto';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse, stringify } from 'yaml';
import { exampleMessage } from '@mxg/messages';
import { freePort, spawnGateway, waitForHttp, type GatewayProcess } from './gateway-process';
import { createTestDatabase, type TestDatabase } from './test-database';
import { createTestBroker, type TestBroker } from './test-broker';

const ROOT = join(__dirname, '..', '..');
const AUTHORITIES: Record<string, string[]> = {
  KZ: ['KZ-MVD', 'KZ-MTSZN', 'KZ-RET'],
  AZ: ['AZ-DMX', 'AZ-RET'],
};

export interface ApiAnswer<T = Record<string, unknown>> {
  status: number;
  body: T;
  headers: Headers;
}

export interface GatewayUnderTest {
  readonly party: string;
  readonly id: string;
  readonly db: TestDatabase;
  readonly port: number;
  process: GatewayProcess;
  /** The bearer token of a client: `<authority>` (publisher), `auditor` or `security-officer`. */
  token(client: string): string;
  /** Calls the gateway's API as `client`. */
  api<T = Record<string, unknown>>(
    client: string,
    method: string,
    path: string,
    body?: unknown,
    headers?: Record<string, string>,
  ): Promise<ApiAnswer<T>>;
  start(extraEnv?: Record<string, string>): Promise<void>;
  stop(signal?: NodeJS.Signals): Promise<void>;
  /** The environment its process runs with (database, broker, config). */
  readonly env: Readonly<Record<string, string>>;
  /**
   * Moves this gateway's clock (and that of every instance of it) `ms` away from real time,
   * running or not: its processes read the offset from a file whenever it changes.
   */
  setClockOffset(ms: number): void;
  /**
   * Another process of the same gateway (same database, queue and AMQP user) on its own HTTP
   * port, e.g. a competing consumer; stopped by `close()` if the test has not stopped it.
   */
  spawnInstance(extraEnv?: Record<string, string>): Promise<GatewayProcess>;
}

export interface ExchangePair {
  readonly kz: GatewayUnderTest;
  readonly az: GatewayUnderTest;
  readonly broker: TestBroker;
  readonly configDir: string;
  close(): Promise<void>;
}

export interface ExchangeSettings {
  receiptTimeoutSeconds?: number;
  maxAttempts?: number;
  maxMessageBytes?: number;
  maxClockSkewSeconds?: number;
  maxEnvelopeAgeSeconds?: number;
}

/**
 * Kazakhstan's and Azerbaijan's gateways as two real processes, each with its own fresh
 * database, on a scratch broker of their own (a vhost per party, linked) on the real
 * RabbitMQ, with API clients whose tokens the test knows. `start: false` leaves a gateway
 * stopped (e.g. "the receiver is down").
 */
export async function createExchangePair(
  options: { exchange?: ExchangeSettings; start?: { kz?: boolean; az?: boolean } } = {},
): Promise<ExchangePair> {
  const work = mkdtempSync(join(tmpdir(), 'mxg-pair-'));
  const configDir = join(work, 'config');
  cpSync(join(ROOT, 'config'), configDir, { recursive: true });
  const broker = await createTestBroker(['KZ', 'AZ']);
  const ports = { KZ: await freePort(), AZ: await freePort() };
  const tokens = new Map<string, string>();
  const gateways: GatewayUnderTest[] = [];
  const instances: GatewayProcess[] = [];
  for (const party of ['KZ', 'AZ'] as const) {
    const id = party.toLowerCase();
    const file = join(configDir, 'gateways', `${id}.yaml`);
    const gateway = parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
    const other = party === 'KZ' ? 'AZ' : 'KZ';
    gateway.http = { host: '127.0.0.1', port: ports[party] };
    gateway.witnesses = [{ party: other, url: `http://127.0.0.1:${ports[other]}` }];
    gateway.exchange = { ...(gateway.exchange as object), ...options.exchange };
    writeFileSync(file, stringify(gateway));

    const clients = [
      ...AUTHORITIES[party].map((a) => ({
        name: a,
        id: `${a.toLowerCase()}-system`,
        authority: a,
        roles: ['publisher'],
      })),
      { name: 'auditor', id: 'auditor', authority: null, roles: ['auditor'] },
      {
        name: 'security-officer',
        id: 'security-officer',
        authority: null,
        roles: ['security-officer'],
      },
    ];
    const clientsFile = join(work, `clients-${id}.yaml`);
    writeFileSync(
      clientsFile,
      stringify({
        clients: clients.map((c) => {
          const token = randomBytes(32).toString('base64url');
          tokens.set(`${party}:${c.name}`, token);
          return {
            id: c.id,
            authority: c.authority,
            roles: c.roles,
            tokenSha256: createHash('sha256').update(token).digest('hex'),
          };
        }),
      }),
    );
    const db = await createTestDatabase(id, { migrate: false });
    const env = {
      MXG_GATEWAY: id,
      MXG_CONFIG_DIR: configDir,
      MXG_CLIENTS_FILE: clientsFile,
      DATABASE_URL: db.appUrl,
      MXG_MIGRATION_DATABASE_URL: db.ownerUrl,
      AMQP_URL: broker.userUrl(party),
      MXG_HTTP_PORT: String(ports[party]),
      MXG_LOG_LEVEL: 'warn',
      MXG_CLOCK_OFFSET_FILE: join(work, `clock-offset-${id}`),
    };
    const url = `http://127.0.0.1:${ports[party]}`;
    const g: GatewayUnderTest = {
      party,
      id,
      db,
      port: ports[party],
      process: undefined as unknown as GatewayProcess,
      token: (client) => {
        const token = tokens.get(`${party}:${client}`);
        if (!token) throw new Error(`no client ${client} at ${party}`);
        return token;
      },
      async api<T>(
        client: string,
        method: string,
        path: string,
        body?: unknown,
        headers: Record<string, string> = {},
      ) {
        const isBytes = body instanceof Uint8Array;
        const response = await fetch(`${url}${path}`, {
          method,
          headers: {
            authorization: `Bearer ${g.token(client)}`,
            ...(body === undefined
              ? {}
              : { 'content-type': isBytes ? 'application/pkcs7-mime' : 'application/json' }),
            ...headers,
          },
          body: body === undefined ? undefined : isBytes ? body : JSON.stringify(body),
        });
        const type = response.headers.get('content-type') ?? '';
        const parsed: unknown = type.includes('json')
          ? await response.json()
          : Buffer.from(await response.arrayBuffer());
        return { status: response.status, body: parsed as T, headers: response.headers };
      },
      async start(extraEnv = {}) {
        g.process = await spawnGateway({ ...env, ...extraEnv });
        const health = await waitForHttp(g.process, '/health');
        if (health.status !== 200 && extraEnv.AMQP_URL === undefined) {
          throw new Error(
            `gateway ${id} is not healthy: ${await health.text()}\n${g.process.output()}`,
          );
        }
      },
      async stop(signal = 'SIGTERM') {
        await g.process?.stop(signal);
      },
      env,
      setClockOffset(ms) {
        writeFileSync(env.MXG_CLOCK_OFFSET_FILE, String(ms));
      },
      async spawnInstance(extraEnv = {}) {
        const instance = await spawnGateway({
          ...env,
          MXG_HTTP_PORT: String(await freePort()),
          ...extraEnv,
        });
        instances.push(instance);
        await waitForHttp(instance, '/health');
        return instance;
      },
    };
    gateways.push(g);
  }
  const [kz, az] = gateways as [GatewayUnderTest, GatewayUnderTest];
  const pair: ExchangePair = {
    kz,
    az,
    broker,
    configDir,
    async close() {
      await Promise.all([kz.stop(), az.stop(), ...instances.map((i) => i.stop())]);
      await Promise.all([kz.db.drop(), az.db.drop(), broker.drop()]);
      rmSync(work, { recursive: true, force: true });
    },
  };
  try {
    if (options.start?.kz !== false) await kz.start();
    if (options.start?.az !== false) await az.start();
  } catch (error) {
    await pair.close(); // a gateway that cannot start leaves no databases or vhost behind
    throw error;
  }
  return pair;
}

/** Polls `check` until it returns a value (not undefined) or the time is up. */
export async function eventually<T>(
  check: () => Promise<T | undefined>,
  timeoutMs = 20_000,
  what = 'condition',
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 150));
  }
}

/**
 * A MIG-5 request (registration at the place of stay, a MIG-6 person with a photograph): the
 * request of `examples/messages/`, addressed to `to`.
 */
export function registrationRequest(to = 'AZ-DMX') {
  const { agreement, type, signatory, body } = exampleMessage('request');
  return { agreement, type, to: { authority: to }, signatory, body };
}
