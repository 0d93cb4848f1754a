import { createHash, randomBytes } from 'node:crypto';
import {
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse, stringify } from 'yaml';
import { loadTreatyConfig, MxgConfigService } from '@mxg/config';
import { initPki } from '@mxg/pki';
import { pkiPlanFromConfig } from '../../apps/cli/src/commands/pki-plan';
import {
  freePort,
  spawnGateway,
  waitForHttp,
  type GatewayProcess,
  type GatewayTlsClient,
} from './gateway-process';
import { atFileEnd } from './leftovers';
import { createTestDatabase, type TestDatabase } from './test-database';
import { createTestBroker, type TestBroker } from './test-broker';
import { gatewayTlsClient } from './test-tls';

const ROOT = join(__dirname, '..', '..');

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
  /** The config directory its process reads (MXG_CONFIG_DIR). */
  readonly configDir: string;
  process: GatewayProcess;
  /**
   * The bearer token of a client: `<authority>` (a publisher, one per competent authority of
   * the party in the config), `auditor` or `security-officer`.
   */
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

export interface ExchangeSettings {
  receiptTimeoutSeconds?: number;
  maxAttempts?: number;
  maxMessageBytes?: number;
  maxClockSkewSeconds?: number;
  maxEnvelopeAgeSeconds?: number;
}

export interface ExchangeNetworkOptions {
  /** The parties whose gateways run, e.g. ['KZ', 'KG', 'RU']; each needs `config/gateways/<id>.yaml`. */
  parties: readonly string[];
  /**
   * Edits the network's own copy of `config/` before anything is issued from it: a party without
   * a shipped gateway gets its gateway file, signatories, … here — configuration only.
   */
  configure?(configDir: string): void | Promise<void>;
  /**
   * A gateway whose configuration differs from the others': it gets a private copy of the
   * network's config (after `configure` and the PKI), edited by this function.
   */
  configureGateway?: Readonly<Partial<Record<string, (configDir: string) => void>>>;
  exchange?: ExchangeSettings;
  /** `false` leaves a gateway stopped (e.g. "the receiver is down"). */
  start?: Readonly<Partial<Record<string, boolean>>>;
  /**
   * `issue` (default): a development PKI issued from the network's config into its own
   * certificates directory (MXG_CERTS_DIR). `checkout`: the checkout's `certs/` (issued by
   * `npm test` from the shipped config), for tests that sign with those keys themselves.
   */
  pki?: 'issue' | 'checkout';
  /**
   * With `pki: 'issue'`: issues the development PKI instead of `initPki` in this process, given
   * the network's MXG_CONFIG_DIR and MXG_CERTS_DIR — e.g. `mxg pki init --pkcs11` as a process
   * with a token of the test's own.
   */
  issuePki?(env: { MXG_CONFIG_DIR: string; MXG_CERTS_DIR: string }): void | Promise<void>;
  /** Further environment of a party's gateway processes (e.g. SOFTHSM2_CONF, MXG_PKCS11_PIN). */
  env?: Readonly<Partial<Record<string, Readonly<Record<string, string>>>>>;
  /**
   * #15: every gateway serves HTTPS only (`http.tls`, with these client-certificate settings;
   * `configureGateway` may change one's) and calls its witnesses over mutual TLS at https://
   * URLs. Needs `pki: 'issue'`. `api()` then talks HTTPS trusting the party's CA, presenting the
   * gateway party's TLS client certificate (one from the party's CA, as a national system's).
   */
  tls?: { clientCertificates?: 'optional' | 'require' };
}

export interface ExchangeNetwork {
  readonly parties: readonly string[];
  /** By party code. */
  readonly gateways: Readonly<Record<string, GatewayUnderTest>>;
  gateway(party: string): GatewayUnderTest;
  readonly broker: TestBroker;
  /** The network's copy of `config/` (gateways with `configureGateway` read their own). */
  readonly configDir: string;
  /** Where the development PKI is (the checkout's `certs/` with `pki: 'checkout'`). */
  readonly certsDir: string;
  close(): Promise<void>;
}

/**
 * N gateways as real processes, each with its own fresh database, on a scratch broker of their
 * own (a vhost per party on its party's RabbitMQ node, linked both ways, #15), with a development PKI issued
 * from the network's copy of `config/` by the project's own `initPki`, each gateway witnessing
 * the others' audit checkpoints, and API clients whose tokens the test knows. Everything a
 * further party needs comes from the config directory — which is the point.
 */
export async function createExchangeNetwork(
  options: ExchangeNetworkOptions,
): Promise<ExchangeNetwork> {
  const parties = [...options.parties];
  const work = mkdtempSync(join(tmpdir(), 'mxg-network-'));
  const cleanups: (() => Promise<unknown>)[] = [
    () => Promise.resolve(rmSync(work, { recursive: true, force: true })),
  ];
  const gateways: Record<string, GatewayUnderTest> = {};
  const instances: GatewayProcess[] = [];
  // Once: by the test's afterAll, by a failed start, or at the file's end when a timed-out
  // beforeAll left the network to nobody (test/support/leftovers.ts).
  let closing: Promise<void> | undefined;
  /** Undoes what was made, the latest first; again for what a start made after a close. */
  const drain = async () => {
    for (let step = cleanups.pop(); step; step = cleanups.pop()) await step().catch(() => {});
  };
  const close = () =>
    (closing ??= (async () => {
      forget();
      await Promise.all([
        ...Object.values(gateways).map((g) => g.stop()),
        ...instances.map((i) => i.stop()),
      ]);
      await drain();
    })());
  const forget = atFileEnd(close);
  try {
    const configDir = join(work, 'config');
    cpSync(join(ROOT, 'config'), configDir, { recursive: true });
    await options.configure?.(configDir);
    for (const party of parties) {
      if (!existsSync(gatewayFile(configDir, party))) {
        throw new Error(
          `no gateway file for ${party}: write config/gateways/${party.toLowerCase()}.yaml in configure()`,
        );
      }
    }

    const ports: Record<string, number> = {};
    for (const party of parties) ports[party] = await freePort();

    // Each gateway file: its port, `http.tls` only with options.tls (the shipped files' is
    // dropped), and the others as witnesses (issue 4).
    const scheme = options.tls ? 'https' : 'http';
    if (options.tls && options.pki === 'checkout') {
      throw new Error("tls needs pki: 'issue' (the TLS certificates are issued for the network)");
    }
    for (const party of parties) {
      const file = gatewayFile(configDir, party);
      const gateway = parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
      gateway.http = {
        host: '127.0.0.1',
        port: ports[party],
        ...(options.tls
          ? { tls: { clientCertificates: options.tls.clientCertificates ?? 'optional' } }
          : {}),
      };
      gateway.witnesses = parties
        .filter((p) => p !== party)
        .map((p) => ({ party: p, url: `${scheme}://127.0.0.1:${ports[p]}` }));
      gateway.exchange = { ...(gateway.exchange as object), ...options.exchange };
      writeFileSync(file, stringify(gateway));
    }

    // Issued after the ports are known: every certificate names its party's gateway's CRL
    // endpoint (host and port of the gateway file) as its CRL distribution point.
    const pki = options.pki ?? 'issue';
    const certsDir = pki === 'issue' ? join(work, 'certs') : join(ROOT, 'certs');
    if (pki === 'issue') {
      mkdirSync(certsDir);
      if (options.issuePki) {
        await options.issuePki({ MXG_CONFIG_DIR: configDir, MXG_CERTS_DIR: certsDir });
      } else {
        const config = MxgConfigService.load({
          env: { MXG_CONFIG_DIR: configDir, MXG_CERTS_DIR: certsDir },
        });
        await initPki({ certsDir, parties: pkiPlanFromConfig(config) });
      }
    }

    const broker = await createTestBroker(parties);
    cleanups.push(() => broker.drop());
    const tokens = new Map<string, string>();
    const treaty = loadTreatyConfig(configDir, work);

    for (const party of parties) {
      const id = party.toLowerCase();
      const own = options.configureGateway?.[party];
      const gatewayConfigDir = own === undefined ? configDir : join(work, `config-${id}`);
      if (own !== undefined) {
        cpSync(configDir, gatewayConfigDir, { recursive: true });
        own(gatewayConfigDir);
      }
      const clientsFile = join(work, `clients-${id}.yaml`);
      writeFileSync(
        clientsFile,
        stringify({
          clients: clientsOf(party, treaty.authoritiesOf(party), tokens, (authority) =>
            treaty.signatoriesOf(authority).map((s) => s.id),
          ),
        }),
      );
      const db = await createTestDatabase(id, { migrate: false });
      cleanups.push(() => db.drop());
      const env: Record<string, string> = {
        MXG_GATEWAY: id,
        MXG_CONFIG_DIR: gatewayConfigDir,
        ...(pki === 'issue' ? { MXG_CERTS_DIR: certsDir } : {}),
        MXG_CLIENTS_FILE: clientsFile,
        DATABASE_URL: db.appUrl,
        MXG_MIGRATION_DATABASE_URL: db.ownerUrl,
        AMQP_URL: broker.userUrl(party),
        MXG_HTTP_PORT: String(ports[party]),
        MXG_LOG_LEVEL: 'warn',
        MXG_CLOCK_OFFSET_FILE: join(work, `clock-offset-${id}`),
        ...options.env?.[party],
      };
      const tls = options.tls && gatewayTlsClient(certsDir, party);
      gateways[party] = gatewayUnderTest({
        party,
        tls,
        db,
        port: ports[party],
        configDir: gatewayConfigDir,
        env,
        tokens,
        instances,
      });
    }

    for (const party of parties) {
      if (closing !== undefined) throw new Error('the network was closed while it started');
      if (options.start?.[party] !== false) await gateways[party].start();
    }
    return {
      parties,
      gateways,
      gateway: (party) => {
        const found = gateways[party];
        if (!found) throw new Error(`no gateway of ${party} in this network`);
        return found;
      },
      broker,
      configDir,
      certsDir,
      close,
    };
  } catch (error) {
    await close(); // a gateway that cannot start leaves no databases or vhosts behind
    await drain();
    throw error;
  }
}

function gatewayFile(configDir: string, party: string): string {
  return join(configDir, 'gateways', `${party.toLowerCase()}.yaml`);
}

/**
 * A publisher per competent authority of the party (bound to that authority's signatories,
 * MIG-9.3), an auditor and a security officer.
 */
function clientsOf(
  party: string,
  authorities: readonly { code: string }[],
  tokens: Map<string, string>,
  signatoriesOf: (authority: string) => string[],
) {
  return [
    ...authorities.map((a) => ({
      name: a.code,
      id: `${a.code.toLowerCase()}-system`,
      authority: a.code,
      roles: ['publisher'],
      signatories: signatoriesOf(a.code),
    })),
    { name: 'auditor', id: 'auditor', authority: null, roles: ['auditor'], signatories: [] },
    {
      name: 'security-officer',
      id: 'security-officer',
      authority: null,
      roles: ['security-officer'],
      signatories: [],
    },
  ].map((c) => {
    const token = randomBytes(32).toString('base64url');
    tokens.set(`${party}:${c.name}`, token);
    return {
      id: c.id,
      authority: c.authority,
      roles: c.roles,
      signatories: c.signatories,
      tokenSha256: createHash('sha256').update(token).digest('hex'),
    };
  });
}

function gatewayUnderTest(spec: {
  party: string;
  tls: GatewayTlsClient | undefined;
  db: TestDatabase;
  port: number;
  configDir: string;
  env: Record<string, string>;
  tokens: ReadonlyMap<string, string>;
  instances: GatewayProcess[];
}): GatewayUnderTest {
  const { party, env } = spec;
  const id = party.toLowerCase();
  const tls = spec.tls && { tls: spec.tls };
  /** Whether the test asked it to stop: an exit then is no news. */
  let stopping = false;
  const g: GatewayUnderTest = {
    party,
    id,
    db: spec.db,
    port: spec.port,
    configDir: spec.configDir,
    process: undefined as unknown as GatewayProcess,
    token: (client) => {
      const token = spec.tokens.get(`${party}:${client}`);
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
      const response = await g.process.fetch(path, {
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
      stopping = false;
      g.process = await spawnGateway({ ...env, ...extraEnv }, tls);
      const health = await waitForHttp(g.process, '/health');
      if (health.status !== 200 && extraEnv.AMQP_URL === undefined) {
        throw new Error(
          `gateway ${id} is not healthy: ${await health.text()}\n${g.process.output()}`,
        );
      }
      // A gateway that was up and then ended by itself (not stopped, not killed by a test):
      // say so, with what it printed, or the test only sees ECONNREFUSED.
      const running = g.process;
      void running.exited.then((code) => {
        if (!stopping && code !== null && code !== 0) {
          console.error(`gateway ${id} exited with ${code}:\n${running.output().slice(-4000)}`);
        }
      });
    },
    async stop(signal = 'SIGTERM') {
      stopping = true;
      await g.process?.stop(signal);
    },
    env,
    setClockOffset(ms) {
      writeFileSync(env.MXG_CLOCK_OFFSET_FILE, String(ms));
    },
    async spawnInstance(extraEnv = {}) {
      const instance = await spawnGateway(
        { ...env, MXG_HTTP_PORT: String(await freePort()), ...extraEnv },
        tls,
      );
      spec.instances.push(instance);
      await waitForHttp(instance, '/health');
      return instance;
    },
  };
  return g;
}
