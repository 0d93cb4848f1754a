import { createServer, type Server, type Socket, connect as tcpConnect } from 'node:net';

/**
 * A TCP relay between a client and `target`, for cutting a network link for real: it forwards
 * bytes and nothing else, so it works for AMQP and AMQPS alike (TLS runs end to end through it,
 * the certificates and host names are the client's and the target's business).
 */
export interface TcpProxy {
  /** The port on 127.0.0.1 that clients connect to. */
  readonly port: number;
  /** Relayed connections open now. */
  readonly connections: number;
  /** Whether the link is cut. */
  readonly isCut: boolean;
  /**
   * Cuts the link: every relayed connection is reset (both sides see the connection die, as
   * with a broken network), and every new one is reset at once until `restore()`.
   */
  cut(): void;
  /** Lets connections through again. */
  restore(): void;
  /** Stops listening and resets every connection. */
  close(): Promise<void>;
}

/** Starts a proxy on 127.0.0.1 (a free port unless `port` is given) relaying to `target`. */
export async function startTcpProxy(
  target: { host: string; port: number },
  port = 0,
): Promise<TcpProxy> {
  const pairs = new Set<[Socket, Socket]>();
  let cut = false;

  const server: Server = createServer((client) => {
    if (cut) {
      reset(client);
      return;
    }
    client.setNoDelay(true);
    const upstream = tcpConnect({ host: target.host, port: target.port, noDelay: true });
    const pair: [Socket, Socket] = [client, upstream];
    pairs.add(pair);
    const end = () => {
      pairs.delete(pair);
      client.destroy();
      upstream.destroy();
    };
    // A reset on one side is passed on as a reset, not a polite close: the peer must not take
    // a broken link for an orderly shutdown.
    client.on('error', end).on('close', end);
    upstream.on('error', end).on('close', end);
    client.pipe(upstream);
    upstream.pipe(client);
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('proxy has no TCP port');

  const resetAll = () => {
    for (const pair of pairs) {
      pairs.delete(pair);
      for (const socket of pair) reset(socket);
    }
  };

  return {
    port: address.port,
    get connections() {
      return pairs.size;
    },
    get isCut() {
      return cut;
    },
    cut() {
      cut = true;
      resetAll();
    },
    restore() {
      cut = false;
    },
    close: () =>
      new Promise<void>((resolve) => {
        cut = true;
        resetAll();
        server.close(() => resolve());
      }),
  };
}

/** Ends a connection with a TCP reset (a socket still connecting has none to send: destroyed). */
function reset(socket: Socket): void {
  if (socket.destroyed) return;
  try {
    socket.resetAndDestroy();
  } catch {
    socket.destroy();
  }
}
