import { GroupCommit } from '@mxg/core';

/**
 * How much one group-committed statement holds: at most this many audit entries (an item weighs
 * its entries, at least 1), well under auditEntriesJoining's 100.
 */
export const MAX_BATCH_WEIGHT = 64;

/**
 * Group commit for one of the store's writes (see ExchangeStore.insertMessage): a batch of
 * distinct messages in one statement, of at most MAX_BATCH_WEIGHT audit entries; if the batch
 * fails, each item is tried alone, so that one item's fault is that item's error only.
 */
export function messageGroupCommit<I, R>(
  write: (batch: readonly I[]) => Promise<R[]>,
  weight: (item: I) => number,
  messageId: (item: I) => string,
): GroupCommit<I, R> {
  const alone = (item: I) =>
    write([item]).then(
      ([value]) => ({ ok: true, value }) as const,
      (error: unknown) => ({ ok: false, error }) as const,
    );
  return new GroupCommit<I, R>(
    async (batch) => {
      if (batch.length > 1) {
        try {
          return (await write(batch)).map((value) => ({ ok: true, value }) as const);
        } catch {
          // Below, each alone: the one at fault fails with its own error.
        }
      }
      return Promise.all(batch.map(alone));
    },
    {
      maxBatch: MAX_BATCH_WEIGHT,
      weight,
      canJoin: (batch, item) => !batch.some((other) => messageId(other) === messageId(item)),
    },
  );
}
