import { type ChildProcess, spawn } from 'node:child_process';
import {
  cpSync,
  existsSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  statSync,
  symlinkSync,
  utimesSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse, stringify } from 'yaml';
import { tlsFetch } from '../apps/gateway/src/tls/tls-fetch';
import { freePort } from './support/gateway-process';
import { createTestDatabase, type TestDatabase } from './support/test-database';
import { createTestBroker, type TestBroker } from './support/test-broker';
import { gatewayTlsClient } from './support/test-tls';

const ROOT = join(__dirname, '..');

/** Signals every process left in `child`'s group (the test made it its leader); none left is fine. */
function signalGroup(child: ChildProcess, signal: NodeJS.Signals): void {
  try {
    process.kill(-child.pid!, signal);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ESRCH') throw error;
  }
}

interface Started {
  readonly party: string;
  readonly child: ChildProcess;
  readonly port: number;
  output(): string;
  readonly exited: Promise<number | null>;
}

/**
 * `npm start` as the README has an operator run it — KZ's and AZ's gateways from one checkout,
 * at the same time — in a copy of the repository without a build or PKI (the dependencies
 * linked), so that both starts really build, issue certificates and start. Each start runs in
 * its own process group, which the test ends.
 */
describe('npm start', () => {
  let work: string;
  let databases: TestDatabase[] = [];
  let broker: TestBroker | undefined;
  const started: Started[] = [];

  beforeAll(() => {
    work = mkdtempSync(join(tmpdir(), 'mxg-start-'));
    for (const entry of [
      'apps',
      'libs',
      'config',
      'scripts',
      'package.json',
      'package-lock.json',
      'tsconfig.json',
      'tsconfig.build.json',
    ]) {
      cpSync(join(ROOT, entry), join(work, entry), { recursive: true });
    }
    symlinkSync(join(ROOT, 'node_modules'), join(work, 'node_modules'));
    // The build fails at once if another build of this checkout is under way (an exclusive
    // marker for its duration): two builds racing on dist/ crash one start only sometimes
    // (one reads what the other's tsc is rewriting); this makes every overlap fail.
    const manifest = JSON.parse(readFileSync(join(work, 'package.json'), 'utf8')) as {
      scripts: Record<string, string>;
    };
    const claim = `node -e "const fs = require('fs'); fs.closeSync(fs.openSync('dist.building', 'wx'))"`;
    const release = `node -e "require('fs').unlinkSync('dist.building')"`;
    // #17: each build that ran leaves a line, so a test can count them.
    const count = `node -e "require('fs').appendFileSync('builds.log', 'built\\n')"`;
    manifest.scripts.build = `${claim} && ${manifest.scripts.build} && ${count} && ${release}`;
    writeFileSync(join(work, 'package.json'), JSON.stringify(manifest, null, 2));
  });

  afterAll(async () => {
    for (const s of started) {
      // The whole process group: npm, the script, and whatever it runs (tsc, the gateway).
      signalGroup(s.child, 'SIGTERM');
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([s.exited, new Promise((r) => (timer = setTimeout(r, 15_000)))]);
      clearTimeout(timer);
      signalGroup(s.child, 'SIGKILL');
      await s.exited;
    }
    await Promise.all([...databases.map((db) => db.drop()), broker?.drop()]);
    rmSync(work, { recursive: true, force: true });
  });

  /** How many builds ran in the copy (each appends a line to builds.log). */
  const builds = () => {
    const log = join(work, 'builds.log');
    return existsSync(log) ? readFileSync(log, 'utf8').split('\n').filter(Boolean).length : 0;
  };

  const start = (party: string, env: Record<string, string>, port: number): Started => {
    const child = spawn('npm', ['start'], {
      cwd: work,
      detached: true, // its own process group: npm, the script and the gateway it execs
      env: {
        PATH: process.env.PATH,
        HOME: process.env.HOME,
        TZ: 'UTC',
        MXG_SERVICES: 'external',
        MXG_LOG_LEVEL: 'warn',
        MXG_GATEWAY: party.toLowerCase(),
        MXG_HTTP_PORT: String(port),
        ...env,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const exited = new Promise<number | null>((resolve) =>
      child.once('close', (code) => resolve(code)),
    );
    const s = { party, child, port, output: () => output, exited };
    started.push(s);
    return s;
  };

  /**
   * Resolves once the gateway reports itself healthy over HTTPS (the shipped gateway files turn
   * `http.tls` on, #15), trusting its party's CA as the copy issued it; rejects if its start
   * ends first.
   */
  const healthy = async (s: Started, timeoutMs: number): Promise<number> => {
    const deadline = Date.now() + timeoutMs;
    let last = 'no answer';
    for (;;) {
      if (s.child.exitCode !== null || s.child.signalCode !== null) {
        throw new Error(
          `npm start ended (${s.child.exitCode ?? s.child.signalCode}):\n${s.output()}`,
        );
      }
      try {
        const tls = gatewayTlsClient(join(work, 'certs'), s.party);
        const response = await tlsFetch(tls)(`https://127.0.0.1:${s.port}/health`);
        last = `${response.status} ${await response.text()}`;
        if (response.status === 200) return 200;
      } catch {
        // no PKI issued yet, or not listening yet
      }
      if (Date.now() > deadline) throw new Error(`not healthy in time (${last}):\n${s.output()}`);
      await new Promise((r) => setTimeout(r, 500));
    }
  };

  it('#10.17 starts KZ’s and AZ’s gateways at once from one checkout: both build steps succeed, both gateways run', async () => {
    broker = await createTestBroker(['KZ', 'AZ']);
    databases = [await createTestDatabase('start_kz'), await createTestDatabase('start_az')];
    const ports = [await freePort(), await freePort()];
    // Each witnesses the other, as in a real pair.
    for (const [id, other] of [
      ['kz', 1],
      ['az', 0],
    ] as const) {
      const file = join(work, 'config', 'gateways', `${id}.yaml`);
      const gateway = parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
      const party = other === 1 ? 'AZ' : 'KZ';
      gateway.witnesses = [{ party, url: `https://127.0.0.1:${ports[other]}` }];
      // The copy issues a PKI of its own, services CA included, but its databases are on this
      // checkout's PostgreSQL, whose certificate this checkout's services CA issued (#15): as
      // a deployment names the CA of the PostgreSQL it is given.
      const database = gateway.database as Record<string, unknown>;
      database.tls = { ca: join(ROOT, 'certs', 'services', 'ca.cert.pem') };
      writeFileSync(file, stringify(gateway));
    }
    const [kz, az] = (['KZ', 'AZ'] as const).map((party, i) =>
      start(
        party,
        {
          DATABASE_URL: databases[i].appUrl,
          MXG_MIGRATION_DATABASE_URL: databases[i].ownerUrl,
          AMQP_URL: broker!.userUrl(party),
        },
        ports[i],
      ),
    );
    const statuses = await Promise.all([healthy(kz, 280_000), healthy(az, 280_000)]);
    expect(statuses).toEqual([200, 200]);
    expect([kz.child.exitCode, az.child.exitCode]).toEqual([null, null]);
    // HTTPS only: plain http is refused (the CRL aside).
    const plain = await fetch(`http://127.0.0.1:${kz.port}/health`);
    expect([plain.status, ((await plain.json()) as { code: string }).code]).toEqual([
      400,
      'HTTPS_REQUIRED',
    ]);
    // One build between them: the start that waited found dist/ up to date.
    expect(builds()).toBe(1);
  }, 300_000);

  it('#17 starts again without building when nothing changed, and builds again once a source did', async () => {
    const env = {
      DATABASE_URL: databases[0].appUrl,
      MXG_MIGRATION_DATABASE_URL: databases[0].ownerUrl,
      AMQP_URL: broker!.userUrl('KZ'),
    };
    /** Ends KZ's running start, then starts it again on its port; resolves once it is healthy. */
    const restartKz = async (timeoutMs: number) => {
      const kz = started.find((s) => s.party === 'KZ')!;
      started.splice(started.indexOf(kz), 1);
      signalGroup(kz.child, 'SIGTERM');
      await kz.exited;
      expect(await healthy(start('KZ', env, kz.port), timeoutMs)).toBe(200);
    };
    const gatewayJs = join(work, 'dist', 'apps', 'gateway', 'src', 'main.js');
    const before = statSync(gatewayJs).mtimeMs;
    await restartKz(200_000);
    expect(builds()).toBe(1);
    expect(statSync(gatewayJs).mtimeMs).toBe(before);

    // A source newer than the last build: the next start builds once more.
    const later = new Date(Date.now() + 2_000);
    utimesSync(join(work, 'apps', 'gateway', 'src', 'main.ts'), later, later);
    await restartKz(280_000);
    expect(builds()).toBe(2);
  }, 600_000);
});
