import { raw, type Request, type RequestHandler, type Response } from 'express';
import { apiErrorOf, HttpApiError, type HttpErrorCode } from './api-errors';
import {
  BODY_MEDIA_TYPES,
  charsetOf,
  CSV_MEDIA_TYPE,
  JSON_MEDIA_TYPE,
  mediaTypeOf,
} from './media-types';

/**
 * Reads a request body as bytes, whatever it holds: JSON is parsed later, strictly and once,
 * by whoever needs its value (`parseStrictJson`), so that nothing lenient ever reads what a
 * signature will cover. Refuses here, before any handler and in the API's one error shape,
 * a body in a media type the API does not take (415), JSON in a charset other than UTF-8
 * (RFC 8259 §8.1; 415), a content coding it cannot undo (415) and a body over `limit` (413).
 */
export function bodyReader(limit: number): RequestHandler {
  const read = raw({ type: [...BODY_MEDIA_TYPES], limit });
  return (request, response, next) => {
    if (!hasBody(request)) return next();
    const contentType = request.headers['content-type'];
    const media = mediaTypeOf(contentType);
    if (!BODY_MEDIA_TYPES.includes(media)) {
      return refuse(
        response,
        'UNSUPPORTED_MEDIA_TYPE',
        media === ''
          ? `a request body needs a Content-Type: ${BODY_MEDIA_TYPES.join(', ')}`
          : `${media} is not accepted; send ${BODY_MEDIA_TYPES.join(', ')}`,
      );
    }
    const charset = charsetOf(contentType);
    if (media === JSON_MEDIA_TYPE && charset !== undefined && charset !== 'utf-8') {
      return refuse(response, 'UNSUPPORTED_MEDIA_TYPE', 'JSON is accepted in UTF-8 only');
    }
    if (media === CSV_MEDIA_TYPE && charset !== undefined && charset !== 'utf-8') {
      return refuse(response, 'UNSUPPORTED_MEDIA_TYPE', 'CSV is accepted in UTF-8 only');
    }
    read(request, response, (error?: unknown) => {
      if (!error) return next();
      const type = (error as { type?: string }).type;
      if (type === 'entity.too.large') {
        refuse(response, 'PAYLOAD_TOO_LARGE', 'the request body exceeds the configured maximum');
      } else if (type === 'encoding.unsupported') {
        refuse(response, 'UNSUPPORTED_MEDIA_TYPE', 'the Content-Encoding is not supported');
      } else {
        refuse(response, 'MALFORMED_REQUEST', 'the request body could not be read');
      }
    });
  };
}

/** RFC 9112 §6.3: a request has a body if it says how long it is, or that it is chunked. */
function hasBody(request: Request): boolean {
  const length = request.headers['content-length'];
  return (
    request.headers['transfer-encoding'] !== undefined || (length !== undefined && length !== '0')
  );
}

function refuse(response: Response, code: HttpErrorCode, message: string): void {
  const { status, body } = apiErrorOf(new HttpApiError(code, message))!;
  response.status(status).json(body);
}
