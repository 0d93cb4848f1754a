import type { Rabbitmqctl } from './rabbitmqctl';

/** One link: the shovel `name`, defined in `vhost`, that empties the outgoing queue `queue`. */
export interface WatchedLink {
  readonly vhost: string;
  readonly name: string;
  readonly queue: string;
}

/** An outgoing queue as rabbitmqctl lists it. */
export interface QueueDepth {
  readonly ready: number;
  readonly unacknowledged: number;
  /** The shovel, while it holds its source and destination; 0 while the link is down. */
  readonly consumers: number;
}

/**
 * Whether a link makes no progress (#15): messages wait in its outgoing queue — ready, or
 * delivered to the shovel and not yet acknowledged — and for `stallMs` neither count ever fell
 * (nothing acknowledged, nothing more taken than came in), though the shovel consumes.
 * rabbitmqctl shows no acknowledgement counter, so this reads progress from the counts alone:
 * a healthy link whose backlog keeps growing for the whole time, or whose counts happen never
 * to fall between looks, is restarted too — it then re-sends what it had in flight, which the
 * receiver deduplicates; cheap next to a link that waits forever. A link that is down (no consumer: the peer unreachable) is not stalled — it
 * reconnects by itself.
 *
 * Why: RabbitMQ 3.10 (Debian 12's) may never tell a client that registered with a quorum queue
 * while it was electing a new leader (a node of the peer's cluster killed) about that leader; a
 * shovel then waits forever for the destination's confirms, or for deliveries — measured in
 * test/broker-cluster.e2e-spec.ts in about a third of the runs. A restarted shovel registers
 * anew and re-sends what it had not had confirmed (the receiver deduplicates).
 */
export class LinkStall {
  private last: QueueDepth | undefined;
  private stuckSince: number | undefined;

  constructor(private readonly stallMs: number) {}

  /** One look at the queue at `now` (ms); true when the link should be restarted. */
  observe(depth: QueueDepth, now: number): boolean {
    const last = this.last;
    this.last = depth;
    const waiting = depth.consumers > 0 && depth.ready + depth.unacknowledged > 0;
    // Progress is any fall: of the unacknowledged count (the destination confirmed, the source
    // was acknowledged) or of the ready count (the shovel took more).
    const still =
      last !== undefined &&
      depth.unacknowledged >= last.unacknowledged &&
      depth.ready >= last.ready;
    if (!waiting || !still) {
      this.stuckSince = waiting ? now : undefined;
      return false;
    }
    this.stuckSince ??= now;
    if (now - this.stuckSince < this.stallMs) return false;
    this.stuckSince = now; // a restarted link gets the whole time again
    return true;
  }
}

export interface LinkWatch {
  stop(): Promise<void>;
}

/**
 * Watches a broker's links every `intervalMs` and restarts (`rabbitmqctl restart_shovel`) one
 * that is stalled ({@link LinkStall}). `ctls` reach the broker — for a cluster, one per node,
 * tried in turn, so the watch outlives any one node. What it does goes to `log`.
 */
export function watchLinks(options: {
  ctls: readonly Rabbitmqctl[];
  links: readonly WatchedLink[];
  intervalMs?: number;
  stallMs?: number;
  log: (line: string) => void;
}): LinkWatch {
  const intervalMs = options.intervalMs ?? 10_000;
  const stallMs = options.stallMs ?? 60_000;
  const stalls = new Map(options.links.map((l) => [l, new LinkStall(stallMs)]));
  let stopped = false;
  let wake: (() => void) | undefined;

  /** The first node that answers runs the command. */
  const run = async <T>(act: (ctl: Rabbitmqctl) => Promise<T>): Promise<T> => {
    let failure: unknown;
    for (const ctl of options.ctls) {
      try {
        return await act(ctl);
      } catch (error) {
        failure = error;
      }
    }
    throw failure;
  };

  const lookOnce = async () => {
    for (const vhost of new Set(options.links.map((l) => l.vhost))) {
      const queues = await run((ctl) =>
        ctl.json<
          {
            name: string;
            messages_ready: number;
            messages_unacknowledged: number;
            consumers: number;
          }[]
        >([
          'list_queues',
          '-p',
          vhost,
          'name',
          'messages_ready',
          'messages_unacknowledged',
          'consumers',
        ]),
      );
      for (const link of options.links.filter((l) => l.vhost === vhost)) {
        const queue = queues.find((q) => q.name === link.queue);
        if (!queue) continue;
        const depth = {
          ready: queue.messages_ready,
          unacknowledged: queue.messages_unacknowledged,
          consumers: queue.consumers,
        };
        if (!stalls.get(link)!.observe(depth, Date.now())) continue;
        await run((ctl) => ctl.run(['restart_shovel', '-p', vhost, link.name]));
        options.log(
          `link ${link.name} in ${vhost} made no progress for ${stallMs / 1000} s ` +
            `(${depth.unacknowledged} unacknowledged, ${depth.ready} waiting): restarted`,
        );
      }
    }
  };

  const loop = (async () => {
    while (!stopped) {
      await lookOnce().catch((error: Error) =>
        options.log(`link watch: cannot look at the broker now: ${error.message}`),
      );
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, intervalMs);
        wake = () => {
          clearTimeout(timer);
          resolve();
        };
      });
    }
  })();

  return {
    stop: async () => {
      stopped = true;
      wake?.();
      await loop;
    },
  };
}
