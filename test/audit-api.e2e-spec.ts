import { createHash, randomUUID } from 'node:crypto';
import { appendFileSync, cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';
import {
  decodeEntryBundle,
  hashLeaf,
  MerkleTree,
  parseCheckpoint,
  parseSignedNote,
  TILE_WIDTH,
  tilePath,
  tileWidth,
  verifyInclusion,
} from '@mxg/audit';
import { encodeCursor } from '../apps/gateway/src/api/cursor';
import { spawnGateway, waitForHttp, type GatewayProcess } from './support/gateway-process';
import { createTestDatabase, type TestDatabase } from './support/test-database';
import { gatewayTlsClient } from './support/test-tls';

const AUDITOR_TOKEN = 'auditor-token-for-this-test-only';
const PUBLISHER_TOKEN = 'publisher-token-for-this-test-only';
const sha256 = (s: string) => createHash('sha256').update(s).digest('hex');

interface Page {
  entries: {
    seq: number;
    type: string;
    actor: { user: string | null };
    details: Record<string, unknown>;
    integrity: 'intact' | 'altered';
  }[];
  next: string | null;
  integrity: { checked: number; altered: number[] };
}

describe('auditor API (compiled gateway process, real PostgreSQL)', () => {
  let db: TestDatabase;
  let gateway: GatewayProcess;
  let dir: string;

  beforeAll(async () => {
    db = await createTestDatabase('auditapi', { migrate: false });
    dir = mkdtempSync(join(tmpdir(), 'mxg-audit-api-'));
    cpSync(join(__dirname, '..', 'config'), dir, { recursive: true });
    const file = join(dir, 'gateways', 'kz.yaml');
    // No peer to witness in this test; the clients replace the empty list.
    writeFileSync(
      file,
      readFileSync(file, 'utf8')
        .replace(/witnesses:\n( {2}- .*\n)+/, 'witnesses: []\n')
        .replace('clients: []\n', ''),
    );
    appendFileSync(
      file,
      `clients:\n` +
        `  - { id: auditor-1, roles: [auditor], tokenSha256: ${sha256(AUDITOR_TOKEN)} }\n` +
        `  - { id: ns-1, authority: KZ-MVD, roles: [publisher], tokenSha256: ${sha256(PUBLISHER_TOKEN)} }\n`,
    );
    // The shipped gateway file serves HTTPS (#15): the test talks to it as a national system of
    // KZ would, trusting KZ's CA and showing KZ's TLS client certificate.
    gateway = await spawnGateway(
      {
        MXG_GATEWAY: 'kz',
        MXG_CONFIG_DIR: dir,
        DATABASE_URL: db.appUrl,
        MXG_MIGRATION_DATABASE_URL: db.ownerUrl,
      },
      { tls: gatewayTlsClient(join(__dirname, '..', 'certs'), 'KZ') },
    );
    await waitForHttp(gateway, '/health');
  });

  afterAll(async () => {
    await gateway?.stop();
    await db?.drop();
    rmSync(dir, { recursive: true, force: true });
  });

  const get = (path: string, token?: string) =>
    gateway.fetch(path, {
      headers: token === undefined ? {} : { authorization: `Bearer ${token}` },
    });

  it('answers 401 without a token or with a wrong one, 403 to a client without the auditor role', async () => {
    const none = await get('/v1/audit/entries');
    expect(none.status).toBe(401);
    expect(none.headers.get('www-authenticate')).toMatch(/^Bearer/);
    expect((await get('/v1/audit/entries', 'not-a-token')).status).toBe(401);
    const publisher = await get('/v1/audit/entries', PUBLISHER_TOKEN);
    expect(publisher.status).toBe(403);
    expect(await publisher.json()).toMatchObject({ code: 'AUTH_FORBIDDEN' });
  });

  it('shows the config change recorded at start, sequenced and checkpointed, and audits the query itself', async () => {
    let page: Page | undefined;
    for (let i = 0; i < 50 && !page?.entries.length; i++) {
      const response = await get('/v1/audit/entries?type=config.changed', AUDITOR_TOKEN);
      expect(response.status).toBe(200);
      page = (await response.json()) as Page;
      if (page.entries.length === 0) await new Promise((r) => setTimeout(r, 200));
    }
    expect(page?.entries).toEqual([
      expect.objectContaining({
        seq: 0,
        type: 'config.changed',
        actor: expect.objectContaining({ user: 'kz' }),
      }),
    ]);

    const queried = await pollEntries('/v1/audit/entries?type=audit.queried&limit=1');
    expect(queried.entries[0]).toMatchObject({
      type: 'audit.queried',
      actor: { user: 'auditor-1' },
      details: { type: 'config.changed' },
    });

    // #17: pages by an opaque cursor; the next page starts after the last entry of this one.
    const first = await pollEntries('/v1/audit/entries?limit=1');
    expect(first.next).toEqual(expect.any(String));
    const second = (await (
      await get(`/v1/audit/entries?limit=1&cursor=${first.next}`, AUDITOR_TOKEN)
    ).json()) as Page;
    expect(second.entries).toHaveLength(1);
    expect(second.entries[0].seq).toBeGreaterThan(first.entries[0].seq);
    for (const cursor of [
      'nonsense',
      encodeCursor('inbox', [randomUUID()]),
      String(first.entries[0].seq),
    ]) {
      const refused = await get(`/v1/audit/entries?cursor=${cursor}`, AUDITOR_TOKEN);
      expect(refused.status).toBe(400);
      expect(await refused.json()).toMatchObject({ code: 'CURSOR_INVALID' });
    }

    const checkpoint = await get('/v1/audit/checkpoints/latest', AUDITOR_TOKEN);
    expect(checkpoint.status).toBe(200);
    expect(((await checkpoint.json()) as { note: string }).note).toMatch(/^mxg\.kz\/audit\n\d+\n/);
  });

  it('rejects an invalid query with 400 naming the parameter', async () => {
    const response = await get('/v1/audit/entries?party=kazakhstan', AUDITOR_TOKEN);
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({
      code: 'AUDIT_QUERY_INVALID',
      message: expect.stringMatching(/^party:/),
    });
  });

  it('serves the log in the tlog-tiles layout: the signed root and inclusion proofs follow from the tiles alone', async () => {
    // More than two tiles' worth, written as the gateway's own writers do (INSERT only).
    const ENTRIES = 600;
    const client = new Client({ connectionString: db.appUrl });
    await client.connect();
    try {
      await client.query(
        `INSERT INTO audit_entries (recorded_at, event_type, actor_user, outcome)
         SELECT now(), 'message.published', 'bulk-' || i, 'success' FROM generate_series(1, $1) i`,
        [ENTRIES],
      );
    } finally {
      await client.end();
    }
    expect((await get('/v1/audit/log/checkpoint')).status).toBe(401);
    expect((await get('/v1/audit/log/tile/0/000')).status).toBe(401);
    expect((await get('/v1/audit/log/tile/0/000', PUBLISHER_TOKEN)).status).toBe(403);

    let note = '';
    let size = 0;
    for (let i = 0; i < 100 && size <= ENTRIES; i++) {
      const response = await get('/v1/audit/log/checkpoint', AUDITOR_TOKEN);
      expect(response.status).toBe(200);
      expect(response.headers.get('content-type')).toBe('text/plain; charset=utf-8');
      note = await response.text();
      size = parseCheckpoint(parseSignedNote(note).body).treeSize;
      if (size <= ENTRIES) await new Promise((r) => setTimeout(r, 200));
    }
    expect(size).toBeGreaterThan(ENTRIES);
    const checkpoint = parseCheckpoint(parseSignedNote(note).body);
    expect(checkpoint.origin).toBe('mxg.kz/audit');

    const tile = async (level: number | 'entries', index: number, width: number) => {
      const response = await get(`/v1/audit/log/${tilePath(level, index, width)}`, AUDITOR_TOKEN);
      expect(response.status).toBe(200);
      expect(response.headers.get('content-type')).toBe('application/octet-stream');
      expect(response.headers.get('cache-control')).toBe(
        width === TILE_WIDTH ? 'public, max-age=31536000, immutable' : 'no-cache',
      );
      return Buffer.from(await response.arrayBuffer());
    };
    const leaves: Buffer[] = [];
    for (let index = 0; index * TILE_WIDTH < size; index++) {
      const bytes = await tile(0, index, tileWidth(size, 0, index));
      for (let at = 0; at < bytes.length; at += 32) leaves.push(bytes.subarray(at, at + 32));
    }
    const tree = MerkleTree.fromLeafHashes(leaves);
    expect(tree.root().toString('base64')).toBe(checkpoint.rootHash.toString('base64'));
    // Level 1 holds the root of each full level-0 tile.
    const level1 = await tile(1, 0, tileWidth(size, 1, 0));
    expect(level1).toEqual(Buffer.concat([tree.node(8, 0), tree.node(8, 1)]));

    // An entry, from its bundle, proven included in the signed tree.
    const seq = 300;
    const bundle = decodeEntryBundle(await tile('entries', 1, TILE_WIDTH));
    const entry = bundle[seq - TILE_WIDTH];
    expect(JSON.parse(entry.toString('utf8'))).toMatchObject({ seq, type: 'message.published' });
    expect(
      verifyInclusion(
        seq,
        size,
        hashLeaf(entry),
        tree.inclusionProof(seq, size),
        checkpoint.rootHash,
      ),
    ).toBe(true);

    // Beyond the checkpoint, or not a tlog-tiles path: 404 with a stable code.
    const beyond = await get(`/v1/audit/log/${tilePath(0, 9)}`, AUDITOR_TOKEN);
    expect(beyond.status).toBe(404);
    expect(await beyond.json()).toMatchObject({ code: 'AUDIT_TILE_NOT_FOUND' });
    for (const path of ['tile/0/1', 'tile/0/000.p/256', 'tile/0/x000/001', 'tile/x/000']) {
      const bad = await get(`/v1/audit/log/${path}`, AUDITOR_TOKEN);
      expect(bad.status).toBe(404);
      expect(await bad.json()).toMatchObject({ code: 'AUDIT_TILE_PATH_INVALID' });
    }
    // Reading entries is audited, as a query is; reading hashes is not.
    const read = await pollEntries(
      `/v1/audit/entries?type=audit.queried&cursor=${encodeCursor('audit-entries', [ENTRIES])}`,
    );
    expect(read.entries).toContainEqual(
      expect.objectContaining({ details: { tile: 'tile/entries/001', returned: TILE_WIDTH } }),
    );
  });

  async function pollEntries(path: string): Promise<Page> {
    for (let i = 0; ; i++) {
      const page = (await (await get(path, AUDITOR_TOKEN)).json()) as Page;
      if (page.entries.length > 0 || i > 50) return page;
      await new Promise((r) => setTimeout(r, 200));
    }
  }

  it('#10.4 says in its answer which served entry no longer matches its leaf, and audits that by seq', async () => {
    const before = await pollEntries('/v1/audit/entries?type=config.changed');
    expect(before.entries[0]).toMatchObject({ seq: 0, integrity: 'intact' });
    expect(before.integrity).toEqual({ checked: 1, altered: [] });

    // Behind the triggers' back, as only a superuser can: seq 0's recorded actor is changed.
    const admin = new Client({
      connectionString: db.superuserUrl,
    });
    await admin.connect();
    try {
      await admin.query(`SET session_replication_role = replica`);
      const changed = await admin.query(
        `UPDATE mxg.audit_entries SET actor_user = 'someone-else'
         WHERE id = (SELECT entry_id FROM mxg.audit_sequenced_entries WHERE seq = 0)`,
      );
      expect(changed.rowCount).toBe(1);
    } finally {
      await admin.end();
    }

    const response = await get('/v1/audit/entries?limit=1000', AUDITOR_TOKEN);
    expect(response.status).toBe(200);
    const page = (await response.json()) as Page;
    expect(page.entries[0]).toMatchObject({
      seq: 0,
      actor: { user: 'someone-else' },
      integrity: 'altered',
    });
    expect(page.entries.slice(1).every((e) => e.integrity === 'intact')).toBe(true);
    expect(page.integrity).toEqual({ checked: page.entries.length, altered: [0] });

    // The alarm is itself on the record (seqs only) and in the gateway's log.
    const alarm = await pollEntries('/v1/audit/entries?type=audit.entry-altered');
    expect(alarm.entries[0]).toMatchObject({
      type: 'audit.entry-altered',
      outcome: 'failure',
      errorCode: 'AUDIT_ENTRY_ALTERED',
      actor: { user: 'auditor-1' },
      details: { altered: 1, seqs: [0] },
    });
    expect(gateway.output()).toMatch(/audit entries no longer match their leaves .*: seq 0/);
  });

  it('keeps the application role from rewriting the log it writes', async () => {
    const client = new Client({ connectionString: db.appUrl });
    await client.connect();
    try {
      await expect(client.query(`UPDATE audit_entries SET agreement = 'RET'`)).rejects.toThrow(
        /permission denied/,
      );
    } finally {
      await client.end();
    }
  });
});
