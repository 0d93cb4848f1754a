import { AuditError, AuditErrorCode, type AuditErrorCode as Code } from '../audit-error';
import type {
  WitnessedHead,
  WitnessRequest,
  WitnessResponse,
  WitnessTransport,
} from './witness.types';

const TIMEOUT_MS = 5000;

/** How the transport makes its requests: the global `fetch`, or one over mutual TLS (#15). */
export type WitnessFetch = (url: string, init?: RequestInit) => Promise<Response>;

/** Witnessing over the peer gateway's HTTP API (`/v1/audit/witness`, see the gateway's audit module). */
export class HttpWitnessTransport implements WitnessTransport {
  constructor(
    private readonly baseUrl: string,
    private readonly fetch: WitnessFetch = globalThis.fetch,
  ) {}

  async lastSeen(origin: string): Promise<WitnessedHead | undefined> {
    const response = await this.fetch(
      `${this.baseUrl}/v1/audit/witness/logs/${encodeURIComponent(origin)}`,
      { signal: AbortSignal.timeout(TIMEOUT_MS) },
    );
    if (response.status === 404) return undefined;
    return (await this.body(response)) as WitnessedHead;
  }

  async submit(request: WitnessRequest): Promise<WitnessResponse> {
    const response = await this.fetch(`${this.baseUrl}/v1/audit/witness`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(request),
      signal: AbortSignal.timeout(TIMEOUT_MS),
    });
    return (await this.body(response)) as WitnessResponse;
  }

  private async body(response: Response): Promise<unknown> {
    const body = (await response.json().catch(() => ({}))) as { code?: string; message?: string };
    if (response.ok) return body;
    // The witness's own error code survives the hop, so a refusal is not mistaken for an outage.
    const known = Object.values(AuditErrorCode) as string[];
    const code = (
      known.includes(body.code ?? '') ? body.code : AuditErrorCode.WitnessFailed
    ) as Code;
    throw new AuditError(code, `witness answered ${response.status}: ${body.message ?? ''}`);
  }
}
