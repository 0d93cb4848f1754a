import { type ChildProcess, spawn } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse, stringify } from 'yaml';
import { ensureSecret, MxgConfigService, postgresSecretName, scratchRoles } from '@mxg/config';
import { createScratchDatabase, type ScratchDatabase } from '@mxg/database';
import { initPki } from '@mxg/pki';
import { pkiPlanFromConfig } from '../../../cli/src/commands/pki-plan';
import { createScratchBroker, type ScratchBroker } from '../../../cli/src/services/scratch-broker';

const PARTIES = ['KZ', 'AZ'] as const;
export type Party = (typeof PARTIES)[number];

/** A database provisioned like a gateway's, dropped at the end of the run. */
export type BenchDatabase = ScratchDatabase;

/** One gateway process, started as an operator would start it. */
export interface GatewayProcess {
  readonly party: Party;
  readonly url: string;
  readonly pid: number;
  readonly db: BenchDatabase;
  /** The bearer token of KZ-MVD's national system (KZ only). */
  readonly publisherToken: string;
  output(): string;
  stop(): Promise<void>;
}

/** Everything a pipeline run stands on: config, PKI, vhosts and databases, all private to it. */
export interface BenchExchange {
  readonly kz: GatewayProcess;
  readonly az: GatewayProcess;
  /**
   * A vhost per party on its party's own node (#15), linked over mutual TLS, with users of its
   * own; the broker's own limits are measured in KZ's vhost, as its node's administrator.
   */
  readonly broker: ScratchBroker;
  readonly certsDir: string;
  readonly configDir: string;
  close(): Promise<void>;
}

export interface ExchangeOptions {
  /** Directory for `node --cpu-prof` profiles of both gateways, if wanted. */
  cpuProfDir?: string;
}

/**
 * Kazakhstan's and Azerbaijan's gateways as two processes, each with a fresh database, on a
 * scratch broker of their own on the parties' RabbitMQ nodes (a vhost per party, linked over
 * mutual TLS, as provisioning makes them; the gateways connect over AMQPS), with a development PKI issued into a temporary directory and a known bearer
 * token for KZ-MVD's national system. Nothing of the development set-up is touched.
 */
export async function startBenchExchange(options: ExchangeOptions = {}): Promise<BenchExchange> {
  const work = mkdtempSync(join(tmpdir(), 'mxg-bench-pipeline-'));
  const cleanups: (() => Promise<void>)[] = [
    () => Promise.resolve(rmSync(work, { recursive: true, force: true })),
  ];
  const cleanup = async () => {
    for (const step of cleanups.reverse()) await step().catch(() => undefined);
  };
  try {
    const config = MxgConfigService.load();
    const configDir = join(work, 'config');
    const certsDir = join(work, 'certs');
    cpSync(config.paths.config, configDir, { recursive: true });
    mkdirSync(certsDir);
    await initPki({ certsDir, parties: pkiPlanFromConfig(config) });

    // Users of its own: provisioning the development users onto other vhosts would take
    // their permissions on the development vhosts away.
    const broker = await createScratchBroker({ prefix: 'mxg-bench', parties: PARTIES, config });
    cleanups.push(() => broker.drop());

    const ports = { KZ: await freePort(), AZ: await freePort() };
    const token = randomBytes(32).toString('base64url');
    const gateways: GatewayProcess[] = [];
    for (const party of PARTIES) {
      const id = party.toLowerCase();
      const other = party === 'KZ' ? 'AZ' : 'KZ';
      const file = join(configDir, 'gateways', `${id}.yaml`);
      const gateway = parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
      // Plain HTTP: the shipped files' `http.tls` (#15) is dropped, so the figures leave TLS out.
      gateway.http = { host: '127.0.0.1', port: ports[party] };
      gateway.witnesses = [{ party: other, url: `http://127.0.0.1:${ports[other]}` }];
      writeFileSync(file, stringify(gateway));
      const clientsFile = join(work, `clients-${id}.yaml`);
      writeFileSync(
        clientsFile,
        stringify({
          clients:
            party === 'KZ'
              ? [
                  {
                    id: 'kz-mvd-system',
                    authority: 'KZ-MVD',
                    roles: ['publisher'],
                    signatories: config.treaty.signatoriesOf('KZ-MVD').map((s) => s.id),
                    tokenSha256: createHash('sha256').update(token).digest('hex'),
                  },
                ]
              : [],
        }),
      );
      const db = await createBenchDatabase(config, `mxg_bench_${id}`);
      cleanups.push(() => db.drop());
      const amqpUrl = broker.userUrl(party);
      const env: Record<string, string> = {
        PATH: process.env.PATH ?? '/usr/bin:/bin',
        TZ: 'UTC',
        MXG_GATEWAY: id,
        MXG_CONFIG_DIR: configDir,
        MXG_CERTS_DIR: certsDir,
        MXG_CLIENTS_FILE: clientsFile,
        DATABASE_URL: db.appUrl,
        MXG_MIGRATION_DATABASE_URL: db.ownerUrl,
        AMQP_URL: amqpUrl,
        MXG_HTTP_PORT: String(ports[party]),
        MXG_LOG_LEVEL: 'warn',
      };
      const gatewayProcess = spawnGateway(config.paths.root, party, env, db, token, options);
      cleanups.push(() => gatewayProcess.stop());
      gateways.push(gatewayProcess);
    }
    await Promise.all(gateways.map((g) => waitHealthy(g)));
    const [kz, az] = gateways as [GatewayProcess, GatewayProcess];
    return { kz, az, broker, certsDir, configDir, close: cleanup };
  } catch (error) {
    await cleanup();
    throw error;
  }
}

function spawnGateway(
  root: string,
  party: Party,
  env: Record<string, string>,
  db: BenchDatabase,
  publisherToken: string,
  { cpuProfDir }: ExchangeOptions,
): GatewayProcess {
  const profile = cpuProfDir
    ? ['--cpu-prof', `--cpu-prof-dir=${cpuProfDir}`, `--cpu-prof-name=gateway-${party}.cpuprofile`]
    : [];
  const child: ChildProcess = spawn(
    process.execPath,
    [...profile, join(root, 'dist', 'apps', 'gateway', 'src', 'main.js')],
    {
      cwd: root,
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let output = '';
  const keep = (chunk: Buffer) => {
    output = (output + chunk.toString()).slice(-20_000);
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  return {
    party,
    url: `http://127.0.0.1:${env.MXG_HTTP_PORT}`,
    pid: child.pid ?? 0,
    db,
    publisherToken,
    output: () => output,
    async stop() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      await exited;
    },
  };
}

async function waitHealthy(gateway: GatewayProcess, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      const health = await fetch(`${gateway.url}/health`);
      if (health.status === 200) return;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      throw new Error(`gateway ${gateway.party} did not become healthy:\n${gateway.output()}`);
    }
    await new Promise((r) => setTimeout(r, 200));
  }
}

/** A fresh database provisioned like a gateway's (owner and app roles); not migrated. */
export function createBenchDatabase(
  config: MxgConfigService,
  prefix: string,
): Promise<BenchDatabase> {
  return createScratchDatabase({
    adminUrl: config.postgresAdminUrl,
    name: `${prefix}_${randomBytes(4).toString('hex')}`,
    roles: scratchRoles('mxg_bench', config.checkoutSlot),
    secret: (role) => ensureSecret(config.paths.var, postgresSecretName(role)),
    migrate: false,
  });
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
  });
}
