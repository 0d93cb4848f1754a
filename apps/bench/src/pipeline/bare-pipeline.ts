import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { Worker } from 'node:worker_threads';
import { Client } from 'pg';
import { ContentKeyReuse } from '@mxg/cms';
import type { MxgConfigService } from '@mxg/config';
import { FileKeyStore, FileTrustStore, type MxgMessage, sealEnvelope } from '@mxg/envelope';
import type { ScratchBroker } from '../../../cli/src/services/scratch-broker';
import { benchMessage } from '../bench-request-body';
import type { BareReceiverData, BareReceiverReport } from './bare-receiver';
import { CpuSampler } from './cpu-sampler';
import { createBenchDatabase } from './gateway-processes';

const MESSAGE_BYTES = 2048;
/** Messages sealed but not yet audited, at most: enough to keep both threads and the broker busy. */
const IN_FLIGHT = 256;
/** As the gateway's EnvelopeService with the default `exchange.contentKeyReuseSeconds` (300). */
const CONTENT_KEYS = { maxAgeMs: 300_000, maxUses: 100_000 } as const;
const TABLE = 'bare_audit';
const WARM_MS = 2000;

/** The yardstick (#16): what the machine does with MXG's crypto, broker and database, and no more. */
export interface BarePipelineLimits {
  readonly messagesPerSecond: number;
  /** CPU of the bench process (both threads), the broker and PostgreSQL per message, µs. */
  readonly cpuMicrosPerMessage: number;
  readonly nodeMicrosPerMessage: number;
  readonly brokerMicrosPerMessage: number;
  readonly postgresMicrosPerMessage: number;
  readonly inFlight: number;
}

/**
 * The bare pipeline, KZ → AZ, no HTTP and no receipts: this thread signs, encrypts and seals each
 * 2 KiB MIG request with the library the gateway uses (`sealEnvelope`, content-key reuse as the
 * gateway has it) and publishes it persistent, with publisher confirms, to a quorum queue in KZ's
 * vhost on KZ's own node (AMQPS); a worker thread (a second core, as AZ's gateway is a second
 * process) consumes it, opens it (`openEnvelope`: seal, chains and CRLs, decrypt, signatory) and
 * writes an audit row per message, a batch per statement, acking once committed. At most
 * {@link IN_FLIGHT} messages are between sealing and their audit row. Messages per second are
 * rows committed in the measured window.
 */
export async function measureBarePipeline(options: {
  config: MxgConfigService;
  certsDir: string;
  broker: ScratchBroker;
  sampler: CpuSampler;
  durationMs: number;
}): Promise<BarePipelineLimits> {
  const { config, certsDir, broker, sampler, durationMs } = options;
  const db = await createBenchDatabase(config, 'mxg_bench_bare');
  const queue = `mxg.bench.bare.${randomUUID()}`;
  const connection = await broker.connectAdmin('KZ', { noDelay: true });
  try {
    const owner = new Client({ connectionString: db.ownerUrl });
    await owner.connect();
    await owner.query(
      `CREATE TABLE ${TABLE} (seq bigserial PRIMARY KEY, message_id uuid NOT NULL UNIQUE,
        digest text NOT NULL, sender text NOT NULL, signatory text NOT NULL,
        recorded_at timestamptz NOT NULL DEFAULT now())`,
    );
    await owner.end();
    const admin = await connection.createChannel();
    await admin.assertQueue(queue, { durable: true, arguments: { 'x-queue-type': 'quorum' } });
    await admin.close();
    const receiver = startReceiver({
      certsDir,
      amqp: broker.adminTarget('KZ'),
      queue,
      prefetch: IN_FLIGHT,
      databaseUrl: db.ownerUrl,
      table: TABLE,
    });
    try {
      await receiver.ready;
      const sender = await bareSender(config, certsDir, connection, queue);
      const run = async (ms: number) => {
        const deadline = performance.now() + ms;
        while (performance.now() < deadline) {
          receiver.check();
          sender.check();
          if (sender.published - receiver.audited >= IN_FLIGHT) await receiver.next();
          else await sender.publishOne();
        }
      };
      // Warm: the queue's leader, the key caches, and V8, which takes seconds to finish optimising
      // code as deep as seal and open (a gateway that has run a while no longer pays for that).
      await run(WARM_MS);
      const auditedBefore = receiver.audited;
      const cpuBefore = await sampler.sample();
      const started = performance.now();
      await run(durationMs);
      const seconds = (performance.now() - started) / 1000;
      const cpu = CpuSampler.between(cpuBefore, await sampler.sample());
      const n = receiver.audited - auditedBefore;
      while (receiver.audited < sender.published) {
        receiver.check();
        await receiver.next();
      }
      await sender.close();
      const perMessage = (seconds: number) => (seconds * 1e6) / Math.max(1, n);
      return {
        messagesPerSecond: n / seconds,
        cpuMicrosPerMessage: perMessage(cpu['load generator'] + cpu.RabbitMQ + cpu.PostgreSQL),
        nodeMicrosPerMessage: perMessage(cpu['load generator']),
        brokerMicrosPerMessage: perMessage(cpu.RabbitMQ),
        postgresMicrosPerMessage: perMessage(cpu.PostgreSQL),
        inFlight: IN_FLIGHT,
      };
    } finally {
      await receiver.stop();
    }
  } finally {
    const cleanup = await connection.createChannel().catch(() => undefined);
    await cleanup?.deleteQueue(queue).catch(() => undefined);
    await connection.close().catch(() => undefined);
    await db.drop();
  }
}

/** The sending half: seal with KZ's keys, publish with confirms. */
async function bareSender(
  config: MxgConfigService,
  certsDir: string,
  connection: Awaited<ReturnType<ScratchBroker['connectAdmin']>>,
  queue: string,
) {
  const trust = new FileTrustStore(certsDir, config.treaty);
  const keys = new FileKeyStore(certsDir, 'KZ');
  const [signatory, seal] = await Promise.all([
    keys.signatory('kz-mvd-deputy-minister'),
    keys.seal(),
  ]);
  const recipient = trust.party('AZ').encryption;
  if (!recipient) throw new Error('no encryption certificate for AZ');
  const policy = config.treaty.agreement('MIG').algorithms;
  const contentKeys = new ContentKeyReuse({ ...CONTENT_KEYS, now: () => Date.now() });
  const template = benchMessage(MESSAGE_BYTES);
  const channel = await connection.createConfirmChannel();
  let failed: Error | undefined;
  const state = {
    published: 0,
    check() {
      if (failed) throw failed;
    },
    async publishOne(): Promise<void> {
      const id = randomUUID();
      const at = new Date();
      const message: MxgMessage = {
        ...template,
        header: { ...template.header, id, correlationId: id, createdAt: at.toISOString() },
      };
      const sealed = await sealEnvelope({
        message,
        signatory,
        seal,
        recipient,
        trust,
        policy,
        signingTime: at,
        contentKeys,
      });
      channel.sendToQueue(
        queue,
        Buffer.from(sealed.envelope),
        { persistent: true, messageId: id, contentType: 'application/octet-stream' },
        (error: unknown) => {
          if (error) failed ??= new Error('the broker nacked a message');
        },
      );
      state.published++;
    },
    async close(): Promise<void> {
      await channel.waitForConfirms();
      await channel.close();
    },
  };
  return state;
}

/** The receiving half in a worker thread, and how many it has audited. */
function startReceiver(data: BareReceiverData) {
  const worker = new Worker(join(__dirname, 'bare-receiver.js'), { workerData: data });
  let failed: Error | undefined;
  let wake: (() => void) | undefined;
  let ready!: () => void;
  let notReady!: (error: Error) => void;
  const readyPromise = new Promise<void>((resolve, reject) => {
    ready = resolve;
    notReady = reject;
  });
  const exited = new Promise<void>((resolve) => worker.once('exit', () => resolve()));
  const state = {
    audited: 0,
    ready: readyPromise,
    check() {
      if (failed) throw failed;
    },
    /** Resolves at the next report (or failure) from the worker. */
    next(): Promise<void> {
      return new Promise<void>((resolve) => (wake = resolve));
    },
    async stop(): Promise<void> {
      worker.postMessage('stop');
      const timeout = setTimeout(() => void worker.terminate(), 10_000);
      await exited;
      clearTimeout(timeout);
    },
  };
  const onFailure = (error: Error) => {
    failed ??= error;
    notReady(error); // nothing once it is ready
    wake?.();
  };
  worker.on('error', onFailure);
  worker.on('exit', (code) => {
    if (code !== 0) onFailure(new Error(`the bare pipeline's receiver exited with ${code}`));
    wake?.();
  });
  worker.on('message', (report: BareReceiverReport) => {
    if ('ready' in report) ready();
    else if ('error' in report) onFailure(new Error(`bare pipeline receiver: ${report.error}`));
    else state.audited = report.audited;
    wake?.();
  });
  return state;
}
