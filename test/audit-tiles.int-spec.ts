import { X509Certificate } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import {
  createReadStream,
  createWriteStream,
  mkdtempSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { pipeline } from 'node:stream/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Pool } from 'pg';
import { DataSource } from 'typeorm';
import {
  AuditAppender,
  AuditSequencer,
  auditLeafHash,
  auditLogOrigin,
  decodeEntryBundle,
  hashLeaf,
  MerkleTree,
  noteSignerFromKeyObject,
  parseTilePath,
  queryEntriesWithLeaves,
  readLogTile,
  TILE_WIDTH,
} from '@mxg/audit';
import { FixedClock } from '@mxg/core';
import { dataSourceOptions, MIGRATIONS } from '@mxg/database';
import {
  auditEvent,
  exportLog,
  mxg,
  partyAuditKeys,
  pgSession,
  type PartyAuditKeys,
  sequenceAtLeast,
} from './support/audit-fixtures';
import { createTestDatabase, queryOnce, type TestDatabase } from './support/test-database';

const query = queryOnce;

/** Issue 16: the tree stored as tlog-tiles tiles, a few rows per sequenced batch. */
describe('audit log stored as tiles (real PostgreSQL)', () => {
  const ENTRIES = 600;
  let db: TestDatabase;
  let pool: Pool;
  let kz: PartyAuditKeys;
  let dir: string;
  const clock = new FixedClock(new Date());
  let sequencer: AuditSequencer;
  let treeSize: number;

  const newSequencer = (batchSize?: number) =>
    new AuditSequencer({
      connect: pgSession(db.appUrl),
      clock,
      origin: auditLogOrigin('KZ'),
      signer: noteSignerFromKeyObject(kz.privateKey),
      certificatePem: kz.certificatePem,
      batchSize,
    });

  /** As only a superuser can, behind the triggers' back; `undo` puts it back. */
  async function tamper(change: string, undo: string, check: () => Promise<void>): Promise<void> {
    await sequencer.release();
    const asSuperuser = (sql: string) =>
      query(db.superuserUrl, `SET session_replication_role = replica; ${sql}`);
    await asSuperuser(change);
    try {
      await check();
    } finally {
      await asSuperuser(undo);
    }
    sequencer = newSequencer(100);
    expect(await sequencer.tryLead()).toBe(true);
  }

  beforeAll(async () => {
    db = await createTestDatabase('audittiles');
    pool = new Pool({ connectionString: db.appUrl, max: 2 });
    kz = await partyAuditKeys('KZ');
    dir = mkdtempSync(join(tmpdir(), 'mxg-audit-tiles-'));
    const appender = new AuditAppender(pool, clock);
    // Batches of at most 100 entries: segments start mid-tile and cross tile boundaries.
    sequencer = newSequencer(100);
    expect(await sequencer.tryLead()).toBe(true);
    for (let i = 0; i < ENTRIES; i += 150) {
      await appender.appendMany(Array.from({ length: 150 }, (_, k) => auditEvent(i + k)));
      await sequenceAtLeast(sequencer, 150);
      await sequencer.checkpoint();
      clock.advance(1000);
    }
    treeSize = sequencer.lastCheckpoint!.treeSize;
    expect(treeSize).toBe(ENTRIES);
  });

  afterAll(async () => {
    await sequencer?.release();
    await pool?.end();
    await db?.drop();
    rmSync(dir, { recursive: true, force: true });
  });

  /**
   * The compiled verifier (worker threads run JavaScript) checking entry lines in workers reaches
   * the verdict it reaches on one thread, word for word — the workers reading byte ranges of the
   * file that cut lines anywhere (#16), or chunks read for them from a pipe.
   */
  async function expectSameVerdictInWorkers(file: string, valid: boolean): Promise<void> {
    const compiled = (await import(
      join(__dirname, '..', 'dist', 'libs', 'audit', 'src', 'index.js')
    )) as typeof import('@mxg/audit');
    const options = { trustedCas: [new X509Certificate(readFileSync(kz.caPath))] };
    const alone = await compiled.verifyAuditExport(file, { ...options, workers: 0 });
    expect(alone.valid).toBe(valid);
    for (const workerRangeBytes of [undefined, 4096, 997, 7]) {
      const inWorkers = await compiled.verifyAuditExport(file, {
        ...options,
        workers: 2,
        workerRangeBytes,
      });
      expect([workerRangeBytes, inWorkers]).toEqual([workerRangeBytes, alone]);
    }
  }

  it('verifies an export the same in worker threads as on one thread', async () => {
    const file = join(dir, 'whole.jsonl');
    await exportLog(db.appUrl, kz, clock, file);
    await expectSameVerdictInWorkers(file, true);
  });

  it('finds an export altered in the file the same in worker threads reading byte ranges as on one thread (#16)', async () => {
    const whole = join(dir, 'whole-for-edits.jsonl');
    await exportLog(db.appUrl, kz, clock, whole);
    const lines = readFileSync(whole, 'utf8').split('\n');
    const entryAt = (seq: number) => lines.findIndex((l) => l.includes(`"seq":${seq},`));
    // Each edit, and whether the export stays valid (blank lines change nothing signed).
    const edits: Record<string, [(l: string[]) => string[], boolean]> = {
      'two entries swapped': [
        (l) => {
          const [a, b] = [entryAt(10), entryAt(11)];
          return l.map((x, i) => (i === a ? l[b] : i === b ? l[a] : x));
        },
        false,
      ],
      'an entry dropped': [(l) => l.filter((_, i) => i !== entryAt(200)), false],
      'an entry repeated': [(l) => l.flatMap((x, i) => (i === entryAt(201) ? [x, x] : [x])), false],
      'an entry changed, non-ASCII': [
        (l) => l.map((x, i) => (i === entryAt(202) ? x.replace('"client-', '"clïent-') : x)),
        false,
      ],
      'an entry changed, same length': [
        (l) => l.map((x, i) => (i === entryAt(203) ? x.replace('"msg-203"', '"msg-302"') : x)),
        false,
      ],
      'an entry renumbered': [
        (l) => l.map((x, i) => (i === entryAt(204) ? x.replace('"seq":204,', '"seq":205,') : x)),
        false,
      ],
      'blank lines between entries': [
        (l) => l.flatMap((x, i) => (i === entryAt(50) ? [x, '', ''] : [x])),
        true,
      ],
      'cut in the middle of a line': [
        (l) => [l.join('\n').slice(0, l.join('\n').length / 2)],
        false,
      ],
      'a line that is not JSON': [
        (l) => l.map((x, i) => (i === entryAt(300) ? x.slice(0, 40) : x)),
        false,
      ],
    };
    for (const [name, [edit, valid]] of Object.entries(edits)) {
      const file = join(dir, `${name.replace(/\W+/g, '-')}.jsonl`);
      const edited = edit([...lines]).join('\n');
      expect([name, edited === lines.join('\n')]).toEqual([name, false]);
      writeFileSync(file, edited);
      await expectSameVerdictInWorkers(file, valid);
    }
  });

  it('verifies an export given as a pipe in worker threads, read on the main thread (#16)', async () => {
    const compiled = (await import(
      join(__dirname, '..', 'dist', 'libs', 'audit', 'src', 'index.js')
    )) as typeof import('@mxg/audit');
    const file = join(dir, 'whole-for-pipe.jsonl');
    await exportLog(db.appUrl, kz, clock, file);
    const fifo = join(dir, 'export.fifo');
    execFileSync('mkfifo', [fifo]);
    const options = { trustedCas: [new X509Certificate(readFileSync(kz.caPath))] };
    const writing = pipeline(createReadStream(file), createWriteStream(fifo));
    const piped = await compiled.verifyAuditExport(fifo, { ...options, workers: 2 });
    await writing;
    expect(piped.valid).toBe(true);
    expect(piped).toEqual(await compiled.verifyAuditExport(file, { ...options, workers: 0 }));
  });

  it('writes a few rows per batch, not a row per leaf', async () => {
    const [counts] = await query<{ batches: string; segments: string }>(
      db.appUrl,
      `SELECT (SELECT count(*) FROM audit_sequenced) AS batches,
              (SELECT count(*) FROM audit_tiles) AS segments`,
    );
    // Batches of at most 100 (8 when nothing holds the xid horizon back); each adds one
    // level-0 segment, one more when it crosses a tile, plus a level-1 hash per full tile.
    const batches = Number(counts.batches);
    expect(batches).toBeGreaterThanOrEqual(8);
    expect(batches).toBeLessThan(ENTRIES / 10);
    expect(Number(counts.segments)).toBeLessThanOrEqual(batches + 2 + 2);
  });

  // Regression: `after=-1` (the API's "from the first") once found no entry at all, because the
  // keyset subquery for a seq before the first is NULL.
  it('pages every sequenced entry in seq order from before the first, each with its leaf', async () => {
    const seqs: number[] = [];
    for (let after = -1; ;) {
      const page = await queryEntriesWithLeaves(pool, { afterSeq: after, limit: 250 });
      if (page.length === 0) break;
      for (const { entry, leafHash } of page) {
        expect(leafHash).toEqual(auditLeafHash(entry));
        seqs.push(entry.seq);
      }
      after = page[page.length - 1].entry.seq;
    }
    expect(seqs).toEqual(Array.from({ length: ENTRIES }, (_, i) => i));
  });

  it('serves tiles and entry bundles from which the signed root and inclusion proofs follow', async () => {
    const read = (path: string) => readLogTile(pool, parseTilePath(path), treeSize);
    const leaves: Buffer[] = [];
    for (const path of ['tile/0/000', 'tile/0/001', 'tile/0/002.p/88']) {
      const tile = await read(path);
      for (let at = 0; at < tile!.bytes.length; at += 32)
        leaves.push(tile!.bytes.subarray(at, at + 32));
    }
    const tree = MerkleTree.fromLeafHashes(leaves);
    expect(tree.root()).toEqual(sequencer.lastCheckpoint!.rootHash);
    const level1 = (await read('tile/1/000.p/2'))!.bytes;
    expect(level1).toEqual(Buffer.concat([tree.node(8, 0), tree.node(8, 1)]));
    const bundle = decodeEntryBundle((await read('tile/entries/002.p/88'))!.bytes);
    expect(bundle.map((e) => hashLeaf(e))).toEqual(leaves.slice(512));
    expect(JSON.parse(bundle[87].toString('utf8'))).toMatchObject({ seq: 599 });
    // Nothing beyond the checkpoint, nor a tile that is not there.
    expect(await read('tile/0/002.p/89')).toBeUndefined();
    expect(await read('tile/0/002')).toBeUndefined();
    expect(await read('tile/1/000')).toBeUndefined();
    expect(await read('tile/2/000.p/1')).toBeUndefined();
    expect(await read('tile/entries/003.p/1')).toBeUndefined();
    // A shorter partial tile is a prefix of the longer one: any checkpoint's size can be read.
    expect((await read('tile/0/002.p/5'))!.bytes).toEqual(Buffer.concat(leaves.slice(512, 517)));
  });

  it('refuses to lead when an entry no longer hashes to its leaf, and the export fails to verify', async () => {
    await tamper(
      `UPDATE mxg.audit_entries SET actor_user = actor_user || '-x' WHERE id =
         (SELECT entry_id FROM mxg.audit_sequenced_entries WHERE seq = 300)`,
      `UPDATE mxg.audit_entries SET actor_user = left(actor_user, -2) WHERE id =
         (SELECT entry_id FROM mxg.audit_sequenced_entries WHERE seq = 300)`,
      async () => {
        await expect(newSequencer().tryLead()).rejects.toThrow(
          /AUDIT_LOG_DIVERGED: the audit log was altered: entry 300 no longer hashes to its leaf/,
        );
        const file = join(dir, 'entry-altered.jsonl');
        await exportLog(db.appUrl, kz, clock, file);
        const result = mxg(['audit', 'verify', file, '--ca', kz.caPath, '--no-require-witness']);
        expect(result.stdout).toMatch(/seq 300/);
        expect(result.status).toBe(1);
        await expectSameVerdictInWorkers(file, false);
      },
    );
  });

  it('refuses to lead when a leaf in a level-0 tile was changed, and the export fails to verify', async () => {
    const flip = `UPDATE mxg.audit_tiles SET hashes = overlay(hashes PLACING
         decode(lpad(to_hex(get_byte(hashes, 0) # 1), 2, '0'), 'hex') FROM 1 FOR 1)
       WHERE level = 0 AND tile_index = 1 AND start = 0`;
    await tamper(flip, flip, async () => {
      await expect(newSequencer().tryLead()).rejects.toThrow(
        /AUDIT_LOG_DIVERGED: the audit log was altered: entry 256 no longer hashes to its leaf/,
      );
      const file = join(dir, 'tile-altered.jsonl');
      await exportLog(db.appUrl, kz, clock, file);
      const result = mxg(['audit', 'verify', file, '--ca', kz.caPath, '--no-require-witness']);
      expect(result.status).toBe(1);
      await expectSameVerdictInWorkers(file, false);
    });
  });

  it('refuses to lead when a tile above level 0 is not the tree’s', async () => {
    const flip = `UPDATE mxg.audit_tiles SET hashes = overlay(hashes PLACING
         decode(lpad(to_hex(get_byte(hashes, 0) # 1), 2, '0'), 'hex') FROM 1 FOR 1)
       WHERE level = 1 AND tile_index = 0 AND start = 1`;
    await tamper(flip, flip, async () => {
      await expect(newSequencer().tryLead()).rejects.toThrow(
        /AUDIT_LOG_DIVERGED: the audit log was altered: tile 1\/0 does not hold the tree's hash 1/,
      );
    });
  });

  it('refuses to lead when two entries of a batch were swapped in its numbering', async () => {
    await tamper(
      `UPDATE mxg.audit_sequenced SET entry_ids[1:2] = ARRAY[entry_ids[2], entry_ids[1]]
       WHERE first_seq = 0`,
      `UPDATE mxg.audit_sequenced SET entry_ids[1:2] = ARRAY[entry_ids[2], entry_ids[1]]
       WHERE first_seq = 0`,
      async () => {
        await expect(newSequencer().tryLead()).rejects.toThrow(
          /AUDIT_LOG_DIVERGED: the audit log was altered: entry 0 no longer hashes to its leaf/,
        );
      },
    );
  });

  it('refuses to lead when a sequenced batch is gone', async () => {
    await tamper(
      `CREATE TABLE mxg.kept AS SELECT * FROM mxg.audit_sequenced WHERE first_seq = 100;
       DELETE FROM mxg.audit_sequenced WHERE first_seq = 100`,
      `INSERT INTO mxg.audit_sequenced SELECT * FROM mxg.kept; DROP TABLE mxg.kept`,
      async () => {
        await expect(newSequencer().tryLead()).rejects.toThrow(
          /AUDIT_LOG_DIVERGED: the audit log was altered: seq 100 is in no sequenced batch/,
        );
      },
    );
  });

  it('converts a log stored a row per leaf (before issue 16) into the same tiles, and back', async () => {
    await sequencer.release();
    const before = await query<{ level: number; tile_index: string; hashes: Buffer }>(
      db.appUrl,
      `SELECT level, tile_index, string_agg(hashes, ''::bytea ORDER BY start) AS hashes
       FROM audit_tiles GROUP BY level, tile_index ORDER BY level, tile_index`,
    );
    const migration = MIGRATIONS.find((m) => m.name === 'AuditTiles1765000000000')!;
    const dataSource = new DataSource(dataSourceOptions(db.ownerUrl));
    await dataSource.initialize();
    try {
      const runner = dataSource.createQueryRunner();
      await new migration().down(runner);
      const [leaves] = await query<{ n: string }>(
        db.appUrl,
        `SELECT count(*) AS n FROM audit_leaves`,
      );
      expect(Number(leaves.n)).toBe(ENTRIES);
      await new migration().up(runner);
      await runner.release();
    } finally {
      await dataSource.destroy();
    }
    const after = await query<{ level: number; tile_index: string; hashes: Buffer }>(
      db.appUrl,
      `SELECT level, tile_index, string_agg(hashes, ''::bytea ORDER BY start) AS hashes
       FROM audit_tiles GROUP BY level, tile_index ORDER BY level, tile_index`,
    );
    expect(after).toEqual(before);
    // The converted log leads (every check above passes) and grows on from where it was.
    sequencer = newSequencer(100);
    expect(await sequencer.tryLead()).toBe(true);
    expect(sequencer.tree.size).toBe(ENTRIES);
    await new AuditAppender(pool, clock).appendMany([auditEvent(ENTRIES)]);
    await sequenceAtLeast(sequencer, 1);
    expect((await sequencer.checkpoint())?.treeSize).toBe(ENTRIES + 1);
    const [sequenced] = await query<{ seq: string }>(
      db.appUrl,
      `SELECT max(seq) AS seq FROM audit_sequenced_entries`,
    );
    expect(Number(sequenced.seq)).toBe(ENTRIES);
    expect(TILE_WIDTH).toBe(256);
  });
});
