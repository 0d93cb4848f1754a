/**
 * #15 scale-out: which node of the party's broker cluster the gateway connects to next. It
 * stays on a node while that node serves it, and when the connection fails or drops moves on
 * to the next one (the configured node, then `amqp.alternates`, round and round), so a gateway
 * whose node died reconnects to a surviving one instead of waiting for the dead one to return.
 */
export class TargetRotation<T> {
  private index = 0;

  constructor(private readonly targets: readonly T[]) {
    if (targets.length === 0) throw new Error('no broker to connect to');
  }

  /** The target to connect to now. */
  get current(): T {
    return this.targets[this.index];
  }

  /** The current target failed (could not connect, or its connection dropped): the next one. */
  failed(): T {
    this.index = (this.index + 1) % this.targets.length;
    return this.current;
  }
}
