import { createHash } from 'node:crypto';
import type { MigrationInterface, QueryRunner } from 'typeorm';

const TILE_WIDTH = 256;
const HASH_SIZE = 32;
const CONVERT_CHUNK = 64 * TILE_WIDTH;

/**
 * The audit log's Merkle tree stored as tiles of hashes, as C2SP tlog-tiles logs store theirs
 * (issue 16), instead of a row per leaf (`audit_leaves`, with two indexes):
 *
 *  - `audit_sequenced`: one row per batch the sequencer numbered — its first seq and the ids of
 *    its entries in seq order, and the (xid, id) of the last one (the sequencer's cursor, and
 *    how an entry finds its batch);
 *  - `audit_tiles`: segments of tiles. Tile (level, index) holds the hashes of 256 complete
 *    subtrees of 256^level leaves; each batch appends, per level, the hashes it completed, as
 *    one row starting where the tile's last one ended. A tile is the concatenation of its
 *    segments: it grows by INSERT only, and storage stays linear in the log's size.
 *
 * Both are append-only like the other audit tables (MIG-11.4): no UPDATE, DELETE or TRUNCATE
 * for the application role, triggers against the owner, and what a superuser can still do is
 * exposed by the leader's start-up check and the signed checkpoints. Existing leaves are
 * converted, then `audit_leaves` is dropped.
 */
export class AuditTiles1765000000000 implements MigrationInterface {
  name = 'AuditTiles1765000000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE audit_sequenced (
        first_seq    bigint      PRIMARY KEY CHECK (first_seq >= 0),
        entry_ids    bigint[]    NOT NULL CHECK (cardinality(entry_ids) > 0),
        last_xid     xid8        NOT NULL,
        last_id      bigint      NOT NULL,
        sequenced_at timestamptz NOT NULL
      )`);
    await q.query(`CREATE INDEX audit_sequenced_cursor_idx ON audit_sequenced (last_xid, last_id)`);
    await q.query(`
      CREATE TABLE audit_tiles (
        level      smallint NOT NULL CHECK (level BETWEEN 0 AND 63),
        tile_index bigint   NOT NULL CHECK (tile_index >= 0),
        start      smallint NOT NULL CHECK (start BETWEEN 0 AND ${TILE_WIDTH - 1}),
        hashes     bytea    NOT NULL CHECK (octet_length(hashes) > 0
                     AND octet_length(hashes) % ${HASH_SIZE} = 0
                     AND start * ${HASH_SIZE} + octet_length(hashes) <= ${TILE_WIDTH * HASH_SIZE}),
        PRIMARY KEY (level, tile_index, start)
      )`);
    for (const table of ['audit_sequenced', 'audit_tiles']) {
      await q.query(`
        CREATE TRIGGER ${table}_append_only BEFORE UPDATE OR DELETE ON ${table}
          FOR EACH ROW EXECUTE FUNCTION audit_reject_change()`);
      await q.query(`
        CREATE TRIGGER ${table}_no_truncate BEFORE TRUNCATE ON ${table}
          FOR EACH STATEMENT EXECUTE FUNCTION audit_reject_change()`);
    }
    await revokeChanges(q, ['audit_sequenced', 'audit_tiles']);
    // For operators and tests: a leaf per row again, computed (no row stored per leaf).
    await q.query(`
      CREATE VIEW audit_sequenced_entries AS
      SELECT b.first_seq + o.n - 1 AS seq, o.id AS entry_id,
        substring(t.hashes FROM ((b.first_seq + o.n - 1) % ${TILE_WIDTH} - t.start)::int * ${HASH_SIZE} + 1
          FOR ${HASH_SIZE}) AS leaf_hash,
        b.sequenced_at
      FROM audit_sequenced b, unnest(b.entry_ids) WITH ORDINALITY AS o (id, n)
      LEFT JOIN LATERAL (SELECT start, hashes FROM audit_tiles WHERE level = 0
        AND tile_index = (b.first_seq + o.n - 1) / ${TILE_WIDTH}
        AND start <= (b.first_seq + o.n - 1) % ${TILE_WIDTH} ORDER BY start DESC LIMIT 1) t ON true`);
    await convertLeaves(q);
    await q.query(`DROP TABLE audit_leaves`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE audit_leaves (
        seq          bigint      PRIMARY KEY CHECK (seq >= 0),
        entry_id     bigint      NOT NULL UNIQUE REFERENCES audit_entries (id),
        leaf_hash    bytea       NOT NULL CHECK (octet_length(leaf_hash) = 32),
        sequenced_at timestamptz NOT NULL
      )`);
    await q.query(`
      INSERT INTO audit_leaves (seq, entry_id, leaf_hash, sequenced_at)
      SELECT seq, entry_id, leaf_hash, sequenced_at FROM audit_sequenced_entries`);
    for (const table of ['audit_leaves']) {
      await q.query(`
        CREATE TRIGGER ${table}_append_only BEFORE UPDATE OR DELETE ON ${table}
          FOR EACH ROW EXECUTE FUNCTION audit_reject_change()`);
      await q.query(`
        CREATE TRIGGER ${table}_no_truncate BEFORE TRUNCATE ON ${table}
          FOR EACH STATEMENT EXECUTE FUNCTION audit_reject_change()`);
    }
    await revokeChanges(q, ['audit_leaves']);
    await q.query(`DROP VIEW audit_sequenced_entries`);
    await q.query(`DROP TABLE audit_tiles, audit_sequenced`);
  }
}

/** Provisioning's default privileges grant UPDATE and DELETE on new tables: take them back. */
async function revokeChanges(q: QueryRunner, tables: readonly string[]): Promise<void> {
  await q.query(`
    DO $$
    DECLARE grant_row record;
    BEGIN
      FOR grant_row IN
        SELECT DISTINCT c.relname, a.grantee
        FROM pg_class c
        JOIN pg_namespace n ON n.oid = c.relnamespace
        CROSS JOIN LATERAL aclexplode(c.relacl) a
        WHERE n.nspname = current_schema()
          AND c.relname = ANY (ARRAY['${tables.join("','")}'])
          AND a.privilege_type IN ('UPDATE', 'DELETE', 'TRUNCATE')
          AND a.grantee <> c.relowner
      LOOP
        EXECUTE format('REVOKE UPDATE, DELETE, TRUNCATE ON %I FROM %s', grant_row.relname,
          CASE WHEN grant_row.grantee = 0 THEN 'PUBLIC'
               ELSE quote_ident(pg_get_userbyid(grant_row.grantee)) END);
      END LOOP;
    END
    $$`);
}

const sha256 = (...parts: Buffer[]): Buffer => {
  const hash = createHash('sha256');
  for (const part of parts) hash.update(part);
  return hash.digest();
};
const NODE_PREFIX = Buffer.of(0x01);

/** MTH of a complete subtree of 256 hashes (RFC 9162 §2.1.1 interior nodes). */
function subtreeRoot(hashes: Buffer[]): Buffer {
  let level = hashes;
  while (level.length > 1) {
    const next: Buffer[] = [];
    for (let i = 0; i < level.length; i += 2)
      next.push(sha256(NODE_PREFIX, level[i], level[i + 1]));
    level = next;
  }
  return level[0];
}

/**
 * audit_leaves → one audit_sequenced row per 256 seqs and one tile segment per tile (full
 * tiles whole, the rightmost partial tile of each level as it stands), streaming: each tile
 * level's pending hashes are at most 255. The leader's start-up check then verifies the result
 * against the last signed checkpoint like any other stored tree.
 */
async function convertLeaves(q: QueryRunner): Promise<void> {
  const pending: Buffer[][] = [];
  const tileCount: number[] = [];
  const flushTile = async (level: number, partial: boolean): Promise<void> => {
    const hashes = pending[level] ?? [];
    if (hashes.length === 0) return;
    const index = tileCount[level] ?? 0;
    await q.query(
      `INSERT INTO audit_tiles (level, tile_index, start, hashes) VALUES ($1, $2, 0, $3)`,
      [level, index, Buffer.concat(hashes)],
    );
    if (partial) return;
    tileCount[level] = index + 1;
    pending[level] = [];
    (pending[level + 1] ??= []).push(subtreeRoot(hashes));
    if (pending[level + 1].length === TILE_WIDTH) await flushTile(level + 1, false);
  };
  for (let from = 0; ; from += CONVERT_CHUNK) {
    const rows = (await q.query(
      `SELECT l.seq::text AS seq, l.entry_id::text AS entry_id, l.leaf_hash, l.sequenced_at,
         e.xid::text AS xid
       FROM audit_leaves l JOIN audit_entries e ON e.id = l.entry_id
       WHERE l.seq >= $1 AND l.seq < $2 ORDER BY l.seq`,
      [from, from + CONVERT_CHUNK],
    )) as { seq: string; entry_id: string; leaf_hash: Buffer; sequenced_at: Date; xid: string }[];
    for (let at = 0; at < rows.length; at += TILE_WIDTH) {
      const batch = rows.slice(at, at + TILE_WIDTH);
      batch.forEach((row, i) => {
        // A gap cannot be converted faithfully; the start-up check would refuse it anyway.
        if (Number(row.seq) !== from + at + i)
          throw new Error(`audit_leaves lacks seq ${from + at + i}`);
      });
      const last = batch[batch.length - 1];
      await q.query(
        `INSERT INTO audit_sequenced (first_seq, entry_ids, last_xid, last_id, sequenced_at)
         VALUES ($1, $2::bigint[], $3::xid8, $4, $5)`,
        [
          from + at,
          batch.map((r) => r.entry_id),
          last.xid,
          last.entry_id,
          batch.reduce((t, r) => (r.sequenced_at > t ? r.sequenced_at : t), batch[0].sequenced_at),
        ],
      );
      for (const row of batch) {
        (pending[0] ??= []).push(row.leaf_hash);
        if (pending[0].length === TILE_WIDTH) await flushTile(0, false);
      }
    }
    if (rows.length < CONVERT_CHUNK) break;
  }
  for (let level = 0; level < pending.length; level++) await flushTile(level, true);
}
