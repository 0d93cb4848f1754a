import { Controller, Get, Header, Param } from '@nestjs/common';
import { ApiOperation, ApiParam, ApiTags } from '@nestjs/swagger';
import { MESSAGE_TYPES, type MessageType, MxgConfigService } from '@mxg/config';
import {
  BODY_SCHEMA_VERSIONS,
  type BodyJsonSchema,
  bodyJsonSchema,
  bodySchemaId,
} from '@mxg/messages';
import { SchemaError } from './schemas.errors';
import { apiPath } from '../api/api-version';
import { ApiAnswer, ApiBytesAnswer, arrayOf, int, object, str } from '../api/openapi-answers';

export interface SchemaListEntry {
  readonly type: MessageType;
  readonly $id: string;
  readonly version: number;
  readonly url: string;
}

/**
 * The body schema of every message type, as the gateways check it (@mxg/messages), with this
 * configuration's vocabularies. Public: a schema holds no data, and national systems build
 * their forms from it.
 */
@ApiTags('schemas')
@Controller('schemas')
export class SchemasController {
  constructor(private readonly config: MxgConfigService) {}

  @Get()
  @ApiOperation({ summary: 'Every message type’s body schema: its $id, version and URL' })
  @ApiAnswer(
    object({
      schemas: arrayOf(object({ type: str(), $id: str(), version: int(), url: str() })),
    }),
  )
  list(): { schemas: SchemaListEntry[] } {
    return {
      schemas: MESSAGE_TYPES.map((type) => ({
        type,
        $id: bodySchemaId(type),
        version: BODY_SCHEMA_VERSIONS[type],
        url: apiPath(`/schemas/${type}`),
      })),
    };
  }

  @Get(':type')
  @Header('Content-Type', 'application/schema+json')
  @ApiBytesAnswer('application/schema+json', 'the body’s JSON Schema (2020-12)')
  @ApiParam({ name: 'type', enum: MESSAGE_TYPES })
  @ApiOperation({
    summary:
      'The JSON Schema (2020-12) of a message type’s body (404 SCHEMA_NOT_FOUND for an unknown type)',
  })
  schema(@Param('type') type: string): BodyJsonSchema {
    const known = MESSAGE_TYPES.find((t) => t === type);
    if (!known) {
      throw new SchemaError(
        'SCHEMA_NOT_FOUND',
        `no message type ${type.slice(0, 64)}: GET /v1/schemas lists the types`,
      );
    }
    return bodyJsonSchema(known, this.config.vocabulary);
  }
}
