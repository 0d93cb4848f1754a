import { Controller, Get, Header, Param, Res, StreamableFile, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { AuthenticatedClient } from '../auth/auth.types';
import { BearerAuthGuard } from '../auth/bearer-auth.guard';
import { CurrentClient, Roles } from '../auth/roles.decorator';
import { ReadLogTile } from './use-cases/read-log-tile/read-log-tile.use-case';
import { ApiBytesAnswer } from '../api/openapi-answers';

/** What the handler needs of a response: Express's and Fastify's both have it. */
interface HeaderSink {
  header(name: string, value: string): unknown;
}

/** `tile/<L>/<N>[.p/<W>]`: a level, up to 7 index groups and a width — at most 9 segments. */
const TILE_SEGMENTS = 9;
const TILE_ROUTES = Array.from(
  { length: TILE_SEGMENTS - 1 },
  (_, n) => `tile/${Array.from({ length: n + 2 }, (_, i) => `:s${i}`).join('/')}`,
);

/**
 * The audit log over HTTP in the C2SP tlog-tiles layout (`/audit/log/checkpoint`,
 * `/audit/log/tile/…`), so transparency-log tooling can read it. Auditors only, like the rest
 * of the audit API (`/audit/entries`, `/audit/checkpoints/latest`): entry bundles hold the log's
 * entries, and reading them is audited as a query is.
 */
@ApiTags('audit')
@ApiBearerAuth()
@Controller('audit/log')
@UseGuards(BearerAuthGuard)
@Roles('auditor')
export class AuditTilesController {
  constructor(private readonly readLogTile: ReadLogTile) {}

  @Get('checkpoint')
  @Header('Content-Type', 'text/plain; charset=utf-8')
  @Header('Cache-Control', 'no-cache')
  @ApiOperation({ summary: 'The latest signed checkpoint (tlog-tiles: a signed note)' })
  @ApiBytesAnswer('text/plain', 'the signed note: origin, tree size, root hash, signature lines')
  checkpoint(): Promise<string> {
    return this.readLogTile.checkpoint();
  }

  @Get(TILE_ROUTES)
  @ApiOperation({
    summary:
      'A tile of hashes `tile/<L>/<N>[.p/<W>]` or an entry bundle `tile/entries/<N>[.p/<W>]` (tlog-tiles)',
  })
  @ApiBytesAnswer('application/octet-stream', 'the tile: hashes, or length-prefixed entries')
  async tile(
    @Param() segments: Record<string, string>,
    @CurrentClient() client: AuthenticatedClient,
    @Res({ passthrough: true }) response: HeaderSink,
  ): Promise<StreamableFile> {
    const parts: string[] = [];
    for (let i = 0; segments[`s${i}`] !== undefined; i++) parts.push(segments[`s${i}`]);
    const tile = await this.readLogTile.tile(['tile', ...parts].join('/'), client);
    response.header(
      'Cache-Control',
      tile.immutable ? 'public, max-age=31536000, immutable' : 'no-cache',
    );
    return new StreamableFile(tile.bytes, {
      type: 'application/octet-stream',
      length: tile.bytes.length,
    });
  }
}
