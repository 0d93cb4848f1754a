import { LinkStall } from './link-watch';

describe('#15 LinkStall: a link that makes no progress', () => {
  const held = { ready: 40, unacknowledged: 1000, consumers: 1 };

  it('is stalled once its unacknowledged messages stay put for the whole stall time, and gets it again after', () => {
    const stall = new LinkStall(30_000);
    expect(stall.observe(held, 0)).toBe(false);
    expect(stall.observe({ ...held, ready: 60 }, 10_000)).toBe(false); // more waits, none taken
    expect(stall.observe({ ...held, ready: 60 }, 29_999)).toBe(false);
    expect(stall.observe({ ...held, ready: 80 }, 30_000)).toBe(true);
    expect(stall.observe({ ...held, ready: 80 }, 40_000)).toBe(false);
    expect(stall.observe({ ...held, ready: 80 }, 60_000)).toBe(true);
  });

  it('is stalled while the shovel fills up with messages it never gets confirmed (the count only grows)', () => {
    const stall = new LinkStall(30_000);
    expect(stall.observe({ ready: 0, unacknowledged: 3, consumers: 1 }, 0)).toBe(false);
    expect(stall.observe({ ready: 0, unacknowledged: 40, consumers: 1 }, 10_000)).toBe(false);
    expect(stall.observe({ ready: 0, unacknowledged: 90, consumers: 1 }, 20_000)).toBe(false);
    expect(stall.observe({ ready: 0, unacknowledged: 130, consumers: 1 }, 30_000)).toBe(true);
  });

  it('is stalled when messages wait ready and the consuming shovel takes none', () => {
    const stall = new LinkStall(30_000);
    const passedOver = { ready: 5, unacknowledged: 0, consumers: 1 };
    expect(stall.observe(passedOver, 0)).toBe(false);
    expect(stall.observe(passedOver, 30_000)).toBe(true);
  });

  it('is not stalled while anything moves, while nothing waits, or while the link is down', () => {
    const moving = new LinkStall(30_000);
    expect(moving.observe(held, 0)).toBe(false);
    expect(moving.observe({ ...held, unacknowledged: 999 }, 20_000)).toBe(false); // acknowledged
    expect(moving.observe({ ...held, unacknowledged: 999, ready: 39 }, 40_000)).toBe(false); // taken
    expect(moving.observe({ ...held, unacknowledged: 999, ready: 39 }, 69_999)).toBe(false);

    const idle = new LinkStall(30_000);
    const empty = { ready: 0, unacknowledged: 0, consumers: 1 };
    expect(idle.observe(empty, 0)).toBe(false);
    expect(idle.observe(empty, 60_000)).toBe(false);

    const down = new LinkStall(30_000);
    const cut = { ready: 500, unacknowledged: 0, consumers: 0 };
    expect(down.observe(cut, 0)).toBe(false);
    expect(down.observe({ ...cut, ready: 900 }, 60_000)).toBe(false);
  });
});
