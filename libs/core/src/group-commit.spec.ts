import { GroupCommit, type ItemOutcome } from './group-commit';

/** A write that records its batches and completes when told to. */
function recordingWrite<I>(answer: (item: I) => ItemOutcome<string> = (i) => ok(String(i))) {
  const batches: I[][] = [];
  const pending: (() => void)[] = [];
  const write = (batch: readonly I[]) =>
    new Promise<ItemOutcome<string>[]>((resolve) => {
      batches.push([...batch]);
      pending.push(() => resolve(batch.map(answer)));
    });
  const release = async () => {
    while (pending.length > 0) {
      pending.shift()!();
      await new Promise((resolve) => setImmediate(resolve));
    }
  };
  return { batches, write, release };
}

function ok(value: string): ItemOutcome<string> {
  return { ok: true, value };
}

describe(GroupCommit.name, () => {
  it('writes a lone item at once, and groups those that arrive while a write is in flight', async () => {
    const w = recordingWrite<number>();
    const sut = new GroupCommit(w.write, { maxBatch: 10 });
    const first = sut.submit(1);
    const rest = [2, 3, 4].map((i) => sut.submit(i));
    expect(w.batches).toEqual([[1]]);
    expect(sut.waiting).toBe(3);
    await w.release();
    await expect(first).resolves.toBe('1');
    await expect(Promise.all(rest)).resolves.toEqual(['2', '3', '4']);
    expect(w.batches).toEqual([[1], [2, 3, 4]]);
  });

  it('keeps batches within maxBatch by weight, in submission order', async () => {
    const w = recordingWrite<number>();
    const sut = new GroupCommit(w.write, { maxBatch: 5, weight: (i) => i });
    const all = [1, 3, 2, 4, 1].map((i) => sut.submit(i));
    await w.release();
    await Promise.all(all);
    // [1] goes alone; then 3+2 = 5 fills a batch; 4 and 1 make the next.
    expect(w.batches).toEqual([[1], [3, 2], [4, 1]]);
  });

  it('writes an item heavier than maxBatch alone rather than never', async () => {
    const w = recordingWrite<number>();
    const sut = new GroupCommit(w.write, { maxBatch: 2, weight: (i) => i });
    const all = [1, 7, 1].map((i) => sut.submit(i));
    await w.release();
    await expect(Promise.all(all)).resolves.toEqual(['1', '7', '1']);
    expect(w.batches).toEqual([[1], [7], [1]]);
  });

  it('holds back an item that may not join, for a later batch', async () => {
    const w = recordingWrite<string>();
    const sut = new GroupCommit(w.write, {
      maxBatch: 10,
      canJoin: (batch, item) => !batch.includes(item),
    });
    const all = ['x', 'a', 'b', 'a', 'c'].map((i) => sut.submit(i));
    await w.release();
    await Promise.all(all);
    expect(w.batches).toEqual([['x'], ['a', 'b', 'c'], ['a']]);
  });

  it('settles each item with its own outcome', async () => {
    const w = recordingWrite<number>((i) =>
      i % 2 === 0 ? { ok: false, error: new Error(`odd one out: ${i}`) } : ok(String(i)),
    );
    const sut = new GroupCommit(w.write, { maxBatch: 10 });
    sut.submit(0).catch(() => undefined);
    const results = Promise.allSettled([1, 2, 3].map((i) => sut.submit(i)));
    await w.release();
    const [one, two, three] = await results;
    expect(one).toEqual({ status: 'fulfilled', value: '1' });
    expect(two).toMatchObject({ status: 'rejected', reason: new Error('odd one out: 2') });
    expect(three).toEqual({ status: 'fulfilled', value: '3' });
  });

  it('fails every item of a batch whose write throws, and goes on with the next', async () => {
    let calls = 0;
    const sut = new GroupCommit<number, string>(
      (batch) => {
        calls++;
        return calls === 1
          ? Promise.reject(new Error('database down'))
          : Promise.resolve(batch.map((i) => ok(String(i))));
      },
      { maxBatch: 10 },
    );
    const failed = sut.submit(1);
    await expect(failed).rejects.toThrow('database down');
    await expect(sut.submit(2)).resolves.toBe('2');
  });

  it('fails the batch when write returns the wrong number of outcomes', async () => {
    const sut = new GroupCommit<number, string>(() => Promise.resolve([]), { maxBatch: 10 });
    await expect(sut.submit(1)).rejects.toThrow('0 outcomes for 1 items');
  });
});
