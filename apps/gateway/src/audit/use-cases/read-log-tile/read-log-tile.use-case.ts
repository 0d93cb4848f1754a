import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import {
  AuditAppender,
  latestCheckpoint,
  parseTilePath,
  readLogTile,
  TILE_WIDTH,
  type TileAddress,
} from '@mxg/audit';
import type { AuthenticatedClient } from '../../../auth/auth.types';
import { AuditApiError, AuditApiErrorCode } from '../../audit.errors';

export interface ServedTile {
  readonly bytes: Buffer;
  /** Full tiles never change (tlog-tiles): cacheable forever; partial ones grow. */
  readonly immutable: boolean;
}

/**
 * The log read as C2SP tlog-tiles (c2sp.org/tlog-tiles): the checkpoint, tiles of hashes and
 * entry bundles, as of the latest signed checkpoint. Issue 4: an auditor's reading of entries
 * is itself audited — each entry bundle served is; hashes and the checkpoint carry no entry.
 */
@Injectable()
export class ReadLogTile {
  constructor(
    private readonly dataSource: DataSource,
    private readonly appender: AuditAppender,
  ) {}

  async checkpoint(): Promise<string> {
    const checkpoint = await latestCheckpoint(this.dataSource);
    if (checkpoint === undefined) {
      throw new AuditApiError(AuditApiErrorCode.TileNotFound, 'no checkpoint signed yet');
    }
    return checkpoint.note;
  }

  async tile(path: string, client: AuthenticatedClient): Promise<ServedTile> {
    const address: TileAddress = parseTilePath(path);
    const treeSize = (await latestCheckpoint(this.dataSource))?.treeSize ?? 0;
    const tile = await readLogTile(this.dataSource, address, treeSize);
    if (tile === undefined) {
      throw new AuditApiError(
        AuditApiErrorCode.TileNotFound,
        `${path} is beyond the log's latest checkpoint (size ${treeSize})`,
      );
    }
    if (address.kind === 'entries') {
      await this.appender.append({
        type: 'audit.queried',
        actor: { authority: client.authority, role: 'auditor', user: client.id },
        details: { tile: path, returned: tile.entries },
      });
    }
    return { bytes: tile.bytes, immutable: address.width === TILE_WIDTH };
  }
}
