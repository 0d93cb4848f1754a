/**
 * Whether the inbox consumer is stalled (#15): messages wait ready in the inbox, yet none has
 * reached this consumer for a whole check interval while it had nothing in hand — on several
 * checks in a row. A healthy consumer with free prefetch is never passed over by the queue.
 *
 * Why it can happen: RabbitMQ 3.10 (Debian 12's) may never tell a consumer that registered while
 * a quorum queue was electing a new leader (a cluster node killed) about that leader, and the
 * consumer then waits forever. Re-consuming on a new connection ends it.
 */
export class ConsumerStall {
  private inARow = 0;

  constructor(
    private readonly intervalMs: number,
    private readonly checksInARow = 2,
  ) {}

  /** One check; true when the consumer should be started anew (and the count starts over). */
  observe(now: { msSinceDelivery: number; inHand: number; ready: number }): boolean {
    const passedOver = now.ready > 0 && now.inHand === 0 && now.msSinceDelivery >= this.intervalMs;
    this.inARow = passedOver ? this.inARow + 1 : 0;
    if (this.inARow < this.checksInARow) return false;
    this.inARow = 0;
    return true;
  }
}
