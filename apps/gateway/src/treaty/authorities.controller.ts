import { Controller, Get, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { MxgConfigService } from '@mxg/config';
import { Clock } from '@mxg/core';
import { BearerAuthGuard } from '../auth/bearer-auth.guard';
import { Roles } from '../auth/roles.decorator';
import { ApiAnswer, arrayOf, nullable, object, str } from '../api/openapi-answers';

/**
 * MIG-2: the competent authorities as this gateway knows them now — the configured registry and
 * the authority-change notices received since — with the name in force today and every dated
 * name, so a national system addresses and displays them as the treaty has them.
 */
@ApiTags('authorities')
@ApiBearerAuth()
@Controller('authorities')
@UseGuards(BearerAuthGuard)
@Roles('publisher', 'security-officer', 'auditor')
export class AuthoritiesController {
  constructor(
    private readonly config: MxgConfigService,
    private readonly clock: Clock,
  ) {}

  @Get()
  @ApiOperation({ summary: 'Competent authorities: names in force today, dated names, changes' })
  @ApiAnswer(
    object({
      authorities: arrayOf(
        object(
          {
            code: str(undefined, { example: 'KZ-MVD' }),
            party: str(),
            timeZone: str(),
            placeholder: { type: 'boolean' },
            validFrom: nullable(str()),
            validTo: nullable(str()),
            active: { type: 'boolean' },
            name: nullable(str('the name in force today')),
            names: arrayOf({ type: 'object' }, 'dated names'),
            changes: arrayOf({ type: 'object' }, 'renames, mergers, splits'),
          },
          ['placeholder', 'validFrom', 'validTo'],
        ),
      ),
    }),
  )
  list() {
    const now = this.clock.now();
    const treaty = this.config.treaty;
    return {
      authorities: treaty.allAuthorities().map((a) => ({
        code: a.code,
        party: a.party,
        timeZone: a.timeZone,
        // RET names no authorities: a placeholder stands in until the party notifies its own.
        placeholder: a.placeholder,
        validFrom: a.validFrom,
        validTo: a.validTo,
        active: treaty.isAuthorityActive(a.code, now),
        name: treaty.authorityName(a.code, now),
        names: a.names,
        changes: treaty.authorityChanges(a.code),
      })),
    };
  }
}
