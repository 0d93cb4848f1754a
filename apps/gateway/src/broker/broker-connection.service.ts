import { Injectable, Logger, type OnApplicationShutdown, type OnModuleInit } from '@nestjs/common';
import { connect, type ChannelModel } from 'amqplib';
import { readFileSync } from 'node:fs';
import { type AmqpTarget, MxgConfigService } from '@mxg/config';
import { coalesceWrites, socketOf } from './coalesced-writes';
import { TargetRotation } from './target-rotation';

const RECONNECT_MIN_MS = 500;
const RECONNECT_MAX_MS = 15_000;
/**
 * #16: the socket's buffer (16 KiB by default). Writes are corked per turn (coalesceWrites), and
 * past this many bytes a corked socket says "full", amqplib waits for 'drain' and a relay batch
 * of envelopes would leave in 16 KiB pieces, one turn of the event loop each.
 */
const SOCKET_BUFFER_BYTES = 1024 * 1024;

/**
 * The gateway's connection to RabbitMQ, as its own party's user. Reconnects with capped
 * exponential backoff when the broker goes away; never throws at start-up, so a gateway whose
 * broker is down still starts, accepts work into its outbox and reports `down` on /health.
 */
@Injectable()
export class BrokerConnection implements OnModuleInit, OnApplicationShutdown {
  private readonly logger = new Logger(BrokerConnection.name);
  private connection: ChannelModel | undefined;
  private closing = false;
  private attempt = 0;
  private retryTimer: NodeJS.Timeout | undefined;
  private lastError: string | undefined;
  private readonly listeners: ((connection: ChannelModel) => Promise<void>)[] = [];
  /** #15: the party's node, then the cluster's alternates; a failure moves to the next. */
  private readonly targets: TargetRotation<AmqpTarget>;

  constructor(private readonly config: MxgConfigService) {
    this.targets = new TargetRotation(config.amqpTargets);
  }

  async onModuleInit(): Promise<void> {
    await this.connectOnce();
  }

  /**
   * Runs `listener` on every (re)connection, and at once if connected now: consumers and
   * publishers open their channels there, so they come back by themselves after an outage.
   */
  onConnected(listener: (connection: ChannelModel) => Promise<void>): void {
    this.listeners.push(listener);
    if (this.connection) void this.notify(this.connection, listener);
  }

  get isConnected(): boolean {
    return this.connection !== undefined;
  }

  get lastFailure(): string | undefined {
    return this.lastError;
  }

  /** A short-lived channel to prove the broker answers (used by /health). */
  async ping(): Promise<void> {
    if (!this.connection) throw new Error(this.lastError ?? 'not connected');
    const channel = await this.connection.createChannel();
    await channel.close();
  }

  /**
   * A queue's ready messages and consumers, from a passive declare on a channel of its own (a
   * missing queue closes that channel only). RabbitMQ checks no permission on a passive declare.
   */
  async queueState(queue: string): Promise<{ messageCount: number; consumerCount: number }> {
    if (!this.connection) throw new Error(this.lastError ?? 'not connected to the broker');
    const channel = await this.connection.createChannel();
    channel.on('error', () => undefined);
    try {
      const { messageCount, consumerCount } = await channel.checkQueue(queue);
      return { messageCount, consumerCount };
    } finally {
      await channel.close().catch(() => undefined);
    }
  }

  /**
   * Drops the connection as if its node had failed (e.g. it stopped confirming publishes): the
   * reconnect tries the cluster's next node, and every channel is opened anew there.
   */
  abandon(reason: string): void {
    const connection = this.connection;
    if (!connection) return;
    this.logger.warn(
      `abandoning the broker connection to ${nodeOf(this.targets.current)}: ${reason}`,
    );
    void connection.close().catch(() => undefined);
  }

  async onApplicationShutdown(): Promise<void> {
    this.closing = true;
    clearTimeout(this.retryTimer);
    await this.connection?.close().catch(() => undefined);
    this.connection = undefined;
  }

  private async connectOnce(): Promise<void> {
    try {
      const target = this.targets.current;
      const connection = await connect(withHeartbeat(target.url), {
        ...tlsOptions(target),
        clientProperties: { connection_name: `mxg-gateway-${this.config.gateway.id}` },
        // TCP_NODELAY: amqplib writes a publish as several frames, and with Nagle's algorithm
        // the last one waited for the broker's delayed ACK — every confirm took ≈ 44 ms (1 ms
        // without), which set the floor of end-to-end latency.
        noDelay: true,
        highWaterMark: SOCKET_BUFFER_BYTES,
      });
      // #16: a relay batch's publishes, or a group commit's acks, leave in one socket write.
      const socket = socketOf(connection);
      if (socket) coalesceWrites(socket);
      else this.logger.warn('broker socket not found: AMQP frames are written one by one');
      connection.on('error', (error: Error) =>
        this.logger.warn(`broker connection error: ${error.message}`),
      );
      connection.on('close', () => this.onClosed('connection closed'));
      this.connection = connection;
      this.lastError = undefined;
      this.logger.log(`connected to the broker at ${nodeOf(this.targets.current)}`);
      const ready = await Promise.all(this.listeners.map((l) => this.notify(connection, l)));
      if (ready.every(Boolean)) this.attempt = 0; // back off only while set-up keeps failing
    } catch (error) {
      this.onClosed((error as Error).message);
    }
  }

  private async notify(
    connection: ChannelModel,
    listener: (c: ChannelModel) => Promise<void>,
  ): Promise<boolean> {
    try {
      await listener(connection);
      return true;
    } catch (error) {
      // A channel that cannot be opened (e.g. the queue is missing) is as bad as no broker.
      this.logger.error(`broker set-up failed: ${(error as Error).message}`);
      await connection.close().catch(() => undefined);
      return false;
    }
  }

  private onClosed(reason: string): void {
    this.connection = undefined;
    this.lastError = reason;
    if (this.closing) return;
    const failed = nodeOf(this.targets.current);
    const next = nodeOf(this.targets.failed());
    const delay = Math.min(RECONNECT_MAX_MS, RECONNECT_MIN_MS * 2 ** this.attempt++);
    // "broker unavailable" stays the message's start: operators' alerts and the fault tests match it.
    this.logger.warn(`broker unavailable at ${failed} (${reason}); trying ${next} in ${delay} ms`);
    this.retryTimer = setTimeout(() => void this.connectOnce(), delay);
  }
}

/**
 * AMQP heartbeats (30 s unless the URL sets one): without them amqplib never notices a
 * silent network partition, and the gateway would wait on a dead connection forever.
 */
function withHeartbeat(url: string): string {
  const parsed = new URL(url);
  if (!parsed.searchParams.has('heartbeat')) parsed.searchParams.set('heartbeat', '30');
  return parsed.toString();
}

/**
 * #15: over AMQPS, the broker's certificate must chain to the party's CA and name the host
 * (Node's default checks, `servername`); the gateway shows its TLS client certificate. Read at
 * every connection, so renewed files are used without a restart.
 */
function tlsOptions(target: AmqpTarget): Record<string, unknown> {
  if (!target.tls) return {};
  const { ca, cert, key, servername } = target.tls;
  return {
    ca: [readFileSync(ca)],
    cert: readFileSync(cert),
    key: readFileSync(key),
    servername,
    rejectUnauthorized: true,
  };
}

/** A target's host and port, for logs: never its credentials. */
function nodeOf(target: AmqpTarget): string {
  return new URL(target.url).host;
}
