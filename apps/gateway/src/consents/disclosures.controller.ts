import { Controller, HttpCode, Post, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiBody, ApiConsumes, ApiOperation, ApiTags } from '@nestjs/swagger';
import { JSON_MEDIA_TYPE } from '../api/media-types';
import { BodyOf, type RequestBody } from '../api/request-body.decorator';
import type { AuthenticatedClient } from '../auth/auth.types';
import { BearerAuthGuard } from '../auth/bearer-auth.guard';
import { CurrentClient, Roles } from '../auth/roles.decorator';
import { RecordDisclosureDto } from './use-cases/record-disclosure/record-disclosure.command';
import {
  RecordDisclosure,
  type RecordedDisclosure,
} from './use-cases/record-disclosure/record-disclosure.use-case';
import { ApiAnswer, arrayOf, nullable, object, str } from '../api/openapi-answers';

/** MIG-11.2, MIG-11.3: an onward transfer or a new use, recorded before it is made. */
@ApiTags('consents')
@ApiBearerAuth()
@Controller('disclosures')
@UseGuards(BearerAuthGuard)
@Roles('publisher')
export class DisclosuresController {
  constructor(private readonly recordDisclosure: RecordDisclosure) {}

  @Post()
  @HttpCode(201)
  @ApiOperation({
    summary: 'Record an onward transfer or a use for a new purpose before making it',
    description:
      'Refused (403) unless a consent of the provider covers it: granted, for every named message, ' +
      'the same use and third party or purpose, not revoked, and valid through the end of its ' +
      '`validUntil` at the provider authority. Codes: CONSENT_REQUIRED, CONSENT_DENIED, ' +
      'CONSENT_EXPIRED, CONSENT_REVOKED, CONSENT_MISMATCH; DISCLOSURE_SUBJECT_UNKNOWN (422) for ' +
      'messages not received by the caller’s authority. Both outcomes are audited as ' +
      '`disclosure.onward`, per message, with the consent’s id. See docs/consent.md.',
  })
  @ApiConsumes(JSON_MEDIA_TYPE)
  @ApiBody({ type: RecordDisclosureDto })
  @ApiAnswer(
    object(
      {
        id: str('the disclosure: on every audit entry it wrote'),
        consent: str('the consent it goes ahead under'),
        grantMessageId: nullable(str('the grant message, where its conditions are')),
        validUntil: nullable(str('the grant’s last day, inclusive, at the provider authority')),
        messages: arrayOf(str()),
        use: str(),
        recipient: nullable(str()),
        purpose: nullable(str()),
      },
      ['recipient', 'purpose'],
    ),
    { status: 201, description: 'recorded: the disclosure may go ahead' },
  )
  record(
    @BodyOf([JSON_MEDIA_TYPE]) body: RequestBody,
    @CurrentClient() client: AuthenticatedClient,
  ): Promise<RecordedDisclosure> {
    return this.recordDisclosure.execute(client, body.bytes);
  }
}
