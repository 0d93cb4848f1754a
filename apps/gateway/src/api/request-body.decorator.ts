import { createParamDecorator, type ExecutionContext } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { HttpApiError } from './api-errors';
import { mediaTypeOf } from './media-types';

/** A request body as `readRequestBody` read it: bytes, and the media type they are in. */
export interface RequestBody {
  readonly mediaType: string;
  readonly bytes: Uint8Array;
}

/**
 * The request body of a handler that takes one of `accepted` media types: 415 for another,
 * 400 for none. Parsing is the handler's: JSON only ever through `parseStrictJson`.
 */
export const BodyOf = createParamDecorator(
  (accepted: readonly string[], context: ExecutionContext): RequestBody => {
    const request = context.switchToHttp().getRequest<FastifyRequest>();
    const mediaType = mediaTypeOf(request.headers['content-type']);
    const body: unknown = request.body;
    if (!Buffer.isBuffer(body) || body.length === 0) {
      throw new HttpApiError(
        'MALFORMED_REQUEST',
        `a request body is required: ${accepted.join(' or ')}`,
      );
    }
    if (!accepted.includes(mediaType)) {
      throw new HttpApiError(
        'UNSUPPORTED_MEDIA_TYPE',
        `this call takes ${accepted.join(' or ')}, not ${mediaType}`,
      );
    }
    return { mediaType, bytes: body };
  },
);
