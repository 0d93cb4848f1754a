import { Controller, Get, HttpCode, Param, Post, Query, UseGuards } from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiOkResponse,
  ApiOperation,
  ApiQuery,
  ApiResponse,
  ApiTags,
} from '@nestjs/swagger';
import type { SchemaObject } from '@nestjs/swagger';
import { CursorError, encodeCursor } from '../api/cursor';
import { ApiPageQueries, type LimitProblem, readPage } from '../api/page';
import type { AuthenticatedClient } from '../auth/auth.types';
import { BearerAuthGuard } from '../auth/bearer-auth.guard';
import { CurrentClient, Roles } from '../auth/roles.decorator';
import { validationFailed } from '../exchange/exchange.errors';
import { uuidParam } from '../exchange/uuid-param';
import { DeadLetterStore } from './dead-letter.store';
import { DEAD_LETTER_STATUSES, type DeadLetterStatus } from './dead-letter.types';
import { DEAD_LETTER_SCHEMA, deadLetterView } from './dead-letter-view';
import { DeadLettersError } from './dead-letters.errors';
import { DecideDeadLetter } from './use-cases/decide-dead-letter/decide-dead-letter.use-case';

/** The dead letters' cursors: a dead letter's seq, newest first. */
const DEAD_LETTERS_CURSOR = 'dead-letters';

const ERROR_SCHEMA: SchemaObject = {
  type: 'object',
  required: ['code', 'message'],
  properties: { code: { type: 'string' }, message: { type: 'string' } },
};

const DECIDED_SCHEMA: SchemaObject = {
  type: 'object',
  required: ['deadLetter'],
  properties: { deadLetter: DEAD_LETTER_SCHEMA },
};

/**
 * Dead letters an operator can see, replay and discard (#17, README "Dead letters"): what this
 * gateway refused, or the broker gave up on, kept with its code, size and digest. Security
 * officers and auditors see them; security officers decide on them.
 */
@ApiTags('dead-letters')
@ApiBearerAuth()
@Controller('dead-letters')
@UseGuards(BearerAuthGuard)
export class DeadLettersController {
  constructor(
    private readonly store: DeadLetterStore,
    private readonly decide: DecideDeadLetter,
  ) {}

  @Get()
  @Roles('security-officer', 'auditor')
  @ApiOperation({ summary: 'Dead letters, newest first (codes, sizes and digests: no content)' })
  @ApiPageQueries()
  @ApiQuery({ name: 'status', required: false, enum: DEAD_LETTER_STATUSES })
  @ApiOkResponse({
    schema: {
      type: 'object',
      required: ['deadLetters', 'next'],
      properties: {
        deadLetters: { type: 'array', items: DEAD_LETTER_SCHEMA },
        next: { type: 'string', nullable: true, description: 'the cursor of the next page' },
      },
    },
  })
  @ApiResponse({ status: 400, description: 'VALIDATION_FAILED', schema: ERROR_SCHEMA })
  async list(
    @Query('limit') limit?: unknown,
    @Query('cursor') cursor?: unknown,
    @Query('status') status?: unknown,
  ) {
    const problems: LimitProblem[] = [];
    const page = readPage(DEAD_LETTERS_CURSOR, ['string'], { limit, cursor }, problems);
    if (problems.length > 0) throw validationFailed(problems);
    const before = page.after?.[0] as string | undefined;
    if (before !== undefined && !/^[1-9]\d{0,17}$/.test(before)) {
      throw new CursorError('is no position among the dead letters');
    }
    if (status !== undefined && !DEAD_LETTER_STATUSES.includes(status as DeadLetterStatus)) {
      throw validationFailed([
        {
          field: 'status',
          rule: 'enum',
          message: `must be one of ${DEAD_LETTER_STATUSES.join(', ')}`,
        },
      ]);
    }
    const found = await this.store.list({
      limit: page.size,
      before,
      status: status as DeadLetterStatus | undefined,
    });
    return {
      deadLetters: found.items.map(deadLetterView),
      next:
        found.nextBefore === null ? null : encodeCursor(DEAD_LETTERS_CURSOR, [found.nextBefore]),
    };
  }

  @Get(':id')
  @Roles('security-officer', 'auditor')
  @ApiOperation({ summary: 'One dead letter (codes, size and digest: no content)' })
  @ApiOkResponse({ schema: DEAD_LETTER_SCHEMA })
  @ApiResponse({ status: 404, description: 'DEAD_LETTER_NOT_FOUND', schema: ERROR_SCHEMA })
  async show(@Param('id', uuidParam('id')) id: string) {
    const record = await this.store.find(id);
    if (!record) throw new DeadLettersError('DEAD_LETTER_NOT_FOUND', `no dead letter ${id}`);
    return deadLetterView(record);
  }

  @Post(':id/replay')
  @HttpCode(200)
  @Roles('security-officer')
  @ApiOperation({
    summary:
      'Deliver a held dead letter again to this gateway’s own inbound processing (audited): refused again, it comes back as a new dead letter',
  })
  @ApiOkResponse({ schema: DECIDED_SCHEMA })
  @ApiResponse({ status: 404, description: 'DEAD_LETTER_NOT_FOUND', schema: ERROR_SCHEMA })
  @ApiResponse({
    status: 409,
    description: 'DEAD_LETTER_DECIDED, DEAD_LETTER_PAYLOAD_NOT_KEPT',
    schema: ERROR_SCHEMA,
  })
  async replay(
    @Param('id', uuidParam('id')) id: string,
    @CurrentClient() client: AuthenticatedClient,
  ) {
    return { deadLetter: deadLetterView(await this.decide.execute(client, id, 'replay')) };
  }

  @Post(':id/discard')
  @HttpCode(200)
  @Roles('security-officer')
  @ApiOperation({
    summary: 'Drop a held dead letter’s bytes; its code, size and digest stay (audited)',
  })
  @ApiOkResponse({ schema: DECIDED_SCHEMA })
  @ApiResponse({ status: 404, description: 'DEAD_LETTER_NOT_FOUND', schema: ERROR_SCHEMA })
  @ApiResponse({ status: 409, description: 'DEAD_LETTER_DECIDED', schema: ERROR_SCHEMA })
  async discard(
    @Param('id', uuidParam('id')) id: string,
    @CurrentClient() client: AuthenticatedClient,
  ) {
    return { deadLetter: deadLetterView(await this.decide.execute(client, id, 'discard')) };
  }
}
