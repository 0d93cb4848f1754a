import { Agent, request } from 'node:http';
import { exampleMessage } from '@mxg/messages';
import { benchRequestBody } from '../bench-request-body';
import { performance } from 'node:perf_hooks';

export const REQUEST_BYTES = 2048;

/** One submission as the national system saw it. */
export interface Submission {
  /** The message id the gateway answered with (202), if it accepted. */
  readonly id?: string;
  readonly status: number;
  /** When the request was sent, ms since the epoch (fractional). */
  readonly sentAt: number;
  /** When the answer came, ms since the epoch. */
  readonly answeredAt: number;
  readonly phase: string;
}

export interface PhaseResult {
  readonly phase: string;
  readonly startedAt: number;
  readonly endedAt: number;
  readonly sent: number;
  readonly accepted: number;
  readonly refused: number;
  /** Paced phases: sends skipped because the in-flight cap was reached (offered load not met). */
  readonly skipped: number;
}

const now = () => performance.timeOrigin + performance.now();

/**
 * A KZ-MVD national system submitting MIG-5 requests to AZ-DMX through KZ's API, ≈ 2 KiB of
 * JSON each, over kept-alive connections; concurrency is bounded by the caller. node:http, not
 * fetch: undici's fetch cost this process ≈ 1 ms of CPU a request, taken from the same two cores
 * the gateways run on. With `batchSize` > 1 (#16, `--batch=<n>`) it sends `POST /messages/batch`
 * requests of that many messages instead, each message recorded as a submission of its own.
 */
export class LoadGenerator {
  readonly submissions: Submission[] = [];
  /** Submissions answered 202 so far. */
  accepted = 0;
  private readonly body: Buffer;
  private readonly path: string;
  private readonly agent = new Agent({ keepAlive: true, maxSockets: 256 });

  constructor(
    private readonly url: string,
    private readonly token: string,
    readonly batchSize = 1,
  ) {
    const message = requestBody(REQUEST_BYTES);
    this.body = Buffer.from(
      batchSize === 1
        ? message
        : `{"items":[${Array.from({ length: batchSize }, () => `{"message":${message}}`).join(',')}]}`,
    );
    this.path = batchSize === 1 ? '/v1/messages' : '/v1/messages/batch';
  }

  /** Closes the kept-alive connections. */
  close(): void {
    this.agent.destroy();
  }

  /** POST /messages (or /messages/batch); each message's status and id. */
  private post(): Promise<{ status: number; id?: string }[]> {
    return new Promise((resolve, reject) => {
      const req = request(
        `${this.url}${this.path}`,
        {
          method: 'POST',
          agent: this.agent,
          headers: {
            authorization: `Bearer ${this.token}`,
            'content-type': 'application/json',
            'content-length': this.body.length,
          },
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (chunk: Buffer) => chunks.push(chunk));
          res.on('error', reject);
          res.on('end', () => {
            const status = res.statusCode ?? 0;
            const refused = Array.from({ length: this.batchSize }, () => ({ status }));
            try {
              const answer = JSON.parse(Buffer.concat(chunks).toString('utf8')) as {
                id?: string;
                items?: { status: number; message?: { id: string } }[];
              };
              if (this.batchSize === 1) resolve([{ status, id: answer.id }]);
              else if (status === 200 && answer.items?.length === this.batchSize) {
                resolve(answer.items.map((i) => ({ status: i.status, id: i.message?.id })));
              } else resolve(refused);
            } catch {
              resolve(refused);
            }
          });
        },
      );
      req.on('error', reject);
      req.end(this.body);
    });
  }

  /**
   * One request — a message, or a batch of `batchSize` — and its submissions; never throws (a
   * failed request is recorded with status 0).
   */
  async submit(phase: string): Promise<Submission[]> {
    const sentAt = now();
    let answers: { status: number; id?: string }[];
    try {
      answers = await this.post();
    } catch {
      answers = Array.from({ length: this.batchSize }, () => ({ status: 0 }));
    }
    const answeredAt = now();
    const submissions = answers.map((answer): Submission => ({
      id: answer.status === 202 ? answer.id : undefined,
      status: answer.status,
      sentAt,
      answeredAt,
      phase,
    }));
    for (const submission of submissions) {
      this.submissions.push(submission);
      if (submission.id) this.accepted++;
    }
    return submissions;
  }

  /**
   * Open loop: `rate` messages a second for `durationMs`, at most `maxInFlight` at once (a batch
   * goes once `batchSize` messages are due).
   */
  async paced(
    phase: string,
    rate: number,
    durationMs: number,
    maxInFlight: number,
  ): Promise<PhaseResult> {
    const startedAt = now();
    const pending = new Set<Promise<Submission[]>>();
    const size = this.batchSize;
    let due = 0;
    let skipped = 0;
    for (;;) {
      const elapsed = now() - startedAt;
      if (elapsed >= durationMs) break;
      const target = Math.floor((elapsed * rate) / 1000);
      for (; due + size <= target; due += size) {
        if ((pending.size + 1) * size > maxInFlight) {
          skipped += size;
          continue;
        }
        const p = this.submit(phase);
        pending.add(p);
        void p.then(() => pending.delete(p));
      }
      await new Promise((r) => setTimeout(r, 1));
    }
    await Promise.all(pending);
    return this.result(phase, startedAt, skipped);
  }

  /**
   * Closed loop end to end: at most `window` accepted messages without a receipt back at KZ
   * (`delivered()` reads how many came back), so the pipeline runs at its own pace with no
   * backlog growing anywhere — the measure of sustained throughput. A batch goes while fewer
   * than `window` are in flight, so batches can overshoot it by `batchSize` − 1.
   */
  async windowed(
    phase: string,
    window: number,
    durationMs: number,
    delivered: () => number,
  ): Promise<PhaseResult> {
    const startedAt = now();
    const deadline = startedAt + durationMs;
    let accepted = this.submissions.filter((s) => s.id).length;
    let pending = 0;
    const size = this.batchSize;
    const workers = Math.max(1, Math.min(Math.ceil(window / size), 64));
    await Promise.all(
      Array.from({ length: workers }, async () => {
        while (now() < deadline) {
          if (accepted + pending - delivered() >= window) {
            await new Promise((r) => setTimeout(r, 5));
            continue;
          }
          pending += size;
          const sent = await this.submit(phase);
          pending -= size;
          accepted += sent.filter((s) => s.id).length;
        }
      }),
    );
    return this.result(phase, startedAt, 0);
  }

  private result(phase: string, startedAt: number, skipped: number): PhaseResult {
    const mine = this.submissions.filter((s) => s.phase === phase);
    const accepted = mine.filter((s) => s.id !== undefined).length;
    return {
      phase,
      startedAt,
      endedAt: now(),
      sent: mine.length,
      accepted,
      refused: mine.length - accepted,
      skipped,
    };
  }
}

/** A MIG-5 request (examples/messages/request.json, no person) padded to `bytes` of JSON. */
export function requestBody(bytes: number): string {
  const { agreement, type, to, signatory } = exampleMessage('request');
  const request = {
    agreement,
    type,
    to,
    signatory,
    body: { ...benchRequestBody(), otherInformation: '' },
  };
  const base = Buffer.byteLength(JSON.stringify(request));
  request.body.otherInformation = 'ж'.repeat(Math.max(0, Math.floor((bytes - base) / 2)));
  return JSON.stringify(request);
}
