import { Controller, Get, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { MxgConfigService } from '@mxg/config';
import { Clock } from '@mxg/core';
import { BearerAuthGuard } from '../auth/bearer-auth.guard';
import { Roles } from '../auth/roles.decorator';
import { PartiesView, PartyView } from './party-view';

/**
 * The parties as this gateway's configuration has them: currency and national bank (RET-3.7),
 * authorities, and per agreement the participation the gateway applies — for RET the start it
 * computed from the depositary's dates (RET-7/8), and whether the party is in force today.
 */
@ApiTags('parties')
@ApiBearerAuth()
@Controller('parties')
@UseGuards(BearerAuthGuard)
@Roles('publisher', 'security-officer', 'auditor')
export class PartiesController {
  constructor(
    private readonly config: MxgConfigService,
    private readonly clock: Clock,
  ) {}

  @Get()
  @ApiOperation({
    summary: 'Parties: currency, national bank, and participation per agreement (RET-7/8)',
  })
  @ApiOkResponse({ type: PartiesView })
  list(): PartiesView {
    const now = this.clock.now();
    const treaty = this.config.treaty;
    return {
      on: now.toISOString().slice(0, 10),
      parties: treaty.allParties().map((p) => PartyView.of(p, treaty, now)),
    };
  }
}
