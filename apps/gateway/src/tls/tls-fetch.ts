import { request as httpsRequest } from 'node:https';

/** What a witness transport or a test needs of `fetch`. */
export type FetchLike = (url: string, init?: RequestInit) => Promise<Response>;

/**
 * `fetch` over HTTPS that trusts only `ca` (a party's CA, not the system's store) and, for
 * mutual TLS, presents `cert`/`key` (#15). node:https rather than undici's Agent: Node bundles
 * undici without exporting it, and the project does not depend on it.
 */
export function tlsFetch(tls: {
  ca: string | Buffer;
  cert?: string | Buffer;
  key?: string | Buffer;
}): FetchLike {
  return (url, init = {}) =>
    new Promise<Response>((resolve, reject) => {
      const headers = Object.fromEntries(new Headers(init.headers).entries());
      const request = httpsRequest(
        url,
        {
          method: init.method ?? 'GET',
          headers,
          ca: tls.ca,
          cert: tls.cert,
          key: tls.key,
          minVersion: 'TLSv1.2',
          agent: false,
          signal: init.signal ?? undefined,
        },
        (response) => {
          const chunks: Buffer[] = [];
          response.on('data', (chunk: Buffer) => chunks.push(chunk));
          response.on('error', reject);
          response.on('end', () => {
            const status = response.statusCode ?? 500;
            const answerHeaders = new Headers();
            for (const [name, value] of Object.entries(response.headers)) {
              if (value === undefined) continue;
              for (const v of Array.isArray(value) ? value : [value]) answerHeaders.append(name, v);
            }
            const empty = status === 204 || status === 205 || status === 304;
            resolve(
              new Response(empty ? null : Buffer.concat(chunks), {
                status,
                headers: answerHeaders,
              }),
            );
          });
        },
      );
      request.on('error', reject);
      const body = init.body;
      if (body === undefined || body === null) request.end();
      else if (typeof body === 'string' || body instanceof Uint8Array) request.end(body);
      else reject(new TypeError('tlsFetch sends string or byte bodies only'));
    });
}
