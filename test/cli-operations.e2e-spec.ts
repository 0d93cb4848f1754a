import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import {
  appendFileSync,
  cpSync,
  existsSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { partyPkiPaths } from '@mxg/pki';
import { spawnGateway, waitForHttp, type GatewayProcess } from './support/gateway-process';
import { createTestDatabase, queryOnce, type TestDatabase } from './support/test-database';
import { gatewayTlsClient } from './support/test-tls';

/*
 * Issue 17, the CLI operators expect: `mxg --version`, `--json` on every command, `-` for
 * standard input and output, and `mxg audit export --api` — the auditor's export through the
 * gateway's API with a bearer token, no database credentials — checked by `mxg audit verify`.
 * The CLI is this checkout's build (apps/cli/bin/mxg.js), run as its own process.
 */

const ROOT = join(__dirname, '..');
const MXG = join(ROOT, 'apps', 'cli', 'bin', 'mxg.js');
const CERTS = join(ROOT, 'certs');
const AUDITOR_TOKEN = 'cli-auditor-token-for-this-test-only';
const PUBLISHER_TOKEN = 'cli-publisher-token-for-this-test-only';
const sha256 = (s: string | Buffer) => createHash('sha256').update(s).digest('hex');

interface Run {
  code: number;
  stdout: Buffer;
  stderr: string;
  /** stdout parsed as the one JSON document a `--json` command prints. */
  json(): Record<string, unknown>;
}

/** Runs the CLI with `args`, feeding `input` to its standard input. */
function mxg(
  args: string[],
  options: { env?: Record<string, string>; input?: Buffer | string } = {},
): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [MXG, ...args], {
      cwd: ROOT,
      env: { ...process.env, TZ: 'UTC', ...options.env },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (c: Buffer) => out.push(c));
    child.stderr.on('data', (c: Buffer) => err.push(c));
    child.once('error', reject);
    child.once('close', (code) => {
      const stdout = Buffer.concat(out);
      resolve({
        code: code ?? -1,
        stdout,
        stderr: Buffer.concat(err).toString('utf8'),
        json: () => JSON.parse(stdout.toString('utf8')) as Record<string, unknown>,
      });
    });
    child.stdin.end(options.input ?? '');
  });
}

const work = mkdtempSync(join(tmpdir(), 'mxg-cli-operations-'));
const file = (name: string) => join(work, name);
afterAll(() => rmSync(work, { recursive: true, force: true }));

describe('mxg --version', () => {
  const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as {
    name: string;
    version: string;
  };

  it('says the package version, the commit it was built from and the Node.js version', async () => {
    const human = await mxg(['--version']);
    expect(human.code).toBe(0);
    expect(human.stdout.toString()).toMatch(
      new RegExp(
        `^mxg ${pkg.version.replace(/\./g, '\\.')} \\((commit [0-9a-f]{12}( with uncommitted changes)?|commit unknown); node ${process.version.replace(/\./g, '\\.')}\\)\\n$`,
      ),
    );
    expect((await mxg(['-V'])).stdout.toString()).toBe(human.stdout.toString());
    const json = (await mxg(['--version', '--json'])).json();
    expect(json).toEqual({
      name: pkg.name,
      version: pkg.version,
      commit: expect.stringMatching(/^[0-9a-f]{40}$/),
      modified: expect.any(Boolean),
      node: process.version,
    });
    // The commit is the one `npm run build` recorded, not looked up when asked.
    const built = JSON.parse(readFileSync(join(ROOT, 'dist', 'build-info.json'), 'utf8')) as {
      commit: string;
    };
    expect(json.commit).toBe(built.commit);
  });
});

describe('--json on every command (one JSON document on stdout, errors as {code, message})', () => {
  const certs = file('certs');
  let db: TestDatabase;
  const sealed = file('sealed.p7m');

  beforeAll(async () => {
    // pki's commands change the directory they work on: a copy of this checkout's PKI.
    cpSync(CERTS, certs, { recursive: true, dereference: true });
    db = await createTestDatabase('clijson');
  });
  afterAll(async () => {
    await db?.drop();
  });

  const body = JSON.stringify(
    (
      JSON.parse(readFileSync(join(ROOT, 'examples', 'messages', 'request.json'), 'utf8')) as {
        body: unknown;
      }
    ).body,
  );
  const seal = [
    ...['envelope', 'seal', '-', '--from', 'KZ-MVD', '--to', 'AZ-DMX', '--type', 'request'],
    ...['--agreement', 'MIG', '--signatory', 'kz-mvd-deputy-minister'],
  ];

  // Commands not run here: `services provision` and `services watch-links` act on the shared
  // PostgreSQL and RabbitMQ (watch-links prints JSON Lines, as it runs until stopped);
  // `audit export` and `audit verify` are below, against a real gateway.
  const rows: {
    name: string;
    args: () => string[];
    env?: () => Record<string, string>;
    input?: string;
    code: number;
    expected: (json: Record<string, unknown>) => void;
  }[] = [
    {
      name: 'config check',
      args: () => ['config', 'check', '--gateway', 'kz', '--json'],
      code: 0,
      expected: (json) =>
        expect(json).toMatchObject({ valid: true, gateway: { id: 'kz', party: 'KZ' } }),
    },
    {
      name: 'message check - (stdin)',
      args: () => ['message', 'check', '-', '--json'],
      input: readFileSync(join(ROOT, 'examples', 'messages', 'request.json'), 'utf8'),
      code: 0,
      expected: (json) => expect(json).toMatchObject({ file: '-', valid: true, type: 'request' }),
    },
    {
      name: 'claim check',
      args: () => ['claim', 'check', 'examples/ret/claim.json', '--json'],
      code: 0,
      expected: (json) => expect(json).toMatchObject({ valid: true, problems: [] }),
    },
    {
      name: 'claim render',
      args: () => ['claim', 'render', '-', '--out', file('claim.html'), '--json'],
      input: readFileSync(join(ROOT, 'examples', 'ret', 'claim.json'), 'utf8'),
      code: 0,
      expected: (json) =>
        expect(json).toMatchObject({ out: file('claim.html'), format: 'html', lines: 5 }),
    },
    {
      name: 'auth token',
      args: () => ['auth', 'token', '--client', 'auditor-9', '--json'],
      code: 0,
      expected: (json) => {
        const { token, client } = json as { token: string; client: Record<string, unknown> };
        expect(client).toEqual({ id: 'auditor-9', roles: ['auditor'], tokenSha256: sha256(token) });
      },
    },
    {
      name: 'envelope seal',
      args: () => [...seal, '--out', sealed, '--json'],
      input: body,
      code: 0,
      expected: (json) =>
        expect(json).toMatchObject({
          sealed: true,
          out: sealed,
          digest: expect.stringMatching(/^sha256:[0-9a-f]{64}$/),
        }),
    },
    {
      name: 'envelope open',
      args: () => ['envelope', 'open', sealed, '--as', 'AZ', '--json'],
      code: 0,
      expected: (json) =>
        expect(json).toMatchObject({ valid: true, signatoryId: expect.any(String) }),
    },
    {
      name: 'verify',
      args: () => ['verify', sealed, '--json'],
      code: 0,
      expected: (json) => expect(json).toMatchObject({ verdict: 'valid' }),
    },
    {
      name: 'pki init (everything kept)',
      args: () => ['pki', 'init', '--json'],
      env: () => ({ MXG_CERTS_DIR: certs }),
      code: 0,
      expected: (json) => {
        expect(json).toMatchObject({ certs, created: [], updated: [] });
        expect((json.kept as string[]).length).toBeGreaterThan(0);
      },
    },
    {
      name: 'pki csr',
      args: () => ['pki', 'csr', '--party', 'KZ', '--key', 'seal', '--json'],
      env: () => ({ MXG_CERTS_DIR: certs }),
      code: 0,
      expected: (json) =>
        expect(json).toMatchObject({
          party: 'KZ',
          key: 'seal',
          request: expect.stringMatching(/\.csr\.pem$/),
        }),
    },
    {
      name: 'pki rotate',
      args: () => ['pki', 'rotate', '--party', 'KZ', '--key', 'seal', '--json'],
      env: () => ({ MXG_CERTS_DIR: certs }),
      code: 0,
      expected: (json) =>
        expect(json).toMatchObject({ party: 'KZ', key: 'seal', generation: expect.any(Number) }),
    },
    {
      name: 'pki revoke',
      args: () => [
        ...['pki', 'revoke', join(certs, 'az', 'signatories', 'az-dmx-deputy-head.cert.pem')],
        '--json',
      ],
      env: () => ({ MXG_CERTS_DIR: certs }),
      code: 0,
      expected: (json) =>
        expect(json).toMatchObject({ alreadyRevoked: false, reason: 'unspecified' }),
    },
    {
      name: 'db migrate',
      args: () => ['db', 'migrate', '--gateway', 'kz', '--json'],
      env: () => ({ MXG_MIGRATION_DATABASE_URL: db.ownerUrl }),
      code: 0,
      expected: (json) => expect(json).toEqual({ gateways: [{ gateway: 'kz', applied: [] }] }),
    },
    // Refusals: the same exit statuses as without --json, the reason as {code, message}.
    {
      name: 'an unknown command',
      args: () => ['frobnicate', '--json'],
      code: 2,
      expected: (json) =>
        expect(json).toEqual({ code: 'USAGE', message: "unknown command 'frobnicate'" }),
    },
    {
      name: 'message check of a missing file',
      args: () => ['message', 'check', file('missing.json'), '--json'],
      code: 2,
      expected: (json) =>
        expect(json).toEqual({
          code: 'USAGE',
          message: `cannot read ${file('missing.json')}: ENOENT`,
        }),
    },
    {
      name: 'envelope open of bytes that are no envelope',
      args: () => ['envelope', 'open', '-', '--as', 'AZ', '--json'],
      input: 'not a CMS envelope',
      code: 1,
      expected: (json) => expect(json).toMatchObject({ valid: false, code: 'MALFORMED_ENVELOPE' }),
    },
    {
      name: 'audit verify of a missing file',
      args: () => ['audit', 'verify', file('missing.jsonl'), '--json'],
      code: 3,
      expected: (json) =>
        expect(json).toMatchObject({
          code: 'AUDIT_EXPORT_UNREADABLE',
          message: expect.stringContaining(file('missing.jsonl')),
        }),
    },
    {
      name: 'config check of a gateway not configured',
      args: () => ['config', 'check', '--gateway', 'xx', '--json'],
      code: 3,
      expected: (json) =>
        expect(json).toEqual({
          code: expect.stringMatching(/^[A-Z_]+$/),
          message: expect.any(String),
        }),
    },
  ];

  it.each(rows.map((r) => [r.name, r] as const))('%s', async (_name, row) => {
    const run = await mxg(row.args(), { env: row.env?.(), input: row.input });
    expect({ code: run.code, stderr: run.code === row.code ? '' : run.stderr }).toEqual({
      code: row.code,
      stderr: '',
    });
    row.expected(run.json());
  });
});

describe('- for standard input and output', () => {
  it('seals a body read from stdin to stdout, and opens that envelope from stdin (the report on stderr)', async () => {
    const body = JSON.stringify(
      (
        JSON.parse(readFileSync(join(ROOT, 'examples', 'messages', 'request.json'), 'utf8')) as {
          body: unknown;
        }
      ).body,
    );
    const sealed = await mxg(
      [
        ...['envelope', 'seal', '-', '--from', 'KZ-MVD', '--to', 'AZ-DMX', '--type', 'request'],
        ...['--agreement', 'MIG', '--signatory', 'kz-mvd-deputy-minister', '--out', '-'],
      ],
      { input: body },
    );
    expect(sealed.code).toBe(0);
    // DER: a SEQUENCE, not the human report, which went to stderr.
    expect(sealed.stdout[0]).toBe(0x30);
    expect(sealed.stderr).toMatch(
      /^sealed request [0-9a-f-]{36} under MIG, KZ-MVD \(KZ\) → AZ-DMX/,
    );
    expect(sealed.stderr).toContain('wrote   stdout (');
    const opened = await mxg(['envelope', 'open', '-', '--as', 'AZ'], { input: sealed.stdout });
    expect(opened.code).toBe(0);
    expect(JSON.parse(opened.stdout.toString())).toMatchObject({ body: JSON.parse(body) });
  });

  it('refuses - for two outputs at once', async () => {
    const run = await mxg([
      ...[
        'envelope',
        'seal',
        'examples/messages/request.json',
        '--signatory',
        'kz-mvd-deputy-minister',
      ],
      ...['--out', '-', '--inner-out', '-'],
    ]);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('only one output can be standard output');
    expect(run.stdout.length).toBe(0);
  });
});

describe('mxg audit export --api (an auditor, through the gateway, no database credentials)', () => {
  let db: TestDatabase;
  let gateway: GatewayProcess;
  let config: string;
  const kz = partyPkiPaths(CERTS, 'KZ');
  const tls = ['--ca', kz.caCertificate, '--cert', kz.tls.client.certificate];
  const tlsKey = ['--key', kz.tls.client.privateKey];
  const auditorToken = file('auditor.token');
  const publisherToken = file('publisher.token');
  /** The CLI's environment: this test's configuration (no witness required), no database URL. */
  const env = () => ({ MXG_CONFIG_DIR: config });

  beforeAll(async () => {
    db = await createTestDatabase('cliexport', { migrate: false });
    config = mkdtempSync(join(tmpdir(), 'mxg-cli-export-config-'));
    cpSync(join(ROOT, 'config'), config, { recursive: true });
    const gatewayFile = join(config, 'gateways', 'kz.yaml');
    // No peer to witness in this test; the clients replace the empty list.
    writeFileSync(
      gatewayFile,
      readFileSync(gatewayFile, 'utf8')
        .replace(/witnesses:\n( {2}- .*\n)+/, 'witnesses: []\n')
        .replace('clients: []\n', ''),
    );
    appendFileSync(
      gatewayFile,
      `clients:\n` +
        `  - { id: auditor-7, roles: [auditor], tokenSha256: ${sha256(AUDITOR_TOKEN)} }\n` +
        `  - { id: ns-7, authority: KZ-MVD, roles: [publisher], tokenSha256: ${sha256(PUBLISHER_TOKEN)} }\n`,
    );
    writeFileSync(auditorToken, `${AUDITOR_TOKEN}\n`, { mode: 0o600 });
    writeFileSync(publisherToken, PUBLISHER_TOKEN, { mode: 0o600 });
    // The shipped gateway file serves HTTPS with client certificates (#15).
    gateway = await spawnGateway(
      {
        MXG_GATEWAY: 'kz',
        MXG_CONFIG_DIR: config,
        DATABASE_URL: db.appUrl,
        MXG_MIGRATION_DATABASE_URL: db.ownerUrl,
      },
      { tls: gatewayTlsClient(CERTS, 'KZ') },
    );
    await waitForHttp(gateway, '/health');
    // The export holds the log up to its latest checkpoint: wait for the first one.
    for (let i = 0; ; i++) {
      const latest = await gateway.fetch('/v1/audit/checkpoints/latest', {
        headers: { authorization: `Bearer ${AUDITOR_TOKEN}` },
      });
      if (latest.status === 200) break;
      if (i > 100) throw new Error(`no checkpoint signed:\n${gateway.output()}`);
      await new Promise((r) => setTimeout(r, 200));
    }
  });

  afterAll(async () => {
    await gateway?.stop();
    await db?.drop();
    rmSync(config, { recursive: true, force: true });
  });

  const exported = () =>
    queryOnce<{ actor_user: string; actor_role: string; outcome: string; details: unknown }>(
      db.ownerUrl,
      `SELECT actor_user, actor_role, outcome, details FROM audit_entries
        WHERE event_type = 'audit.exported' ORDER BY id`,
    );

  it('writes the signed export that mxg audit verify accepts, and the export is on the record', async () => {
    const out = file('api-export.jsonl');
    const run = await mxg(
      [
        ...['audit', 'export', '--api', gateway.url, '--token-file', auditorToken],
        ...tls,
        ...tlsKey,
        ...['--out', out, '--json'],
      ],
      { env: env() },
    );
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    const summary = run.json();
    expect(summary).toEqual({
      source: gateway.url,
      out,
      treeSize: expect.any(Number),
      checkpoints: expect.any(Number),
    });
    expect(summary.treeSize).toBeGreaterThanOrEqual(1);

    // Audited before the answer ended: on the record by the time the CLI is done.
    expect(await exported()).toEqual([
      {
        actor_user: 'auditor-7',
        actor_role: 'auditor',
        outcome: 'success',
        details: { treeSize: summary.treeSize, checkpoints: summary.checkpoints },
      },
    ]);

    const verified = await mxg(['audit', 'verify', out, '--json'], { env: env() });
    expect(verified.code).toBe(0);
    expect(verified.json()).toMatchObject({
      file: out,
      valid: true,
      origin: 'mxg.kz/audit',
      entries: summary.treeSize,
      checkpoints: summary.checkpoints,
      logKeyPinned: true,
    });

    // The same document as the operators' database export: the entries and checkpoints it
    // shares with it are the same lines (the log may have grown between the two).
    const fromDb = file('db-export.jsonl');
    const operator = await mxg(['audit', 'export', '--gateway', 'kz', '--out', fromDb], {
      env: { MXG_CONFIG_DIR: config, DATABASE_URL: db.appUrl },
    });
    expect(operator.code).toBe(0);
    const lines = (path: string) =>
      readFileSync(path, 'utf8')
        .trimEnd()
        .split('\n')
        .map((l) => JSON.parse(l) as { kind: string });
    const api = lines(out).filter((l) => l.kind === 'entry' || l.kind === 'checkpoint');
    const db2 = lines(fromDb).filter((l) => l.kind === 'entry' || l.kind === 'checkpoint');
    expect(api.length).toBeGreaterThan(0);
    expect(db2.slice(0, api.length)).toEqual(api);
  });

  it('streams to stdout (token from MXG_TOKEN) into mxg audit verify reading stdin', async () => {
    const run = await mxg(
      ['audit', 'export', '--api', gateway.url, ...tls, ...tlsKey, '--out', '-'],
      { env: { ...env(), MXG_TOKEN: AUDITOR_TOKEN } },
    );
    expect(run.code).toBe(0);
    expect(run.stderr).toMatch(
      /^audit export https:\/\/127\.0\.0\.1:\d+: \d+ entries, \d+ checkpoints → stdout\n$/,
    );
    expect(JSON.parse(run.stdout.toString().split('\n')[0])).toMatchObject({ kind: 'header' });
    const verified = await mxg(['audit', 'verify', '-'], { env: env(), input: run.stdout });
    expect(verified.code).toBe(0);
    expect(verified.stdout.toString()).toMatch(/^audit verify: VALID — mxg\.kz\/audit: /);

    const tampered = Buffer.from(
      run.stdout.toString().replace('"config.changed"', '"config.changes"'),
    );
    const refused = await mxg(['audit', 'verify', '-', '--json'], { env: env(), input: tampered });
    expect(refused.code).toBe(1);
    expect(refused.json()).toMatchObject({ file: '-', valid: false });
  });

  it('refuses a publisher’s token with 403 AUTH_FORBIDDEN, says why, and writes nothing', async () => {
    const out = file('forbidden.jsonl');
    const before = (await exported()).length;
    const args = [
      ...['audit', 'export', '--api', gateway.url, '--token-file', publisherToken],
      ...tls,
      ...tlsKey,
      ...['--out', out],
    ];
    const human = await mxg(args, { env: env() });
    expect(human.code).toBe(3);
    expect(human.stderr).toMatch(
      /^mxg: AUTH_FORBIDDEN: https:\/\/127\.0\.0\.1:\d+\/v1\/audit\/export answered 403: .+ — exporting the audit log takes a client with the auditor role\n$/,
    );
    expect(existsSync(out)).toBe(false);
    const json = await mxg([...args, '--json'], { env: env() });
    expect(json.code).toBe(3);
    expect(json.json()).toEqual({
      code: 'AUTH_FORBIDDEN',
      message: expect.stringContaining('answered 403'),
    });
    expect(existsSync(out)).toBe(false);
    // A refused request exports nothing, so there is no export to record.
    expect((await exported()).length).toBe(before);
  });

  it('takes no token on the command line, and says where to put it', async () => {
    const base = ['audit', 'export', '--api', gateway.url, ...tls, ...tlsKey, '--out', file('x')];
    const none = await mxg(base, { env: env() });
    expect(none.code).toBe(2);
    expect(none.stderr).toContain(
      'give the bearer token in --token-file <file> or in the environment as MXG_TOKEN',
    );
    const argv = await mxg([...base, '--token', AUDITOR_TOKEN], { env: env() });
    expect(argv.code).toBe(2);
    expect(argv.stderr).toContain("unknown option '--token'");
    const wrong = await mxg(base, { env: { ...env(), MXG_TOKEN: 'not-a-token' } });
    expect(wrong.code).toBe(3);
    expect(wrong.stderr).toContain('AUTH_');
  });

  it('refuses a gateway it does not trust: without --ca the system store does not know the party CA', async () => {
    const run = await mxg(['audit', 'export', '--api', gateway.url, '--out', file('y'), '--json'], {
      env: { ...env(), MXG_TOKEN: AUDITOR_TOKEN },
    });
    expect(run.code).toBe(3);
    expect(run.json()).toMatchObject({ code: 'GATEWAY_UNREACHABLE' });
    expect(existsSync(file('y'))).toBe(false);
  });
});
