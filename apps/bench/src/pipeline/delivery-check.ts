import { Client } from 'pg';
import { verifyCmsSignature } from '@mxg/cms';
import type { MxgConfigService } from '@mxg/config';
import {
  type DataKeyWrapper,
  FileDataKeyWrapper,
  FileTrustStore,
  openMessageContent,
  verifySignedLayer,
} from '@mxg/envelope';
import { BENCH_WATCH_APPLICATION } from './cpu-sampler';
import type { BenchExchange } from './gateway-processes';
import type { Submission } from './load-generator';

/** What both gateways' databases say happened to the submissions, read after the run. */
export interface Deliveries {
  /** AZ's `recorded_at` (ms since the epoch) of each message it stored, by id. */
  readonly deliveredAt: Map<string, number>;
  /** KZ's `status_at` of each message whose receipt came back (`delivered`), by id. */
  readonly receiptAt: Map<string, number>;
  readonly selfCheck: SelfCheck;
  /** What each gateway's database did over the whole run (pg_stat_database), by party. */
  readonly databaseWork: Record<'KZ' | 'AZ', DatabaseWork>;
}

export interface DatabaseWork {
  readonly commits: number;
  readonly inserted: number;
  readonly updated: number;
  readonly deleted: number;
}

export interface SelfCheck {
  readonly accepted: number;
  /** Accepted submissions AZ stored, each exactly once (its primary key is the message id). */
  readonly deliveredOnce: number;
  readonly missingAtAz: number;
  /** Rows at AZ no accepted submission explains. */
  readonly unexpectedAtAz: number;
  /** Envelopes AZ received again and refused as duplicates (re-sends, re-deliveries). */
  readonly duplicatesRefused: number;
  readonly kzDelivered: number;
  readonly kzNotDelivered: Record<string, number>;
  /** Every stored inner SignedData: signature and message digest over the stored content. */
  readonly signaturesChecked: number;
  readonly signaturesInvalid: number;
  /** A sample checked in full (chain, CRL, key usage, signing time, MIG-9.3 signatory list). */
  readonly layersChecked: number;
  readonly layersInvalid: number;
  readonly ok: boolean;
}

/** A bench connection to `url`, named so that the CPU sampler leaves it out. */
export function benchWatchClient(url: string): Client {
  return new Client({ connectionString: url, application_name: BENCH_WATCH_APPLICATION });
}

/** KZ's statuses after which no receipt is awaited any more. */
const SETTLED = ['delivered', 'rejected', 'failed'];

/**
 * KZ's count of messages whose receipt came back, kept current by polling its database: each
 * accepted message is looked up by its id until KZ has it settled. After the first, a poll reads at most the messages in flight through the primary key, so it costs the same
 * however many messages the run has stored (#16: counting the `published` and pending-outbox
 * partial indexes instead read every dead entry of them — 6,500 after a minute where no vacuum
 * runs — 20 times a second, and grew to more PostgreSQL CPU than the messages themselves).
 */
export class ReceiptWatch {
  private count = 0;
  private seen = 0;
  private readonly outstanding = new Set<string>();
  private timer?: NodeJS.Timeout;
  private failure?: Error;
  private stopped = false;

  private constructor(
    private readonly client: Client,
    private readonly submissions: readonly Submission[],
  ) {}

  /**
   * `submissions`: the load generator's, in the order KZ answered them (it appends as answers
   * come). The first poll looks up every one accepted so far (once); later polls, those
   * accepted since and those still outstanding.
   */
  static async start(
    exchange: BenchExchange,
    submissions: readonly Submission[],
    everyMs = 50,
  ): Promise<ReceiptWatch> {
    const client = benchWatchClient(exchange.kz.db.ownerUrl);
    await client.connect();
    const watch = new ReceiptWatch(client, submissions);
    const poll = async () => {
      try {
        await watch.poll();
      } catch (error) {
        watch.failure ??= error as Error;
      }
      if (!watch.stopped) watch.timer = setTimeout(() => void poll(), everyMs);
    };
    await poll();
    return watch;
  }

  private async poll(): Promise<void> {
    // Every message accepted so far was committed before its 202, so the query sees it.
    for (; this.seen < this.submissions.length; this.seen++) {
      const id = this.submissions[this.seen].id;
      if (id) this.outstanding.add(id);
    }
    if (this.outstanding.size === 0) return;
    const { rows } = await this.client.query<{ id: string }>(
      `SELECT id FROM messages WHERE id = ANY ($1::uuid[]) AND status = ANY ($2::text[])`,
      [[...this.outstanding], SETTLED],
    );
    for (const { id } of rows) this.outstanding.delete(id);
    this.count += rows.length;
  }

  delivered(): number {
    if (this.failure) throw this.failure;
    return this.count;
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await this.client.end();
  }
}

/** Polls KZ until every accepted message is `delivered` or nothing moved for `idleMs`. */
export async function waitForReceipts(
  exchange: BenchExchange,
  accepted: number,
  idleMs = 20_000,
): Promise<number> {
  const kz = benchWatchClient(exchange.kz.db.ownerUrl);
  await kz.connect();
  try {
    let last = -1;
    let lastMoved = Date.now();
    for (;;) {
      const { rows } = await kz.query<{ n: string }>(
        `SELECT count(*) AS n FROM messages WHERE direction = 'outgoing' AND status = 'delivered'`,
      );
      const delivered = Number(rows[0].n);
      if (delivered >= accepted) return delivered;
      if (delivered !== last) {
        last = delivered;
        lastMoved = Date.now();
      } else if (Date.now() - lastMoved > idleMs) {
        return delivered;
      }
      await new Promise((r) => setTimeout(r, 250));
    }
  } finally {
    await kz.end();
  }
}

export async function readDeliveries(
  config: MxgConfigService,
  exchange: BenchExchange,
  submissions: readonly Submission[],
  fullChecks: number,
): Promise<Deliveries> {
  const kz = new Client({ connectionString: exchange.kz.db.ownerUrl });
  const az = new Client({ connectionString: exchange.az.db.ownerUrl });
  await Promise.all([kz.connect(), az.connect()]);
  try {
    const azRows = await az.query<{ id: string; recorded_at: Date }>(
      `SELECT id, recorded_at FROM messages WHERE direction = 'incoming'`,
    );
    const kzRows = await kz.query<{ id: string; status: string; status_at: Date }>(
      `SELECT id, status, status_at FROM messages WHERE direction = 'outgoing'`,
    );
    const duplicates = await az.query<{ n: string }>(
      `SELECT count(*) AS n FROM audit_entries WHERE error_code = 'DUPLICATE_MESSAGE'`,
    );
    const deliveredAt = new Map(azRows.rows.map((r) => [r.id, r.recorded_at.getTime()]));
    const receiptAt = new Map(
      kzRows.rows.filter((r) => r.status === 'delivered').map((r) => [r.id, r.status_at.getTime()]),
    );
    const acceptedIds = new Set(submissions.flatMap((s) => (s.id ? [s.id] : [])));
    const kzNotDelivered: Record<string, number> = {};
    for (const r of kzRows.rows) {
      if (r.status !== 'delivered') kzNotDelivered[r.status] = (kzNotDelivered[r.status] ?? 0) + 1;
    }
    const missingAtAz = [...acceptedIds].filter((id) => !deliveredAt.has(id)).length;
    const unexpectedAtAz = [...deliveredAt.keys()].filter((id) => !acceptedIds.has(id)).length;

    // Every inner signature, cryptographically, over the content AZ stored — decrypted with
    // AZ's KEK (MIG-11.4): a row that does not decrypt counts as invalid.
    const azKeys = await FileDataKeyWrapper.load(exchange.certsDir, 'AZ');
    let signaturesChecked = 0;
    let signaturesInvalid = 0;
    const sampleIds: string[] = [];
    const cursor = `SELECT c.message_id, c.content, c.signed, k.kek, k.wrapped
                      FROM message_contents c LEFT JOIN message_keys k USING (message_id)
                     ORDER BY c.message_id`;
    const pageSize = 2000;
    for (let offset = 0; ; offset += pageSize) {
      const page = await az.query<StoredRow>(`${cursor} LIMIT ${pageSize} OFFSET ${offset}`);
      for (const row of page.rows) {
        signaturesChecked++;
        try {
          const { content, signed } = await decrypted(azKeys, row);
          const verified = await verifyCmsSignature(signed);
          if (!Buffer.from(verified.content).equals(content)) signaturesInvalid++;
        } catch {
          signaturesInvalid++;
        }
        if (sampleIds.length < fullChecks && signaturesChecked % 7 === 1)
          sampleIds.push(row.message_id);
      }
      if (page.rows.length < pageSize) break;
    }

    // A sample through the full check a security officer's `mxg verify` makes.
    const treaty = config.treaty;
    const trust = new FileTrustStore(exchange.certsDir, treaty);
    const policy = treaty.agreement('MIG').algorithms;
    let layersInvalid = 0;
    for (const id of sampleIds) {
      const { rows } = await az.query<StoredRow>(
        `SELECT c.message_id, c.content, c.signed, k.kek, k.wrapped
           FROM message_contents c LEFT JOIN message_keys k USING (message_id)
          WHERE c.message_id = $1`,
        [id],
      );
      const report = await verifySignedLayer((await decrypted(azKeys, rows[0])).signed, {
        layer: 'inner',
        role: 'signatory',
        party: 'KZ',
        authority: 'KZ-MVD',
        trust,
        treaty,
        policy,
        now: new Date(),
      });
      if (!report.valid) layersInvalid++;
    }

    const work = async (client: Client): Promise<DatabaseWork> => {
      const { rows } = await client.query<Record<keyof DatabaseWork, string>>(
        `SELECT xact_commit AS commits, tup_inserted AS inserted, tup_updated AS updated,
                tup_deleted AS deleted
           FROM pg_stat_database WHERE datname = current_database()`,
      );
      const r = rows[0];
      return {
        commits: Number(r.commits),
        inserted: Number(r.inserted),
        updated: Number(r.updated),
        deleted: Number(r.deleted),
      };
    };
    const databaseWork = { KZ: await work(kz), AZ: await work(az) };

    const deliveredOnce = [...acceptedIds].filter((id) => deliveredAt.has(id)).length;
    const selfCheck: SelfCheck = {
      accepted: acceptedIds.size,
      deliveredOnce,
      missingAtAz,
      unexpectedAtAz,
      duplicatesRefused: Number(duplicates.rows[0].n),
      kzDelivered: receiptAt.size,
      kzNotDelivered,
      signaturesChecked,
      signaturesInvalid,
      layersChecked: sampleIds.length,
      layersInvalid,
      ok:
        missingAtAz === 0 &&
        unexpectedAtAz === 0 &&
        receiptAt.size === acceptedIds.size &&
        signaturesChecked === deliveredAt.size &&
        signaturesInvalid === 0 &&
        layersInvalid === 0,
    };
    return { deliveredAt, receiptAt, selfCheck, databaseWork };
  } finally {
    await Promise.all([kz.end(), az.end()]);
  }
}

/** A row of `message_contents` with its data key, as the self-check reads it. */
interface StoredRow {
  message_id: string;
  content: Buffer;
  signed: Buffer;
  kek: string | null;
  wrapped: Buffer | null;
}

/** The plaintext of a stored row (MIG-11.4); throws when it has no key or does not verify. */
function decrypted(
  keys: DataKeyWrapper,
  row: StoredRow,
): Promise<{ content: Buffer; signed: Buffer }> {
  if (row.kek === null || row.wrapped === null) {
    return Promise.reject(new Error(`message ${row.message_id} has no data key`));
  }
  return openMessageContent(keys, row.message_id, row, { kek: row.kek, wrapped: row.wrapped });
}
