import { readFileSync } from 'node:fs';
import type { IncomingMessage } from 'node:http';
import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { MxgError } from '@mxg/core';
import { usageError } from './usage-error';

/**
 * How `mxg` reaches a gateway's HTTP API as a client: its URL, the bearer token, and for HTTPS
 * (#15) the CA to trust for the gateway's certificate and the client certificate to show.
 */
export interface GatewayApiOptions {
  api: string;
  tokenFile?: string;
  ca?: string;
  cert?: string;
  key?: string;
}

/** A gateway's refusal, with the stable code it answered (`AUTH_FORBIDDEN`, …). */
export class GatewayApiError extends MxgError {
  constructor(code: string, message: string, details: Record<string, unknown>) {
    super(code, message, details);
  }
}

/**
 * The bearer token: from `--token-file` or the environment variable `MXG_TOKEN`, never from an
 * option — a command line is visible to every user of the machine (`ps`), a process's
 * environment and a 0600 file only to their owner.
 */
export function bearerToken(tokenFile: string | undefined): string {
  let token: string | undefined;
  if (tokenFile !== undefined) {
    try {
      token = readFileSync(tokenFile, 'utf8').trim();
    } catch (error) {
      usageError(
        `cannot read --token-file ${tokenFile}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`,
      );
    }
  } else {
    token = process.env.MXG_TOKEN?.trim();
  }
  if (!token)
    usageError('give the bearer token in --token-file <file> or in the environment as MXG_TOKEN');
  return token;
}

/**
 * GETs `path` of the gateway and resolves with the answer once its status is 2xx (the body is
 * left to the caller to stream); a refusal becomes a GatewayApiError with the gateway's code.
 */
export async function gatewayGet(
  options: GatewayApiOptions,
  path: string,
): Promise<IncomingMessage> {
  let url: URL;
  try {
    url = new URL(path, `${options.api.replace(/\/+$/, '')}/`);
  } catch {
    usageError(`--api ${options.api} is not a URL (e.g. https://127.0.0.1:3101)`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    usageError(`--api ${options.api}: expected an http:// or https:// URL`);
  }
  const tls = url.protocol === 'https:';
  if (!tls && (options.ca ?? options.cert ?? options.key) !== undefined) {
    usageError('--ca, --cert and --key go with an https:// --api');
  }
  if ((options.cert === undefined) !== (options.key === undefined)) {
    usageError('give --cert and --key together (the client certificate and its key)');
  }
  const token = bearerToken(options.tokenFile);
  const pem = (flag: string, file: string | undefined) => {
    if (file === undefined) return undefined;
    try {
      return readFileSync(file);
    } catch (error) {
      usageError(
        `cannot read ${flag} ${file}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`,
      );
    }
  };
  const headers = {
    authorization: `Bearer ${token}`,
    accept: 'application/jsonl, application/json',
  };
  const response = await new Promise<IncomingMessage>((resolve, reject) => {
    const request = tls
      ? httpsRequest(url, {
          headers,
          // Only the party's CA when given (#15), not every CA the system trusts.
          ca: pem('--ca', options.ca),
          cert: pem('--cert', options.cert),
          key: pem('--key', options.key),
          minVersion: 'TLSv1.2',
        })
      : httpRequest(url, { headers });
    request.once('response', resolve);
    request.once('error', (error: NodeJS.ErrnoException) =>
      reject(
        new MxgError(
          'GATEWAY_UNREACHABLE',
          `cannot reach ${url.origin}: ${error.code ?? ''} ${error.message}`.replace(/\s+/g, ' '),
        ),
      ),
    );
    request.end();
  });
  const status = response.statusCode ?? 0;
  if (status >= 200 && status < 300) return response;
  throw await refusal(response, url);
}

async function refusal(response: IncomingMessage, url: URL): Promise<GatewayApiError> {
  const chunks: Buffer[] = [];
  for await (const chunk of response) chunks.push(chunk as Buffer);
  const status = response.statusCode ?? 0;
  let answer: { code?: unknown; message?: unknown } = {};
  try {
    answer = JSON.parse(Buffer.concat(chunks).toString('utf8')) as typeof answer;
  } catch {
    // not the gateway's error shape: said by status alone
  }
  const code = typeof answer.code === 'string' ? answer.code : `HTTP_${status}`;
  const message = typeof answer.message === 'string' ? answer.message : 'no explanation given';
  return new GatewayApiError(code, `${url.origin}${url.pathname} answered ${status}: ${message}`, {
    status,
  });
}
