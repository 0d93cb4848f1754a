import { applyDecorators, type Type } from '@nestjs/common';
import {
  ApiExtraModels,
  ApiProduces,
  ApiResponse,
  getSchemaPath,
  type ReferenceObject,
  type SchemaObject,
} from '@nestjs/swagger';

type Schema = SchemaObject | ReferenceObject;

/** A view class as a schema: a reference to its component (declared by `ApiAnswer`). */
export const ref = (model: Type<unknown>): ReferenceObject => ({ $ref: getSchemaPath(model) });

/** Shorthands for the members of the answers' schemas. */
export const str = (description?: string, extra: SchemaObject = {}): SchemaObject => ({
  type: 'string',
  ...(description === undefined ? {} : { description }),
  ...extra,
});
export const int = (description?: string): SchemaObject => ({
  type: 'integer',
  ...(description === undefined ? {} : { description }),
});
export const nullable = (schema: SchemaObject): SchemaObject => ({ ...schema, nullable: true });
export const arrayOf = (items: Schema, description?: string): SchemaObject => ({
  type: 'array',
  items,
  ...(description === undefined ? {} : { description }),
});
/** An object whose every member is required unless named in `optional`. */
export const object = (
  properties: Record<string, Schema>,
  optional: readonly string[] = [],
): SchemaObject => ({
  type: 'object',
  properties,
  required: Object.keys(properties).filter((k) => !optional.includes(k)),
});

/**
 * An operation's JSON answer in the OpenAPI document (#17: a schema on every operation), with
 * the view classes its schema refers to declared as components.
 */
export function ApiAnswer(
  schema: Schema,
  options: { status?: number; description?: string; models?: Type<unknown>[] } = {},
) {
  const models = options.models ?? [];
  return applyDecorators(
    ...(models.length > 0 ? [ApiExtraModels(...models)] : []),
    ApiResponse({
      status: options.status ?? 200,
      description: options.description ?? 'the answer',
      schema,
    }),
  );
}

/**
 * A list's page: `key` holding the items (a view class, or a schema), the cursor of the next
 * page, and any `extra` members.
 */
export function ApiPageAnswer(
  key: string,
  items: Type<unknown> | SchemaObject,
  extra: Record<string, Schema> = {},
) {
  const models = typeof items === 'function' ? [items] : [];
  return ApiAnswer(
    object({
      ...extra,
      [key]: arrayOf(typeof items === 'function' ? ref(items) : items),
      next: nullable(str('the `cursor` of the next page; null on the last')),
    }),
    { models, description: 'one page' },
  );
}

/** An answer that is not JSON: its media types and what it holds. */
export function ApiBytesAnswer(mediaTypes: string | string[], description: string) {
  const types = typeof mediaTypes === 'string' ? [mediaTypes] : mediaTypes;
  return applyDecorators(
    ApiProduces(...types),
    ApiResponse({
      status: 200,
      description,
      content: Object.fromEntries(
        types.map((type) => [type, { schema: { type: 'string', format: 'binary' } }]),
      ),
    }),
  );
}
