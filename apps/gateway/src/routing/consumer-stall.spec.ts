import { ConsumerStall } from './consumer-stall';

describe('#15 ConsumerStall', () => {
  const idle = { msSinceDelivery: 15_000, inHand: 0, ready: 3 };

  it('is stalled when messages wait and none arrives on two checks in a row, then starts over', () => {
    const stall = new ConsumerStall(15_000);
    expect(stall.observe(idle)).toBe(false);
    expect(stall.observe(idle)).toBe(true);
    expect(stall.observe(idle)).toBe(false);
    expect(stall.observe(idle)).toBe(true);
  });

  it('is not stalled while nothing waits, while deliveries are in hand, or after a recent delivery', () => {
    const stall = new ConsumerStall(15_000);
    for (const now of [
      { ...idle, ready: 0 },
      { ...idle, inHand: 1 },
      { ...idle, msSinceDelivery: 14_999 },
    ]) {
      expect(stall.observe(idle)).toBe(false);
      expect(stall.observe(now)).toBe(false); // breaks the row
      expect(stall.observe(idle)).toBe(false);
      expect(stall.observe(now)).toBe(false);
    }
  });
});
