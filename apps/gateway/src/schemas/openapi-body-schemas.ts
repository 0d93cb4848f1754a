import type { OpenAPIObject, SchemaObject } from '@nestjs/swagger';
import { MESSAGE_TYPES, type MessageType, type Vocabulary } from '@mxg/config';
import { bodyOpenApiSchema } from '@mxg/messages';

/** The component name of a type's body schema in the OpenAPI document. */
export const bodyComponent = (type: MessageType) => `MessageBody-${type}`;

/**
 * Puts every type's body schema into the OpenAPI document as a component, and makes the submit
 * DTO's `body` one of them, each linked to its published JSON Schema (`GET /schemas/{type}`).
 */
export function addBodySchemas(document: OpenAPIObject, vocabulary: Vocabulary): void {
  const schemas = (document.components ??= {}).schemas ?? {};
  document.components.schemas = schemas;
  for (const type of MESSAGE_TYPES) {
    schemas[bodyComponent(type)] = bodyOpenApiSchema(type, vocabulary);
  }
  const dto = schemas.SubmitMessageDto as SchemaObject | undefined;
  if (dto?.properties) {
    dto.properties.body = {
      description:
        'The body of the message, as its `type` requires: one schema per type, listed at ' +
        '[/v1/schemas](/v1/schemas) and published as JSON Schema at `/v1/schemas/{type}` ' +
        `(${MESSAGE_TYPES.map((t) => `[${t}](/v1/schemas/${t})`).join(', ')}).`,
      oneOf: MESSAGE_TYPES.map((type) => ({ $ref: `#/components/schemas/${bodyComponent(type)}` })),
    };
  }
}
