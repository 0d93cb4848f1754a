import { z } from 'zod';
import { MESSAGE_TYPES, type MessageType, type Vocabulary } from '@mxg/config';
import { bodySchemas } from '../schemas/body-schemas';
import { TYPE_ARTICLE } from '../schemas/treaty-articles';

/**
 * The version of each type's body schema. A change a receiver could refuse — a new required
 * field, a narrower rule — is a new version; a wider vocabulary in config is not.
 */
export const BODY_SCHEMA_VERSIONS: Readonly<Record<MessageType, number>> = {
  ...(Object.fromEntries(MESSAGE_TYPES.map((type) => [type, 1])) as Record<MessageType, number>),
  // #12, MIG-11.2: a request's purpose is a code and its legal basis required; a response
  // carries its handling restrictions.
  request: 2,
  response: 2,
  // #13, RET-3.1..3.7: the claim carries the return act, typed documents, the invoice and the
  // line-by-line calculation; the payment names the claim it pays.
  'reimbursement-claim': 2,
  'payment-confirmation': 2,
  // #14, MIG-9.3/9.4: the whole list with a version, every certificate of each person, and the
  // sample signature forms as attachments.
  'signatory-list-update': 2,
};

/** RET's types; every other type is MIG's. */
const RET_TYPES: readonly MessageType[] = [
  'reimbursement-claim',
  'payment-confirmation',
  'claim-query',
  'claim-dispute',
  'claim-reply',
];

/** `urn:mxg:schema:mig:request:1`: names the body schema a message type and version has. */
export function bodySchemaId(type: MessageType): string {
  const agreement = RET_TYPES.includes(type) ? 'ret' : 'mig';
  return `urn:mxg:schema:${agreement}:${type}:${BODY_SCHEMA_VERSIONS[type]}`;
}

export type BodyJsonSchema = Record<string, unknown> & {
  readonly $id: string;
  readonly version: number;
};

/**
 * The published JSON Schema (2020-12) of a type's body, generated from the very Zod schema the
 * gateways check with, enums as configured. What JSON Schema cannot say — attachment bytes and
 * digests, references, birth dates in the past — is in its description and docs/messages.md.
 */
export function bodyJsonSchema(type: MessageType, vocabulary: Vocabulary): BodyJsonSchema {
  const generated = z.toJSONSchema(bodySchemas(vocabulary)[type], {
    target: 'draft-2020-12',
    io: 'input',
  }) as Record<string, unknown>;
  const { $schema, ...schema } = generated;
  return {
    $schema,
    $id: bodySchemaId(type),
    title: `MXG ${type} body`,
    description:
      `The body of a ${type} message (${TYPE_ARTICLE[type]}). Beyond this schema the gateways ` +
      'check attachment bytes (content type, size, SHA-256), that persons refer to attachments ' +
      'of the right kind, and that birth dates are not in the future (MIG-6).',
    version: BODY_SCHEMA_VERSIONS[type],
    ...schema,
  };
}

/**
 * The same schema as an OpenAPI 3.0 schema object, for the gateway's OpenAPI document (which
 * links each to its published JSON Schema at `GET /schemas/{type}`).
 */
export function bodyOpenApiSchema(
  type: MessageType,
  vocabulary: Vocabulary,
): Record<string, unknown> {
  const generated = z.toJSONSchema(bodySchemas(vocabulary)[type], {
    target: 'openapi-3.0',
    io: 'input',
  }) as Record<string, unknown>;
  return {
    title: `${type} body`,
    description: `The body of a ${type} message (${TYPE_ARTICLE[type]}); JSON Schema ${bodySchemaId(type)} at /schemas/${type}.`,
    ...generated,
  };
}
