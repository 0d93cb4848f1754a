import type { SqlClient } from '@mxg/database';
import { encodeAuditLeaf } from '../log/audit-leaf';
import { readEntriesInRange, readTile } from '../store/audit-log.repository';
import { TILE_WIDTH, type TileAddress } from './tile-path';
import { encodeEntryBundle, joinTileSegments, tileWidth } from './tile-segments';

/** A tile or entry bundle as served: its bytes, and how many entries it holds (bundles). */
export interface LogTile {
  readonly bytes: Buffer;
  readonly entries: number;
}

/**
 * Tile or entry bundle `address` of the log as of its checkpoint of size `treeSize` (nothing
 * beyond what is signed goes out, like exports); undefined when that tree has no such tile or
 * not that many hashes in it. An entry bundle holds each entry's leaf bytes (its RFC 8785 JSON,
 * seq included): SHA-256(0x00 ‖ bytes) is the hash in tile level 0.
 */
export async function readLogTile(
  db: SqlClient,
  address: TileAddress,
  treeSize: number,
): Promise<LogTile | undefined> {
  const level = address.kind === 'entries' ? 0 : address.level;
  if (tileWidth(treeSize, level, address.index) < address.width) return undefined;
  if (address.kind === 'hashes') {
    const bytes = joinTileSegments(await readTile(db, level, address.index), address.width);
    return bytes && { bytes, entries: 0 };
  }
  const first = address.index * TILE_WIDTH;
  const entries = await readEntriesInRange(db, first, first + address.width, address.width);
  if (entries.length !== address.width || entries.some((e, i) => e.seq !== first + i)) {
    return undefined;
  }
  return { bytes: encodeEntryBundle(entries.map(encodeAuditLeaf)), entries: entries.length };
}
