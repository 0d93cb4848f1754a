/** What `write` says of one item of a batch: its result, or why it alone failed. */
export type ItemOutcome<R> =
  { readonly ok: true; readonly value: R } | { readonly ok: false; readonly error: unknown };

export interface GroupCommitOptions<I> {
  /** Largest batch, in `weight` units (default: items). */
  readonly maxBatch: number;
  /** How much of `maxBatch` an item takes (e.g. its rows); default 1. */
  readonly weight?: (item: I) => number;
  /**
   * Whether `item` may go into `batch` (e.g. not two items with the same key in one
   * statement); one that may not waits, in order, for a later batch. Default: always.
   */
  readonly canJoin?: (batch: readonly I[], item: I) => boolean;
}

interface Waiting<I, R> {
  readonly item: I;
  resolve(value: R): void;
  reject(error: unknown): void;
}

/**
 * Group commit: items submitted while a write is in flight go out together in the next one, so
 * throughput is bounded by items per write rather than by one write (a statement and a WAL
 * flush) per item, and a lone item goes at once — no timer, no added latency at low load.
 * `write` takes a batch in submission order and returns one outcome per item, so that one bad
 * item need not fail the others; if `write` throws, every item of that batch fails with it.
 * Each `submit` settles only with its own item's outcome.
 */
export class GroupCommit<I, R> {
  private queue: Waiting<I, R>[] = [];
  private flushing = false;

  constructor(
    private readonly write: (batch: readonly I[]) => Promise<readonly ItemOutcome<R>[]>,
    private readonly options: GroupCommitOptions<I>,
  ) {}

  submit(item: I): Promise<R> {
    return new Promise<R>((resolve, reject) => {
      this.queue.push({ item, resolve, reject });
      if (!this.flushing) {
        this.flushing = true;
        void this.flush();
      }
    });
  }

  /** Items waiting for a write, not counting those being written. */
  get waiting(): number {
    return this.queue.length;
  }

  private async flush(): Promise<void> {
    while (this.queue.length > 0) {
      const batch = this.take();
      const items = batch.map((w) => w.item);
      let outcomes: readonly ItemOutcome<R>[];
      try {
        outcomes = await this.write(items);
        if (outcomes.length !== batch.length) {
          throw new Error(`group commit: ${outcomes.length} outcomes for ${batch.length} items`);
        }
      } catch (error) {
        for (const w of batch) w.reject(error);
        continue;
      }
      batch.forEach((w, i) => {
        const outcome = outcomes[i];
        if (outcome.ok) w.resolve(outcome.value);
        else w.reject(outcome.error);
      });
    }
    this.flushing = false;
  }

  /** The next batch: waiting items in order, up to maxBatch, skipping those that cannot join. */
  private take(): Waiting<I, R>[] {
    const { maxBatch, weight = () => 1, canJoin = () => true } = this.options;
    const batch: Waiting<I, R>[] = [];
    const items: I[] = [];
    const left: Waiting<I, R>[] = [];
    let size = 0;
    for (const waiting of this.queue) {
      const w = weight(waiting.item);
      const joins =
        batch.length === 0 ||
        (size < maxBatch && size + w <= maxBatch && canJoin(items, waiting.item));
      if (joins) {
        batch.push(waiting);
        items.push(waiting.item);
        size += w;
      } else {
        left.push(waiting);
      }
    }
    this.queue = left;
    return batch;
  }
}
