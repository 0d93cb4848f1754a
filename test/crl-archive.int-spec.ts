import { cpSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';
import { crlDer, FileTrustStore } from '@mxg/envelope';
import { partyPkiPaths, revokeCertificate } from '@mxg/pki';
import { PersistentCrlArchive } from '../apps/gateway/src/trust/persistent-crl-archive';
import { createPkiFixture, type PkiFixture } from './support/pki-fixture';
import { createTestDatabase, type TestDatabase } from './support/test-database';

interface Row {
  party: string;
  crl_number: string | null;
  source: string;
  fetched_at: Date;
  this_update: Date;
  next_update: Date | null;
}

/**
 * Issue #14: every CRL version a gateway has seen is kept, append-only, with when it was fetched
 * and from where — the evidence revocation is judged from years later (MIG-11.4). On the real
 * PostgreSQL with the real migrations.
 */
describe('CRL archive (PostgreSQL, append-only)', () => {
  let fx: PkiFixture;
  let db: TestDatabase;
  let owner: Client;
  let app: Client;
  let work: string;
  let certs: string;
  const warnings: string[] = [];

  beforeAll(async () => {
    fx = await createPkiFixture();
    db = await createTestDatabase('crlarchive');
    owner = new Client({ connectionString: db.ownerUrl });
    app = new Client({ connectionString: db.appUrl });
    await owner.connect();
    await app.connect();
    work = mkdtempSync(join(tmpdir(), 'mxg-crl-archive-'));
    certs = join(work, 'certs');
    cpSync(fx.certsDir, certs, { recursive: true });
  }, 60_000);

  afterAll(async () => {
    await owner?.end();
    await app?.end();
    await db?.drop();
    fx?.cleanup();
    if (work) rmSync(work, { recursive: true, force: true });
  });

  const rows = async () =>
    (
      await owner.query<Row>(
        `SELECT party, crl_number::text, source, fetched_at, this_update, next_update
           FROM crl_archive ORDER BY party, crl_number`,
      )
    ).rows;
  const load = () => PersistentCrlArchive.load(app, (message) => warnings.push(message));
  const trustOver = (archive: PersistentCrlArchive) =>
    new FileTrustStore(certs, fx.config.treaty, { archive });

  it('writes every CRL version offered, once, with its numbers, source and fetch time', async () => {
    const archive = await load();
    expect(archive.loaded).toEqual([]);
    const trust = trustOver(archive);
    await archive.flush();
    expect((await rows()).map((r) => [r.party, r.crl_number])).toEqual([
      ['AZ', '1'],
      ['KZ', '1'],
    ]);

    await revokeCertificate({
      certsDir: certs,
      certificatePath: partyPkiPaths(certs, 'KZ').signatory('kz-mvd-migration-head').certificate,
      reason: 'keyCompromise',
    });
    expect(trust.party('KZ').archive.map((c) => c.info.crlNumber)).toEqual([1n, 2n]);
    // The same bytes offered again (from a URL this time) change nothing.
    const again = trust.offerCrl(
      'KZ',
      crlDer(readFileSync(partyPkiPaths(certs, 'KZ').caCrl, 'latin1'))!,
      'url:http://127.0.0.1:1/pki/kz.crl',
      new Date(),
    );
    expect(again).toMatchObject({ taken: false, known: true });
    await archive.flush();

    const stored = await rows();
    expect(stored.map((r) => [r.party, r.crl_number])).toEqual([
      ['AZ', '1'],
      ['KZ', '1'],
      ['KZ', '2'],
    ]);
    const kz2 = stored[2];
    expect(kz2.source).toBe(`file:${partyPkiPaths(certs, 'KZ').caCrl}`);
    expect(kz2.next_update!.getTime() - kz2.this_update.getTime()).toBe(30 * 86_400_000);
    expect(Math.abs(kz2.fetched_at.getTime() - Date.now())).toBeLessThan(60_000);
    expect(warnings).toEqual([]);
  });

  it('is loaded back at start, validated again, and keeps when each CRL was first fetched', async () => {
    const before = await rows();
    const archive = await load();
    expect(archive.loaded).toHaveLength(3);
    const trust = trustOver(archive);
    for (const stored of archive.loaded) {
      trust.offerCrl(stored.party, stored.der, stored.source, stored.fetchedAt);
    }
    await archive.flush();

    const kz = trust.party('KZ').archive;
    expect(kz.map((c) => c.info.crlNumber)).toEqual([1n, 2n]);
    // CRL 2 is also the file the trust store read at construction: the first fetch stands.
    expect(kz[1].fetchedAt).toEqual(before[2].fetched_at);
    expect(kz[1].info.revoked).toHaveLength(1);
    expect(await rows()).toEqual(before);
  });

  it('refuses UPDATE, DELETE and TRUNCATE, even to the schema owner', async () => {
    for (const sql of [
      `UPDATE crl_archive SET source = 'forged'`,
      `DELETE FROM crl_archive`,
      `TRUNCATE crl_archive`,
    ]) {
      await expect(owner.query(sql)).rejects.toThrow(/CRL_ARCHIVE_APPEND_ONLY/);
      await expect(app.query(sql)).rejects.toThrow(/permission denied/);
    }
    await expect(
      app.query(
        `INSERT INTO crl_archive (party, this_update, der, sha256, fetched_at, source)
         SELECT party, this_update, der, sha256, now(), 'again' FROM crl_archive LIMIT 1`,
      ),
    ).rejects.toThrow(/duplicate key/);
  });

  it('does not trust a row that no longer verifies: another CA’s CRL stored as KZ’s', async () => {
    await owner.query(
      `INSERT INTO crl_archive (party, crl_number, this_update, next_update, der, sha256, fetched_at, source)
       SELECT 'KZ', 99, this_update, next_update, der, sha256, now(), 'forged'
         FROM crl_archive WHERE party = 'AZ'`,
    );
    const archive = await load();
    const trust = trustOver(archive);
    const forged = archive.loaded.find((c) => c.source === 'forged')!;
    expect(trust.offerCrl('KZ', forged.der, forged.source, forged.fetchedAt)).toEqual({
      taken: false,
      known: false,
      reason: "is not a CRL signed by KZ's CA",
    });
    expect(trust.party('KZ').archive.map((c) => c.info.crlNumber)).toEqual([2n]);
  });
});
