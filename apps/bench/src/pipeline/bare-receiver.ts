import { isMainThread, parentPort, workerData } from 'node:worker_threads';
import { connect, type ConsumeMessage } from 'amqplib';
import { Client } from 'pg';
import { MxgConfigService } from '@mxg/config';
import { FileKeyStore, FileTrustStore, openEnvelope } from '@mxg/envelope';

/** What the bare pipeline's receiving side is given (a worker thread: a core of its own). */
export interface BareReceiverData {
  readonly certsDir: string;
  readonly amqp: { url: string; socket: Record<string, unknown> };
  readonly queue: string;
  readonly prefetch: number;
  readonly databaseUrl: string;
  /** The audit table (created by the sender's side). */
  readonly table: string;
}

/** Posted to the sending side: messages audited so far, or why the receiver stopped. */
export type BareReceiverReport =
  { readonly audited: number } | { readonly error: string } | { readonly ready: true };

/** Statement that writes one batch of audit rows: a row per message, one round trip. */
export function auditBatchStatement(table: string): string {
  return `INSERT INTO ${table} (message_id, digest, sender, signatory)
    SELECT * FROM unnest($1::uuid[], $2::text[], $3::text[], $4::text[])
    ON CONFLICT (message_id) DO NOTHING`;
}

/**
 * The receiving half of the bare pipeline (`bare-pipeline.ts`): consumes the quorum queue,
 * opens each envelope as AZ's gateway does (`openEnvelope`: seal, chain and CRL, decrypt, inner
 * signature), writes the audit rows of what arrived meanwhile in one statement, and acks them
 * once it has committed (a crash re-delivers; the unique message id drops the copy).
 */
async function receive(data: BareReceiverData): Promise<void> {
  const port = parentPort!;
  const config = MxgConfigService.load({ env: { MXG_CERTS_DIR: data.certsDir } });
  const treaty = config.treaty;
  const trust = new FileTrustStore(data.certsDir, treaty);
  const keys = new FileKeyStore(data.certsDir, 'AZ');
  const db = new Client({ connectionString: data.databaseUrl });
  await db.connect();
  const socket = { ...data.amqp.socket };
  // Buffers arrive as Uint8Arrays from the other thread.
  for (const k of ['cert', 'key']) if (socket[k]) socket[k] = Buffer.from(socket[k] as Uint8Array);
  if (Array.isArray(socket.ca)) socket.ca = socket.ca.map((c: Uint8Array) => Buffer.from(c));
  const connection = await connect(data.amqp.url, { ...socket, noDelay: true });
  const channel = await connection.createChannel();
  await channel.prefetch(data.prefetch);

  const statement = auditBatchStatement(data.table);
  let audited = 0;
  let batch: { delivery: ConsumeMessage; id: string; digest: string; signatory: string }[] = [];
  let writing = false;
  let written = Promise.resolve();
  const fail = (error: unknown) =>
    port.postMessage({ error: error instanceof Error ? error.message : String(error) });
  const flush = async (): Promise<void> => {
    writing = true;
    try {
      while (batch.length > 0) {
        const rows = batch;
        batch = [];
        await db.query(statement, [
          rows.map((r) => r.id),
          rows.map((r) => r.digest),
          rows.map(() => 'KZ'),
          rows.map((r) => r.signatory),
        ]);
        // Opened in delivery order and written in order: one ack covers the batch.
        channel.ack(rows[rows.length - 1].delivery, true);
        audited += rows.length;
        port.postMessage({ audited });
      }
    } finally {
      writing = false; // in the same step as finding the batch empty: no row is left behind
    }
  };
  // One delivery opened at a time, in order (the work is CPU on this thread anyway).
  let opening = Promise.resolve();
  await channel.consume(
    data.queue,
    (delivery) => {
      if (!delivery) return;
      opening = opening.then(async () => {
        const opened = await openEnvelope(delivery.content, {
          self: 'AZ',
          keys,
          trust,
          treaty,
          now: new Date(),
          maxSkewMs: 5 * 60_000,
        });
        batch.push({
          delivery,
          id: opened.header.id,
          digest: opened.digest,
          signatory: opened.signatoryId,
        });
        // Group commit: what is opened while a batch is being written goes in the next one.
        if (!writing) written = flush().catch(fail);
      });
      opening.catch(fail);
    },
    { noAck: false },
  );
  port.postMessage({ ready: true });
  port.once('message', () => {
    void (async () => {
      await opening;
      await written;
      await channel.close();
      await connection.close();
      await db.end();
      port.close();
    })().catch(fail);
  });
}

if (!isMainThread && parentPort) {
  receive(workerData as BareReceiverData).catch((error: unknown) =>
    parentPort?.postMessage({ error: error instanceof Error ? error.message : String(error) }),
  );
}
