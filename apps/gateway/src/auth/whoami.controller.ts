import { Controller, Get, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { AuthenticatedClient, ClientRole } from './auth.types';
import { BearerAuthGuard } from './bearer-auth.guard';
import { CurrentClient } from './roles.decorator';
import { ApiAnswer, arrayOf, nullable, object, str } from '../api/openapi-answers';

export interface WhoamiView {
  readonly id: string;
  readonly roles: readonly ClientRole[];
  readonly authority: string | null;
}

/**
 * Who a bearer token is: the console (issue #17) asks after login to show only what the roles
 * allow. Identifiers only; any authenticated client may ask about itself.
 */
@ApiTags('auth')
@ApiBearerAuth()
@Controller('whoami')
@UseGuards(BearerAuthGuard)
export class WhoamiController {
  @Get()
  @ApiOperation({ summary: 'The API client this token authenticates: id, roles and authority' })
  @ApiAnswer(
    object({
      id: str(),
      roles: arrayOf(str()),
      authority: nullable(str('the authority it acts for; null for overseers')),
    }),
  )
  whoami(@CurrentClient() client: AuthenticatedClient): WhoamiView {
    return { id: client.id, roles: client.roles, authority: client.authority };
  }
}
