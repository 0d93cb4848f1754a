/**
 * The state of this party's links to its peers, as the gateway sees them from its own broker
 * (#15: "the link's state is visible in /health").
 *
 * A link is RabbitMQ's shovel from this party's queue `mxg.outgoing.<peer>` to the peer's
 * broker. The shovel consumes from that queue only once it holds a connection to the peer's
 * broker too (measured on RabbitMQ 3.10: the consumer count is 0 from the moment the
 * destination is cut until the shovel has reconnected to it), so a passive declare of the queue
 * tells both things the gateway's user may know without any right on the shovel: whether the
 * link runs (a consumer) and how many messages wait for it.
 */

/** `unknown`: the queue could not be checked (no broker connection, no such queue). */
export type LinkStatus = 'up' | 'down' | 'unknown';

/** What one passive declare of `mxg.outgoing.<peer>` answered, or why it could not. */
export type LinkObservation =
  { readonly messageCount: number; readonly consumerCount: number } | { readonly error: string };

export interface LinkReport {
  readonly state: LinkStatus;
  /** Messages in the outgoing queue waiting for the link (ready, not yet on the wire). */
  readonly messagesWaiting: number | null;
  /** Since when this gateway has seen the link in this state (its first such observation). */
  readonly since: string;
  /** While down: for how long, in whole seconds (monitoring alerts on it). */
  readonly downForSeconds?: number;
  /** When the link was last checked. */
  readonly checkedAt: string;
  /** Why the state is unknown. */
  readonly message?: string;
}

interface Tracked {
  state: LinkStatus;
  since: number;
  messagesWaiting: number | null;
  checkedAt: number;
  message?: string;
}

/** The peers' link states, kept from one observation to the next (for `since`). */
export class LinkStates {
  private readonly links = new Map<string, Tracked>();

  constructor(readonly peers: readonly string[]) {}

  /** Records what the check of `peer`'s link found at `now` (ms since the epoch). */
  observe(peer: string, observation: LinkObservation, now: number): void {
    const state: LinkStatus =
      'error' in observation ? 'unknown' : observation.consumerCount > 0 ? 'up' : 'down';
    const previous = this.links.get(peer);
    this.links.set(peer, {
      state,
      since: previous?.state === state ? previous.since : now,
      messagesWaiting: 'error' in observation ? null : observation.messageCount,
      checkedAt: now,
      ...('error' in observation ? { message: observation.error } : {}),
    });
  }

  /** Every peer's link by party code; a peer not yet checked is `unknown`. */
  report(now: number): Record<string, LinkReport> {
    return Object.fromEntries(
      this.peers.map((peer) => {
        const link = this.links.get(peer) ?? {
          state: 'unknown' as const,
          since: now,
          messagesWaiting: null,
          checkedAt: now,
          message: 'not checked yet',
        };
        return [
          peer,
          {
            state: link.state,
            messagesWaiting: link.messagesWaiting,
            since: new Date(link.since).toISOString(),
            ...(link.state === 'down'
              ? { downForSeconds: Math.floor((now - link.since) / 1000) }
              : {}),
            checkedAt: new Date(link.checkedAt).toISOString(),
            ...(link.message === undefined ? {} : { message: link.message }),
          },
        ];
      }),
    );
  }

  /** `degraded` while any link is not up: the gateway still accepts work, which waits. */
  status(): 'ok' | 'degraded' {
    return this.peers.every((p) => this.links.get(p)?.state === 'up') ? 'ok' : 'degraded';
  }
}
