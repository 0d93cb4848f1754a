import type { Readable } from 'node:stream';
import { createBrotliDecompress, createGunzip, createInflate } from 'node:zlib';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { HttpApiError } from './api-errors';
import {
  BODY_MEDIA_TYPES,
  charsetOf,
  CSV_MEDIA_TYPE,
  JSON_MEDIA_TYPE,
  mediaTypeOf,
} from './media-types';

/** The content codings a request body may have, as body-parser undid them on Express. */
const DECODERS: Readonly<Record<string, (() => NodeJS.ReadWriteStream) | undefined>> = {
  identity: undefined,
  gzip: createGunzip,
  deflate: createInflate,
  br: createBrotliDecompress,
};

/**
 * A body refused by `readRequestBody`. It is answered at once, and the rest of the body is read
 * and dropped, as body-parser did on Express: the connection stays usable, and a client still
 * sending the body is not reset before it can read the answer.
 */
export class BodyRefused extends HttpApiError {}

/**
 * Makes `readRequestBody` the HTTP server's only body parser, for every media type: Fastify's
 * own JSON and text parsers are removed, so that nothing lenient ever parses what a signature
 * will cover. Fastify calls it for a request that has a body (RFC 9112 §6.3: a length other
 * than 0, or chunked) on a method that may carry one, before any guard or handler runs.
 */
export function useBodyReader(fastify: FastifyInstance, limit: number): void {
  fastify.removeAllContentTypeParsers();
  fastify.addContentTypeParser('*', (request: FastifyRequest, payload: Readable) =>
    readRequestBody(request.headers, payload, limit),
  );
}

/**
 * Reads a request body as bytes, whatever it holds: JSON is parsed later, strictly and once,
 * by whoever needs its value (`parseStrictJson`). Refuses, in the API's one error shape, a
 * body in a media type the API does not take (415), JSON or CSV in a charset other than UTF-8
 * (RFC 8259 §8.1; 415), a content coding it cannot undo (415) and a body over `limit` (413) —
 * by its Content-Length before a byte of it is kept, or as soon as the bytes read pass it.
 */
export function readRequestBody(
  headers: FastifyRequest['headers'],
  payload: Readable,
  limit: number,
): Promise<Buffer> {
  const refuse = (code: BodyRefusalCode, message: string) => {
    payload.resume();
    return Promise.reject(new BodyRefused(code, message));
  };
  const contentType = headers['content-type'];
  const media = mediaTypeOf(contentType);
  if (!BODY_MEDIA_TYPES.includes(media)) {
    return refuse(
      'UNSUPPORTED_MEDIA_TYPE',
      media === ''
        ? `a request body needs a Content-Type: ${BODY_MEDIA_TYPES.join(', ')}`
        : `${media} is not accepted; send ${BODY_MEDIA_TYPES.join(', ')}`,
    );
  }
  const charset = charsetOf(contentType);
  if (media === JSON_MEDIA_TYPE && charset !== undefined && charset !== 'utf-8') {
    return refuse('UNSUPPORTED_MEDIA_TYPE', 'JSON is accepted in UTF-8 only');
  }
  if (media === CSV_MEDIA_TYPE && charset !== undefined && charset !== 'utf-8') {
    return refuse('UNSUPPORTED_MEDIA_TYPE', 'CSV is accepted in UTF-8 only');
  }
  const coding = (headers['content-encoding'] ?? 'identity').trim().toLowerCase();
  if (!Object.prototype.hasOwnProperty.call(DECODERS, coding)) {
    return refuse('UNSUPPORTED_MEDIA_TYPE', 'the Content-Encoding is not supported');
  }
  const decoder = DECODERS[coding];
  // Encoded, the limit is on the decoded bytes (as body-parser's): the length says nothing of them.
  if (decoder === undefined && Number(headers['content-length']) > limit) {
    return refuse('PAYLOAD_TOO_LARGE', TOO_LARGE);
  }
  return collect(payload, decoder?.(), limit);
}

function collect(
  payload: Readable,
  decoder: NodeJS.ReadWriteStream | undefined,
  limit: number,
): Promise<Buffer> {
  const source: NodeJS.ReadableStream = decoder === undefined ? payload : payload.pipe(decoder);
  return new Promise<Buffer>((resolve, reject) => {
    const chunks: Buffer[] = [];
    let length = 0;
    const stop = (error: BodyRefused) => {
      source.removeListener('data', onData);
      source.removeListener('end', onEnd);
      payload.unpipe();
      // The rest is read and dropped (no listener keeps it).
      payload.resume();
      reject(error);
    };
    const onData = (chunk: Buffer) => {
      length += chunk.length;
      if (length > limit) {
        stop(new BodyRefused('PAYLOAD_TOO_LARGE', TOO_LARGE));
        return;
      }
      chunks.push(chunk);
    };
    const onEnd = () => resolve(chunks.length === 1 ? chunks[0] : Buffer.concat(chunks, length));
    source.on('data', onData);
    source.once('end', onEnd);
    const onError = () =>
      stop(new BodyRefused('MALFORMED_REQUEST', 'the request body could not be read'));
    source.once('error', onError);
    if (source !== payload) payload.once('error', onError);
  });
}

type BodyRefusalCode = 'PAYLOAD_TOO_LARGE' | 'UNSUPPORTED_MEDIA_TYPE';
const TOO_LARGE = 'the request body exceeds the configured maximum';
