import { createHash, randomBytes, X509Certificate } from 'node:crypto';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';
import {
  formatCheckpoint,
  signCheckpoint,
  verifyCheckpointSignature,
  type WitnessedHead,
} from '@mxg/audit';
import { mxg, partyAuditKeys, type PartyAuditKeys } from './support/audit-fixtures';
import {
  freePort,
  spawnGateway,
  waitForHttp,
  type GatewayProcess,
} from './support/gateway-process';
import { createTestDatabase, type TestDatabase } from './support/test-database';

const AUDITOR_TOKEN = 'auditor-token-for-the-witness-test-only';
const sha256 = (s: string) => createHash('sha256').update(s).digest('hex');

interface Side {
  party: 'KZ' | 'AZ';
  id: 'kz' | 'az';
  db: TestDatabase;
  gateway: GatewayProcess;
  keys: PartyAuditKeys;
}

async function query<T = Record<string, unknown>>(
  url: string,
  sql: string,
  parameters: unknown[] = [],
): Promise<T[]> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query(sql, parameters)).rows as T[];
  } finally {
    await client.end();
  }
}

/**
 * The latest checkpoint of a side's own log, whether it covers every entry written so far, and
 * the peer's cosigned note on it, if any.
 */
async function latestWithCosignature(
  side: Side,
  witness: string,
): Promise<{ treeSize: number; complete: boolean; cosigned: string | null } | undefined> {
  const rows = await query<{ tree_size: string; entries: string; cosigned: string | null }>(
    side.db.appUrl,
    `SELECT c.tree_size, (SELECT count(*) FROM audit_entries) AS entries, w.note AS cosigned
     FROM audit_checkpoints c
     LEFT JOIN audit_witness_signatures w ON w.tree_size = c.tree_size AND w.witness = $1
     ORDER BY c.tree_size DESC LIMIT 1`,
    [witness],
  );
  const row = rows[0];
  return (
    row && {
      treeSize: Number(row.tree_size),
      complete: row.entries === row.tree_size,
      cosigned: row.cosigned,
    }
  );
}

describe('audit witnessing over HTTP between two gateway processes (compiled KZ and AZ, real PostgreSQL)', () => {
  let dir: string;
  let kz: Side;
  let az: Side;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'mxg-audit-witness-'));
    cpSync(join(__dirname, '..', 'config'), dir, { recursive: true });
    const [kzDb, azDb] = await Promise.all([
      createTestDatabase('witkz', { migrate: false }),
      createTestDatabase('witaz', { migrate: false }),
    ]);
    const kzPort = await freePort();
    let azPort = await freePort();
    while (azPort === kzPort) azPort = await freePort();
    // Each gateway's witness is the other one, on this run's ports; one auditor client each.
    const patch = (id: string, peerUrl: string) => {
      const file = join(dir, 'gateways', `${id}.yaml`);
      const text = readFileSync(file, 'utf8')
        .replace(/url: http:\/\/127\.0\.0\.1:\d+/, `url: ${peerUrl}`)
        .replace(
          'clients: []\n',
          `clients:\n  - { id: auditor-1, roles: [auditor], tokenSha256: ${sha256(AUDITOR_TOKEN)} }\n`,
        );
      if (!text.includes(peerUrl) || !text.includes('auditor-1')) {
        throw new Error(`config/gateways/${id}.yaml no longer has the expected witnesses/clients`);
      }
      writeFileSync(file, text);
    };
    patch('kz', `http://127.0.0.1:${azPort}`);
    patch('az', `http://127.0.0.1:${kzPort}`);
    const start = (id: string, db: TestDatabase, port: number) =>
      spawnGateway({
        MXG_GATEWAY: id,
        MXG_CONFIG_DIR: dir,
        MXG_HTTP_PORT: String(port),
        DATABASE_URL: db.appUrl,
        MXG_MIGRATION_DATABASE_URL: db.ownerUrl,
      });
    const [kzGateway, azGateway] = await Promise.all([
      start('kz', kzDb, kzPort),
      start('az', azDb, azPort),
    ]);
    const [kzKeys, azKeys] = await Promise.all([partyAuditKeys('KZ'), partyAuditKeys('AZ')]);
    kz = { party: 'KZ', id: 'kz', db: kzDb, gateway: kzGateway, keys: kzKeys };
    az = { party: 'AZ', id: 'az', db: azDb, gateway: azGateway, keys: azKeys };
    await Promise.all([waitForHttp(kzGateway, '/health'), waitForHttp(azGateway, '/health')]);
  });

  afterAll(async () => {
    await Promise.all([kz?.gateway.stop(), az?.gateway.stop()]);
    await Promise.all([kz?.db.drop(), az?.db.drop()]);
    rmSync(dir, { recursive: true, force: true });
  });

  const auditorQuery = async (side: Side) => {
    const response = await fetch(`${side.gateway.url}/audit/entries?limit=1`, {
      headers: { authorization: `Bearer ${AUDITOR_TOKEN}` },
    });
    expect(response.status).toBe(200);
  };

  /**
   * Waits until both logs have checkpointed every entry so far and their latest checkpoints
   * carry the peer's cosignature: nothing is then on its way to either witness. The first checkpoint
   * of a side may have been sent before its peer listened; an auditor query then logs one more
   * entry (`audit.queried`), hence one more checkpoint for the witness.
   */
  async function bothCosigned(timeoutMs = 30_000) {
    const deadline = Date.now() + timeoutMs;
    for (let round = 0; ; round++) {
      const [kzLatest, azLatest] = await Promise.all([
        latestWithCosignature(kz, 'mxg.az/witness'),
        latestWithCosignature(az, 'mxg.kz/witness'),
      ]);
      const done = (l: typeof kzLatest) => l?.complete === true && l.cosigned !== null;
      if (kzLatest && azLatest && done(kzLatest) && done(azLatest)) return { kzLatest, azLatest };
      if (Date.now() > deadline) {
        throw new Error(
          `not cosigned in time: KZ ${JSON.stringify(kzLatest)}, AZ ${JSON.stringify(azLatest)}\n` +
            `KZ: ${kz.gateway.output()}\nAZ: ${az.gateway.output()}`,
        );
      }
      if (round % 6 === 0) {
        if (kzLatest?.complete && !kzLatest.cosigned) await auditorQuery(kz);
        if (azLatest?.complete && !azLatest.cosigned) await auditorQuery(az);
      }
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
  }

  it("ends with each gateway's latest checkpoint countersigned by the other, and each keeping the other's", async () => {
    const { kzLatest, azLatest } = await bothCosigned();

    for (const [log, latest, witness] of [
      [kz, kzLatest, az],
      [az, azLatest, kz],
    ] as const) {
      const witnessName = `mxg.${witness.id}/witness`;
      const witnessKey = new X509Certificate(witness.keys.certificatePem).publicKey;
      // The cosignature verifies under the peer's audit-checkpoint key, over our checkpoint.
      const cosigned = verifyCheckpointSignature(latest.cosigned ?? '', witnessKey, witnessName);
      expect(cosigned).toMatchObject({ origin: `mxg.${log.id}/audit`, treeSize: latest.treeSize });
      // …and still carries our own log's signature.
      const logKey = new X509Certificate(log.keys.certificatePem).publicKey;
      expect(
        verifyCheckpointSignature(latest.cosigned ?? '', logKey, `mxg.${log.id}/audit`),
      ).toEqual(cosigned);

      // The witness kept its copy: the same tree head, and answers for it over HTTP.
      const kept = await query<{ tree_size: string; root_hash: Buffer }>(
        witness.db.appUrl,
        `SELECT tree_size, root_hash FROM audit_witnessed_checkpoints WHERE origin = $1
         ORDER BY tree_size DESC LIMIT 1`,
        [`mxg.${log.id}/audit`],
      );
      expect(kept).toEqual([{ tree_size: String(latest.treeSize), root_hash: cosigned.rootHash }]);
      const head = await fetch(
        `${witness.gateway.url}/audit/witness/logs/${encodeURIComponent(`mxg.${log.id}/audit`)}`,
      );
      expect(head.status).toBe(200);
      expect(await head.json()).toMatchObject({
        treeSize: latest.treeSize,
        rootHash: cosigned.rootHash.toString('base64'),
      });
    }
  });

  it.each([
    ['KZ', 'kz', 'az'],
    ['AZ', 'az', 'kz'],
  ] as const)(
    "verifies an export of %s's log against the peer's witnessed copy with mxg audit verify --witnessed",
    async (party, id, peerId) => {
      await bothCosigned();
      const log = id === 'kz' ? kz : az;
      const peer = peerId === 'kz' ? kz : az;
      const witnessed = join(dir, `${peerId}-saw-${id}.jsonl`);
      const exported = join(dir, `${id}-audit.jsonl`);
      const env = (side: Side) => ({ MXG_CONFIG_DIR: dir, DATABASE_URL: side.db.appUrl });
      // The witnessed copy first: the log's export then reaches at least as far.
      const copy = mxg(
        ['audit', 'export', '--gateway', peerId, '--witnessed-log', party, '--out', witnessed],
        env(peer),
      );
      expect(copy.stderr).toBe('');
      expect(copy.status).toBe(0);
      const own = mxg(['audit', 'export', '--gateway', id, '--out', exported], env(log));
      expect(own.status).toBe(0);

      const cas = ['--ca', kz.keys.caPath, '--ca', az.keys.caPath];
      const result = mxg(['audit', 'verify', exported, ...cas, '--witnessed', witnessed]);
      expect(`${result.stdout}${result.stderr}`).toMatch(
        new RegExp(
          `^audit verify: VALID — mxg\\.${id}/audit: \\d+ entries, \\d+ checkpoints \\(\\d+ cosigned by mxg\\.${peerId}/witness\\), [1-9]\\d* witnessed checkpoints matched`,
        ),
      );
      expect(result.status).toBe(0);

      // The witnessed copy is really read: one of the other log is refused outright (exit 3).
      writeFileSync(
        witnessed,
        readFileSync(witnessed, 'utf8').replace(
          `"origin":"mxg.${id}/audit"`,
          `"origin":"mxg.${peerId}/audit"`,
        ),
      );
      const mismatched = mxg(['audit', 'verify', exported, ...cas, '--witnessed', witnessed]);
      expect(mismatched.status).toBe(3);
    },
  );

  describe('refusals kept as evidence', () => {
    const kzOrigin = 'mxg.kz/audit';
    const refusals = () =>
      query<{
        tree_size: string;
        note: string;
        reason: string;
        old_size: string;
        last_seen_size: string;
        last_seen_root: Buffer | null;
      }>(
        az.db.appUrl,
        `SELECT tree_size, note, reason, old_size, last_seen_size, last_seen_root
         FROM audit_witness_refusals WHERE origin = $1 ORDER BY id`,
        [kzOrigin],
      );
    const lastSeen = async (): Promise<WitnessedHead> => {
      const response = await fetch(
        `${az.gateway.url}/audit/witness/logs/${encodeURIComponent(kzOrigin)}`,
      );
      expect(response.status).toBe(200);
      return (await response.json()) as WitnessedHead;
    };
    const submit = (body: Record<string, unknown>) =>
      fetch(`${az.gateway.url}/audit/witness`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
    /** A checkpoint of KZ's log signed with `key` (KZ's own unless said otherwise). */
    const forged = (treeSize: number, key = kz.keys.privateKey) =>
      signCheckpoint(
        formatCheckpoint({
          origin: kzOrigin,
          treeSize,
          rootHash: randomBytes(32),
          timestamp: new Date(),
        }),
        key,
        kzOrigin,
      );

    it('keeps a KZ-signed checkpoint that does not extend what AZ countersigned, once, and refuses it with 409', async () => {
      await bothCosigned(); // nothing else is sent to AZ's witness meanwhile
      const seen = await lastSeen();
      expect(await refusals()).toEqual([]);

      // A fork: KZ's key signed a bigger tree whose root no consistency proof can link.
      const fork = forged(seen.treeSize + 5);
      const request = {
        note: fork,
        oldSize: seen.treeSize,
        consistency: [randomBytes(32).toString('base64')],
        certificate: kz.keys.certificatePem,
      };
      const refused = await submit(request);
      expect(refused.status).toBe(409);
      expect(await refused.json()).toMatchObject({ code: 'AUDIT_CHECKPOINT_INCONSISTENT' });
      // A replay is refused again but adds nothing.
      expect((await submit(request)).status).toBe(409);
      // A shrunk tree is refused too, for its own reason.
      const shrunk = forged(seen.treeSize - 1);
      expect((await submit({ ...request, note: shrunk, consistency: [] })).status).toBe(409);

      expect(await refusals()).toEqual([
        {
          tree_size: String(seen.treeSize + 5),
          note: fork,
          reason: 'consistency-proof-invalid',
          old_size: String(seen.treeSize),
          last_seen_size: String(seen.treeSize),
          last_seen_root: Buffer.from(seen.rootHash, 'base64'),
        },
        {
          tree_size: String(seen.treeSize - 1),
          note: shrunk,
          reason: 'tree-shrank',
          old_size: String(seen.treeSize),
          last_seen_size: String(seen.treeSize),
          last_seen_root: Buffer.from(seen.rootHash, 'base64'),
        },
      ]);
      // Refusing changed nothing of what AZ had countersigned.
      expect(await lastSeen()).toEqual(seen);
    });

    it('keeps nothing that KZ did not sign: another key under KZ’s name, or KZ’s name on AZ’s certificate', async () => {
      const before = await refusals();
      const seen = await lastSeen();
      const notKzs = forged(seen.treeSize + 7, az.keys.privateKey);
      const base = { oldSize: seen.treeSize, consistency: [] };
      const wrongKey = await submit({ ...base, note: notKzs, certificate: kz.keys.certificatePem });
      expect(wrongKey.status).toBe(403);
      expect(await wrongKey.json()).toMatchObject({ code: 'AUDIT_CHECKPOINT_SIGNATURE_INVALID' });
      const wrongCertificate = await submit({
        ...base,
        note: notKzs,
        certificate: az.keys.certificatePem,
      });
      expect(wrongCertificate.status).toBe(403);
      expect(await wrongCertificate.json()).toMatchObject({ code: 'AUDIT_CERTIFICATE_UNTRUSTED' });
      expect(await refusals()).toEqual(before);
    });

    it('cannot be rewritten: no UPDATE or DELETE for the application role, a trigger for the owner', async () => {
      await expect(
        query(az.db.appUrl, `UPDATE audit_witness_refusals SET reason = 'forgotten'`),
      ).rejects.toThrow(/permission denied/);
      await expect(query(az.db.appUrl, `DELETE FROM audit_witness_refusals`)).rejects.toThrow(
        /permission denied/,
      );
      await expect(query(az.db.ownerUrl, `DELETE FROM audit_witness_refusals`)).rejects.toThrow(
        /AUDIT_APPEND_ONLY/,
      );
      await expect(query(az.db.ownerUrl, `TRUNCATE audit_witness_refusals`)).rejects.toThrow(
        /AUDIT_APPEND_ONLY/,
      );
      expect((await refusals()).length).toBe(2);
    });
  });
});
