import { createHash, type KeyObject, randomBytes, X509Certificate } from 'node:crypto';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  formatCheckpoint,
  hashLeaf,
  MerkleTree,
  signCheckpoint,
  verifyCheckpointSignature,
  type WitnessedHead,
  noteSignerFromKeyObject,
} from '@mxg/audit';
import { MxgConfigService } from '@mxg/config';
import {
  gatewaySubject,
  issueCertificate,
  loadCertificateAuthority,
  loadCertificatePem,
  loadPrivateKey,
  partyPkiPaths,
} from '@mxg/pki';
import { mxg, partyAuditKeys, type PartyAuditKeys } from './support/audit-fixtures';
import {
  freePort,
  spawnGateway,
  waitForHttp,
  type GatewayProcess,
} from './support/gateway-process';
import { createTestDatabase, queryOnce, type TestDatabase } from './support/test-database';
import { gatewayTlsClient } from './support/test-tls';
import { tlsFetch } from '../apps/gateway/src/tls/tls-fetch';

const AUDITOR_TOKEN = 'auditor-token-for-the-witness-test-only';
const sha256 = (s: string) => createHash('sha256').update(s).digest('hex');

interface Side {
  party: 'KZ' | 'AZ';
  id: 'kz' | 'az';
  db: TestDatabase;
  gateway: GatewayProcess;
  keys: PartyAuditKeys;
}

/**
 * `fetch` of `path` at `witness`'s gateway as `caller`'s gateway calls it (#15): mutual TLS,
 * trusting the witness party's CA, presenting the caller party's `tls/client` certificate.
 */
function asPeer(caller: Side, witness: Side, path: string, init?: RequestInit): Promise<Response> {
  const certs = MxgConfigService.load().paths.certs;
  return tlsFetch(gatewayTlsClient(certs, witness.party, caller.party))(
    `${witness.gateway.url}${path}`,
    init,
  );
}

const query = queryOnce;

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

describe('audit witnessing over mutual TLS between two gateway processes on the shipped gateway files (compiled KZ and AZ, real PostgreSQL)', () => {
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
    // Each gateway's witness is the other one, on this run's ports (https://, as shipped: #15);
    // one auditor client each.
    const patch = (id: string, peerUrl: string) => {
      const file = join(dir, 'gateways', `${id}.yaml`);
      const text = readFileSync(file, 'utf8')
        .replace(/url: https:\/\/127\.0\.0\.1:\d+/, `url: ${peerUrl}`)
        .replace(
          'clients: []\n',
          `clients:\n  - { id: auditor-1, roles: [auditor], tokenSha256: ${sha256(AUDITOR_TOKEN)} }\n`,
        );
      if (!text.includes(peerUrl) || !text.includes('auditor-1')) {
        throw new Error(`config/gateways/${id}.yaml no longer has the expected witnesses/clients`);
      }
      writeFileSync(file, text);
    };
    patch('kz', `https://127.0.0.1:${azPort}`);
    patch('az', `https://127.0.0.1:${kzPort}`);
    const certs = MxgConfigService.load().paths.certs;
    const start = (id: string, db: TestDatabase, port: number) =>
      spawnGateway(
        {
          MXG_GATEWAY: id,
          MXG_CONFIG_DIR: dir,
          MXG_HTTP_PORT: String(port),
          DATABASE_URL: db.appUrl,
          MXG_MIGRATION_DATABASE_URL: db.ownerUrl,
        },
        { tls: gatewayTlsClient(certs, id.toUpperCase()) },
      );
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
    const response = await side.gateway.fetch('/v1/audit/entries?limit=1', {
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

      // The witness kept its copy: the same tree head, and answers the log's gateway for it.
      const kept = await query<{ tree_size: string; root_hash: Buffer }>(
        witness.db.appUrl,
        `SELECT tree_size, root_hash FROM audit_witnessed_checkpoints WHERE origin = $1
         ORDER BY tree_size DESC LIMIT 1`,
        [`mxg.${log.id}/audit`],
      );
      expect(kept).toEqual([{ tree_size: String(latest.treeSize), root_hash: cosigned.rootHash }]);
      const head = await asPeer(
        log,
        witness,
        `/v1/audit/witness/logs/${encodeURIComponent(`mxg.${log.id}/audit`)}`,
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

  describe('the witness endpoint: nothing changes for a note that is not KZ’s, and only a fork is kept', () => {
    const kzOrigin = 'mxg.kz/audit';
    const b64 = (h: Buffer) => h.toString('base64');
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
    const witnessedRows = async () =>
      (
        await query<{ n: string }>(
          az.db.appUrl,
          `SELECT count(*) AS n FROM audit_witnessed_checkpoints WHERE origin = $1`,
          [kzOrigin],
        )
      )[0].n;
    const lastSeen = async (): Promise<WitnessedHead> => {
      const response = await asPeer(
        kz,
        az,
        `/v1/audit/witness/logs/${encodeURIComponent(kzOrigin)}`,
      );
      expect(response.status).toBe(200);
      return (await response.json()) as WitnessedHead;
    };
    const submit = (body: Record<string, unknown>) =>
      // As KZ's gateway would send them: what is refused below is refused by signature and
      // proof, not by the transport.
      asPeer(kz, az, '/v1/audit/witness', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
    /**
     * KZ's real tree up to what AZ last countersigned — anyone holding an export of KZ's log
     * knows it — grown by invented leaves: a checkpoint with a valid consistency proof.
     */
    const extension = async (seen: WitnessedHead, extra: number) => {
      const leaves = await query<{ leaf_hash: Buffer }>(
        kz.db.appUrl,
        `SELECT leaf_hash FROM audit_sequenced_entries WHERE seq < $1 ORDER BY seq`,
        [seen.treeSize],
      );
      const tree = MerkleTree.fromLeafHashes(leaves.map((l) => l.leaf_hash));
      expect(b64(tree.root())).toBe(seen.rootHash);
      for (let i = 0; i < extra; i++) tree.append(hashLeaf(randomBytes(16)));
      return {
        treeSize: tree.size,
        rootHash: tree.root(),
        proof: tree.consistencyProof(seen.treeSize).map(b64),
      };
    };
    const note = (
      c: { treeSize: number; rootHash: Buffer },
      key: KeyObject,
      timestamp = new Date(),
    ) =>
      signCheckpoint(
        formatCheckpoint({ origin: kzOrigin, ...c, timestamp }),
        noteSignerFromKeyObject(key),
        kzOrigin,
      );
    /** The codes of the refusals AZ put on its own audit record. */
    const auditedRefusals = async () =>
      (
        await query<{ error_code: string }>(
          az.db.appUrl,
          `SELECT DISTINCT error_code FROM audit_entries WHERE event_type = 'audit.witness-refused'`,
        )
      ).map((r) => r.error_code);
    const pair = async (paths: { certificate: string; privateKey: string }) => ({
      key: await loadPrivateKey(paths.privateKey),
      pem: (await loadCertificatePem(paths.certificate)).toString(),
    });

    it('#10.1 countersigns and keeps nothing signed under KZ’s name by another key of KZ’s PKI, or by AZ’s own', async () => {
      await bothCosigned(); // nothing else is sent to AZ's witness meanwhile
      const seen = await lastSeen();
      const [before, rows] = [await refusals(), await witnessedRows()];
      const certs = MxgConfigService.load().paths.certs;
      const kzPaths = partyPkiPaths(certs, 'KZ');
      const minted = await issueCertificate({
        issuer: await loadCertificateAuthority(certs, 'KZ'),
        profile: 'audit-checkpoint',
        subject: gatewaySubject('KZ', 'audit-checkpoint'),
        keyAlgorithm: 'ecdsa-p256',
        now: new Date(Date.now() - 3_600_000),
      });
      const keys: [string, { key: KeyObject; pem: string }][] = [
        ['a signatory', await pair(kzPaths.signatory('kz-mvd-deputy-minister'))],
        ['the seal', await pair(kzPaths.gateway.seal)],
        ['the RSA encryption key', await pair(kzPaths.gateway.encryption)],
        [
          'an audit key KZ did not configure',
          { key: minted.privateKey, pem: minted.certificatePem },
        ],
        ['AZ’s own audit key', { key: az.keys.privateKey, pem: az.keys.certificatePem }],
      ];
      const grown = await extension(seen, 5);
      const codes = new Set<string>();
      for (const [who, { key, pem }] of keys) {
        const response = await submit({
          note: await note(grown, key),
          oldSize: seen.treeSize,
          consistency: grown.proof,
          certificate: pem,
        });
        expect([who, response.status]).toEqual([who, 403]);
        const { code } = (await response.json()) as { code: string };
        expect([who, code]).toEqual([
          who,
          expect.stringMatching(
            /^AUDIT_(CHECKPOINT_SIGNATURE_INVALID|CERTIFICATE_UNTRUSTED|CHECKPOINT_ORIGIN_MISMATCH)$/,
          ),
        ]);
        codes.add(code);
      }
      // Refused by code on AZ's own record (at most one entry a minute per code).
      expect(await auditedRefusals()).toEqual(expect.arrayContaining([...codes]));
      expect(await lastSeen()).toEqual(seen);
      expect(await refusals()).toEqual(before);
      expect(await witnessedRows()).toBe(rows);
    });

    it('#10.1 refuses, keeping nothing, an old size, a replayed checkpoint, a bad proof and a note dated beyond its clock', async () => {
      await bothCosigned();
      const seen = await lastSeen();
      const [before, rows] = [await refusals(), await witnessedRows()];
      // Each signed with KZ's real audit key, as a stolen key or a misbehaving log would.
      const grown = await extension(seen, 3);
      const genuine = {
        oldSize: seen.treeSize,
        consistency: grown.proof,
        certificate: kz.keys.certificatePem,
      };
      const first = (
        await query<{ note: string }>(
          kz.db.appUrl,
          `SELECT note FROM audit_checkpoints ORDER BY tree_size LIMIT 1`,
        )
      )[0].note;
      const cases: [string, Record<string, unknown>, number, string][] = [
        [
          'an old size',
          { ...genuine, note: await note(grown, kz.keys.privateKey), oldSize: seen.treeSize - 1 },
          409,
          'AUDIT_CHECKPOINT_STALE',
        ],
        [
          'a replay of KZ’s first checkpoint',
          { note: first, oldSize: 0, consistency: [], certificate: kz.keys.certificatePem },
          409,
          'AUDIT_CHECKPOINT_STALE',
        ],
        [
          'a bad proof',
          {
            ...genuine,
            note: await note(grown, kz.keys.privateKey),
            consistency: grown.proof.map(() => b64(randomBytes(32))),
          },
          422,
          'AUDIT_CONSISTENCY_PROOF_INVALID',
        ],
        [
          'a note dated a day ahead',
          {
            ...genuine,
            note: await note(grown, kz.keys.privateKey, new Date(Date.now() + 86_400_000)),
          },
          422,
          'AUDIT_CHECKPOINT_TIME_INVALID',
        ],
      ];
      for (const [what, body, status, code] of cases) {
        const response = await submit(body);
        expect([what, response.status]).toEqual([what, status]);
        const answer = (await response.json()) as { code: string; lastSeen?: number };
        expect([what, answer.code]).toEqual([what, code]);
        if (status === 409) expect(answer.lastSeen).toBe(seen.treeSize);
      }
      expect(await auditedRefusals()).toEqual(
        expect.arrayContaining(cases.map(([, , , code]) => code)),
      );
      expect(await lastSeen()).toEqual(seen);
      expect(await refusals()).toEqual(before);
      expect(await witnessedRows()).toBe(rows);
    });

    it('#10.1 keeps a second root KZ signed for a size it countersigned, once, as evidence of a fork', async () => {
      await bothCosigned();
      const seen = await lastSeen();
      const forkOf = (seed: number) =>
        note(
          { treeSize: seen.treeSize, rootHash: createHash('sha256').update(String(seed)).digest() },
          kz.keys.privateKey,
        );
      const fork = await forkOf(1);
      const request = {
        note: fork,
        oldSize: seen.treeSize,
        consistency: [],
        certificate: kz.keys.certificatePem,
      };
      const refused = await submit(request);
      expect(refused.status).toBe(409);
      expect(await refused.json()).toMatchObject({ code: 'AUDIT_CHECKPOINT_INCONSISTENT' });
      // A replay, or yet another root for the same size, adds nothing: one proof is enough.
      expect((await submit(request)).status).toBe(409);
      expect((await submit({ ...request, note: await forkOf(2) })).status).toBe(409);
      expect(await refusals()).toEqual([
        {
          tree_size: String(seen.treeSize),
          note: fork,
          reason: 'fork',
          old_size: String(seen.treeSize),
          last_seen_size: String(seen.treeSize),
          last_seen_root: Buffer.from(seen.rootHash, 'base64'),
        },
      ]);
      expect(await lastSeen()).toEqual(seen);
    });

    it('#10.1 still countersigns KZ’s genuine checkpoints after all of it', async () => {
      const seen = await lastSeen();
      await auditorQuery(kz); // a new entry, so a new checkpoint for AZ to witness
      const { kzLatest } = await bothCosigned();
      expect(kzLatest.treeSize).toBeGreaterThan(seen.treeSize);
      expect((await lastSeen()).treeSize).toBe(kzLatest.treeSize);
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
      expect((await refusals()).length).toBe(1);
    });
  });
});
