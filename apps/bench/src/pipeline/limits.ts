import { constants, type KeyObject, randomBytes, randomUUID, sign, verify } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import type { ChannelModel, ConfirmChannel } from 'amqplib';
import { Pool } from 'pg';
import type { SignatureScheme } from '@mxg/cms';
import type { MxgConfigService } from '@mxg/config';
import { runMigrations } from '@mxg/database';
import { FileDataKeyWrapper, sealMessageContent, signatureSchemeFor } from '@mxg/envelope';
// The gateway's own statement and outbox row: the limit is MXG's insert pattern, not a copy.
import type { SealedInsert } from '../../../gateway/src/exchange/store/exchange-store.types';
import { insertMessagesStatement } from '../../../gateway/src/exchange/store/insert-messages.statement';
import { envelopeEntry } from '../../../gateway/src/exchange/outbox-entries';
import { benchHeader } from '../bench-request-body';
import { contentCryptoPrimitives } from '../content-crypto-primitives';
import { rawKeyPairs } from '../raw-key-files';
import { CpuSampler } from './cpu-sampler';
import { createBenchDatabase } from './gateway-processes';

/** What a CMS signature's key operation signs: the DER of the signed attributes (≈ 200 bytes). */
const SIGNED_ATTRIBUTES_BYTES = 200;
const MESSAGE_BYTES = 2048;

/** node:crypto operations per second, one core, for the algorithms MXG is configured with. */
export interface CryptoLimits {
  readonly scheme: string;
  readonly opsPerSecond: Record<CryptoOperation, number>;
  /** The primitives one delivered message cannot do without, in µs of one core. */
  readonly unavoidableMicros: number;
}

export type CryptoOperation =
  | 'inner sign (signatory)'
  | 'inner verify'
  | 'outer sign (seal)'
  | 'outer verify'
  | 'key wrap (RSA-OAEP)'
  | 'key unwrap (RSA-OAEP)'
  | 'encrypt 2 KiB (AES-256-CBC)'
  | 'decrypt 2 KiB (AES-256-CBC)';

/**
 * How often each primitive runs per delivered message: KZ signs (signatory), encrypts and
 * seals; AZ verifies the seal, decrypts, verifies the signatory and seals a receipt; KZ verifies
 * the receipt's seal. The RSA-OAEP wrap and unwrap are not per message: a content key serves a
 * receiving gateway for `contentKeyReuseSeconds` (ContentKeyReuse), so the receiver unwraps it
 * once — they are measured, and left out of the sum.
 */
const PER_MESSAGE: Record<CryptoOperation, number> = {
  'inner sign (signatory)': 1,
  'inner verify': 1,
  'outer sign (seal)': 2,
  'outer verify': 2,
  'key wrap (RSA-OAEP)': 0,
  'key unwrap (RSA-OAEP)': 0,
  'encrypt 2 KiB (AES-256-CBC)': 1,
  'decrypt 2 KiB (AES-256-CBC)': 1,
};

export async function measureCrypto(
  config: MxgConfigService,
  certsDir: string,
  budgetMs: number,
): Promise<CryptoLimits> {
  // The primitives alone, on the development key files (the gateway's keys are operations).
  const [signatory, seal, encryption] = await rawKeyPairs(certsDir, [
    { party: 'KZ', key: { signatory: 'kz-mvd-deputy-minister' } },
    { party: 'KZ', key: 'seal' },
    { party: 'AZ', key: 'encryption' },
  ]);
  const policy = config.treaty.agreement('MIG').algorithms;
  const scheme = signatureSchemeFor(signatory.certificate.publicKey, policy);
  const sealScheme = signatureSchemeFor(seal.certificate.publicKey, policy);
  const attributes = randomBytes(SIGNED_ATTRIBUTES_BYTES);
  const signer = (s: SignatureScheme, key: KeyObject) => {
    const [hash, options] = signParameters(s);
    return () => sign(hash, attributes, { key, ...options });
  };
  const innerSignature = sign(signParameters(scheme)[0], attributes, {
    key: signatory.privateKey,
    ...signParameters(scheme)[1],
  });
  const outerSignature = sign(signParameters(sealScheme)[0], attributes, {
    key: seal.privateKey,
    ...signParameters(sealScheme)[1],
  });
  const content = contentCryptoPrimitives(
    { publicKey: encryption.certificate.publicKey, privateKey: encryption.privateKey },
    MESSAGE_BYTES,
  );

  const operations: Record<CryptoOperation, () => unknown> = {
    'inner sign (signatory)': signer(scheme, signatory.privateKey),
    'inner verify': () =>
      verify(
        signParameters(scheme)[0],
        attributes,
        { key: signatory.certificate.publicKey, ...signParameters(scheme)[1] },
        innerSignature,
      ),
    'outer sign (seal)': signer(sealScheme, seal.privateKey),
    'outer verify': () =>
      verify(
        signParameters(sealScheme)[0],
        attributes,
        { key: seal.certificate.publicKey, ...signParameters(sealScheme)[1] },
        outerSignature,
      ),
    'key wrap (RSA-OAEP)': content.wrap,
    'key unwrap (RSA-OAEP)': content.unwrap,
    'encrypt 2 KiB (AES-256-CBC)': content.encrypt,
    'decrypt 2 KiB (AES-256-CBC)': content.decrypt,
  };
  const opsPerSecond = {} as Record<CryptoOperation, number>;
  for (const [name, op] of Object.entries(operations) as [CryptoOperation, () => unknown][]) {
    opsPerSecond[name] = opsPerSecondOf(op, budgetMs);
  }
  const unavoidableMicros = (Object.keys(PER_MESSAGE) as CryptoOperation[]).reduce(
    (sum, op) => sum + (PER_MESSAGE[op] * 1e6) / opsPerSecond[op],
    0,
  );
  return {
    scheme: scheme === sealScheme ? scheme : `${scheme} / ${sealScheme}`,
    opsPerSecond,
    unavoidableMicros,
  };
}

function signParameters(
  scheme: SignatureScheme,
): [string, { padding?: number; saltLength?: number; dsaEncoding?: 'der' }] {
  switch (scheme) {
    case 'ecdsa-sha256':
      return ['sha256', { dsaEncoding: 'der' }];
    case 'ecdsa-sha384':
      return ['sha384', { dsaEncoding: 'der' }];
    case 'rsa-pss-sha256':
      return ['sha256', { padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: 32 }];
    case 'rsa-pkcs1-sha256':
      return ['sha256', { padding: constants.RSA_PKCS1_PADDING }];
  }
}

/**
 * Operations per CPU second of this thread (user + system), not per wall second: on a shared
 * machine the wall clock also counts the time other processes held the core.
 */
function opsPerSecondOf(op: () => unknown, budgetMs: number): number {
  for (let i = 0; i < 20; i++) op(); // warm
  let n = 0;
  const cpu = process.cpuUsage();
  const deadline = performance.now() + budgetMs;
  while (performance.now() < deadline) {
    for (let i = 0; i < 10; i++) op();
    n += 10;
  }
  const used = process.cpuUsage(cpu);
  return n / ((used.user + used.system) / 1e6);
}

/** RabbitMQ: persistent, confirmed publish → manual-ack consume of 2 KiB on a quorum queue. */
export interface BrokerLimits {
  readonly messagesPerSecond: number;
  /** CPU (broker + AMQP client) per message, µs. */
  readonly cpuMicrosPerMessage: number;
  readonly brokerMicrosPerMessage: number;
}

const BROKER_WINDOW = 512;
const BROKER_PREFETCH = 256;

export async function measureBroker(
  /** A new administrator's connection to the vhost measured in (TLS as the gateway's). */
  connectAdmin: (socket: Record<string, unknown>) => Promise<ChannelModel>,
  sampler: CpuSampler,
  durationMs: number,
): Promise<BrokerLimits> {
  const queue = `mxg.bench.limit.${randomUUID()}`;
  // As the gateway connects (TCP_NODELAY; see BrokerConnection).
  const publisherConnection = await connectAdmin({ noDelay: true });
  const consumerConnection = await connectAdmin({ noDelay: true });
  try {
    const admin = await publisherConnection.createChannel();
    await admin.assertQueue(queue, { durable: true, arguments: { 'x-queue-type': 'quorum' } });
    await admin.close();
    const consumer = await consumerConnection.createChannel();
    await consumer.prefetch(BROKER_PREFETCH);
    let consumed = 0;
    await consumer.consume(
      queue,
      (delivery) => {
        if (!delivery) return;
        consumer.ack(delivery);
        consumed++;
      },
      { noAck: false },
    );
    const publisher: ConfirmChannel = await publisherConnection.createConfirmChannel();
    const payload = randomBytes(MESSAGE_BYTES);
    let inFlight = 0;
    let failed: Error | undefined;
    let wake: (() => void) | undefined;
    const publishOne = () => {
      inFlight++;
      publisher.sendToQueue(
        queue,
        payload,
        { persistent: true, messageId: randomUUID(), contentType: 'application/octet-stream' },
        (error: unknown) => {
          inFlight--;
          if (error) failed ??= new Error('the broker nacked a message');
          wake?.();
        },
      );
    };
    const run = async (ms: number) => {
      const deadline = performance.now() + ms;
      while (performance.now() < deadline) {
        if (failed) throw failed;
        while (inFlight < BROKER_WINDOW) publishOne();
        await new Promise<void>((resolve) => (wake = resolve));
      }
    };
    await run(Math.min(500, durationMs / 4)); // warm: the queue's leader, the channel, the JIT
    const consumedBefore = consumed;
    const cpuBefore = await sampler.sample();
    const started = performance.now();
    await run(durationMs);
    const seconds = (performance.now() - started) / 1000;
    const cpu = CpuSampler.between(cpuBefore, await sampler.sample());
    const n = consumed - consumedBefore;
    await publisher.waitForConfirms();
    await publisher.close();
    await consumer.close();
    const cleanup = await publisherConnection.createChannel();
    await cleanup.deleteQueue(queue);
    await cleanup.close();
    return {
      messagesPerSecond: n / seconds,
      cpuMicrosPerMessage: ((cpu.RabbitMQ + cpu['load generator']) * 1e6) / n,
      brokerMicrosPerMessage: (cpu.RabbitMQ * 1e6) / n,
    };
  } finally {
    await publisherConnection.close().catch(() => undefined);
    await consumerConnection.close().catch(() => undefined);
  }
}

/**
 * PostgreSQL: MXG's own insert pattern — the statement a submit writes (message, content with its
 * envelope, its data key, outbox row, one audit entry), built by the gateway's own builder, autocommitted,
 * one message per statement (a lone request) or `messagesPerStatement` together (what the
 * gateway's group commit makes of concurrent requests).
 */
export interface DatabaseLimits {
  readonly clients: number;
  readonly messagesPerStatement: number;
  readonly messagesPerSecond: number;
  readonly rowsPerSecond: number;
  /** CPU (PostgreSQL + client) per message's inserts, µs. */
  readonly cpuMicrosPerMessage: number;
  readonly postgresMicrosPerMessage: number;
}

const ROWS_PER_MESSAGE = 5;

export async function measureDatabase(
  config: MxgConfigService,
  sampler: CpuSampler,
  durationMs: number,
  messagesPerStatement = 1,
  clients = 4,
): Promise<DatabaseLimits> {
  const db = await createBenchDatabase(config, 'mxg_bench_limit');
  try {
    await runMigrations(db.ownerUrl);
    const pool = new Pool({ connectionString: db.appUrl, max: clients });
    let connectionError: Error | undefined;
    pool.on('error', (error) => (connectionError ??= error));
    try {
      const content = randomBytes(MESSAGE_BYTES);
      const signed = randomBytes(MESSAGE_BYTES + 700);
      const envelope = randomBytes(MESSAGE_BYTES + 1800);
      const digest = `sha256:${'0'.repeat(64)}`;
      // Content encrypted at rest as the gateway does it (MIG-11.4): its CPU is the load generator's.
      const keys = FileDataKeyWrapper.fromKey(randomBytes(32));
      const message = async (): Promise<SealedInsert> => {
        const id = randomUUID();
        const at = new Date();
        const header = benchHeader(id, at);
        const common = {
          actor: { authority: 'KZ-MVD', role: 'publisher', user: 'kz-mvd-system' },
          messageId: id,
          correlationId: id,
          parties: ['KZ', 'AZ'],
          agreement: 'MIG',
          contentDigest: digest,
        };
        return {
          sealed: await sealMessageContent(keys, id, { content, signed }),
          message: {
            header,
            direction: 'outgoing',
            digest,
            signatoryId: 'kz-mvd-deputy-minister',
            status: 'accepted',
            at,
            content,
            signed,
            envelope,
            submittedBy: 'kz-mvd-system',
            requestDigest: digest,
          },
          also: {
            outbox: envelopeEntry(header, at),
            audit: [
              {
                type: 'message.submitted',
                ...common,
                details: { type: 'request', signatory: 'kz-mvd-deputy-minister' },
              },
            ],
          },
        };
      };
      let statements = 0;
      const run = async (ms: number) => {
        const deadline = performance.now() + ms;
        await Promise.all(
          Array.from({ length: clients }, async () => {
            while (performance.now() < deadline) {
              if (connectionError) throw connectionError;
              const { text, parameters } = insertMessagesStatement(
                await Promise.all(Array.from({ length: messagesPerStatement }, message)),
              );
              await pool.query(text, parameters);
              statements++;
            }
          }),
        );
      };
      await run(Math.min(500, durationMs / 4));
      const before = statements;
      const cpuBefore = await sampler.sample();
      const started = performance.now();
      await run(durationMs);
      const seconds = (performance.now() - started) / 1000;
      const cpu = CpuSampler.between(cpuBefore, await sampler.sample());
      const n = (statements - before) * messagesPerStatement;
      return {
        clients,
        messagesPerStatement,
        messagesPerSecond: n / seconds,
        rowsPerSecond: (n * ROWS_PER_MESSAGE) / seconds,
        cpuMicrosPerMessage: ((cpu.PostgreSQL + cpu['load generator']) * 1e6) / n,
        postgresMicrosPerMessage: (cpu.PostgreSQL * 1e6) / n,
      };
    } finally {
      await pool.end();
    }
  } finally {
    await db.drop();
  }
}
