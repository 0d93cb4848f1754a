import type { ApiConnection } from './api-connection';

/** A national system's view of its gateway's API: bearer token, JSON or DER. */
export class ApiClient {
  constructor(
    private readonly api: ApiConnection,
    private readonly token: string,
  ) {}

  async json<T>(method: string, path: string, body?: unknown): Promise<T> {
    const response = await this.api.fetch(`${this.api.url}${path}`, {
      method,
      headers: {
        authorization: `Bearer ${this.token}`,
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const answer = (await response.json()) as T & { code?: string; message?: string };
    if (response.status >= 400)
      throw new Error(`${method} ${path}: ${response.status} ${answer.code}: ${answer.message}`);
    return answer;
  }

  /** Sends `body` as `contentType` (e.g. a rate table as text/csv) and reads the JSON answer. */
  async upload<T>(path: string, body: string | Buffer, contentType: string): Promise<T> {
    const response = await this.api.fetch(`${this.api.url}${path}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${this.token}`, 'content-type': contentType },
      body,
    });
    const answer = (await response.json()) as T & { code?: string; message?: string };
    if (response.status >= 400)
      throw new Error(`POST ${path}: ${response.status} ${answer.code}: ${answer.message}`);
    return answer;
  }

  async bytes(path: string, accept?: string): Promise<Buffer> {
    const response = await this.api.fetch(`${this.api.url}${path}`, {
      headers: {
        authorization: `Bearer ${this.token}`,
        ...(accept === undefined ? {} : { accept }),
      },
    });
    if (response.status !== 200) {
      const answer = (await response.json().catch(() => ({}))) as {
        code?: string;
        message?: string;
      };
      throw new Error(`GET ${path}: ${response.status} ${answer.code}: ${answer.message}`);
    }
    return Buffer.from(await response.arrayBuffer());
  }
}

/**
 * Polls until `check` returns a value, or fails after `timeoutMs`; `explain`, if given, says
 * where things stand when it fails (e.g. the message's status and last step at the sender).
 */
export async function waitFor<T>(
  what: string,
  check: () => Promise<T | undefined>,
  { timeoutMs = 60_000, explain }: { timeoutMs?: number; explain?: () => Promise<string> } = {},
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) {
      const state = explain ? await explain().catch((e: Error) => `(${e.message})`) : '';
      throw new Error(`timed out waiting for ${what}${state ? `: ${state}` : ''}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
}
