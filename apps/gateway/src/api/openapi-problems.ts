import type { OpenAPIObject, ResponseObject, SchemaObject } from '@nestjs/swagger';
import { API_ERROR_STATUS } from './api-errors';
import { PROBLEM_MEDIA_TYPE, PROBLEMS_PATH } from './problem-details';

/** The component every refusal's response points at. */
export const PROBLEM_COMPONENT = 'Problem';

const PROBLEM_SCHEMA: SchemaObject = {
  type: 'object',
  description:
    `RFC 9457 problem details, the one shape of every refusal. \`type\` names the code's problem ` +
    `type (\`${PROBLEMS_PATH}/{code}\`, served); \`status\` is the code's, always. \`message\` ` +
    'repeats `detail` for clients written before /v1 and goes with the next version.',
  required: ['type', 'title', 'status', 'detail', 'code', 'message'],
  properties: {
    type: { type: 'string', format: 'uri-reference', example: `${PROBLEMS_PATH}/NOT_FOUND` },
    title: { type: 'string', example: 'Not found' },
    status: { type: 'integer', example: 404 },
    detail: { type: 'string', example: 'no route /v1/nothing' },
    instance: { type: 'string', format: 'uri-reference', example: '/v1/nothing' },
    code: { type: 'string', enum: Object.keys(API_ERROR_STATUS).sort(), example: 'NOT_FOUND' },
    message: { type: 'string', deprecated: true, description: 'the same as `detail`' },
    errors: {
      type: 'array',
      description: 'what is wrong, field by field',
      items: {
        type: 'object',
        required: ['field', 'rule'],
        properties: {
          field: { type: 'string', description: 'a JSON Pointer, or a parameter’s name' },
          rule: { type: 'string' },
          treaty: { type: 'string', description: 'the obligation the rule comes from (MIG-10.3)' },
          message: { type: 'string' },
        },
      },
    },
    lastSeen: {
      type: 'integer',
      description: 'a witness’s refusal of a stale checkpoint: the size it last countersigned',
    },
  },
};

const problemResponse = (description: string): ResponseObject => ({
  description,
  content: {
    [PROBLEM_MEDIA_TYPE]: { schema: { $ref: `#/components/schemas/${PROBLEM_COMPONENT}` } },
  },
});

/**
 * Declares the one error shape in the OpenAPI document: the `Problem` component, and on every
 * operation (a new controller's included) its refusals, `4XX` and `5XX`, as problems — beside
 * any specific status an operation documents, which is pointed at the same schema.
 */
export function addProblemResponses(document: OpenAPIObject): void {
  const schemas = (document.components ??= {}).schemas ?? {};
  document.components.schemas = schemas;
  schemas[PROBLEM_COMPONENT] = PROBLEM_SCHEMA;
  for (const item of Object.values(document.paths)) {
    for (const method of ['get', 'put', 'post', 'delete', 'patch', 'head', 'options'] as const) {
      const operation = item[method];
      if (operation === undefined) continue;
      const responses = operation.responses;
      for (const [status, response] of Object.entries(responses)) {
        if (response === undefined || '$ref' in response) continue;
        if (/^[45]/.test(status) && response.content === undefined) {
          responses[status] = problemResponse(response.description);
        }
      }
      responses['4XX'] ??= problemResponse('refused: what the request must change is in `code`');
      responses['5XX'] ??= problemResponse(
        'the gateway could not answer (503 SERVICE_UNAVAILABLE with Retry-After: try again)',
      );
    }
  }
}
