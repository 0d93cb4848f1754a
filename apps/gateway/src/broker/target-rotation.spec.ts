import { TargetRotation } from './target-rotation';

describe('#15 TargetRotation: the gateway fails over between the nodes of its broker cluster', () => {
  it('starts with the configured node and stays on it while it serves', () => {
    const rotation = new TargetRotation(['c1', 'c2', 'c3']);
    expect(rotation.current).toBe('c1');
    expect(rotation.current).toBe('c1');
  });

  it('moves to the node after the one that failed, and wraps around to the first', () => {
    const rotation = new TargetRotation(['c1', 'c2', 'c3']);
    expect(rotation.failed()).toBe('c2');
    expect(rotation.current).toBe('c2');
    expect(rotation.failed()).toBe('c3');
    expect(rotation.failed()).toBe('c1');
    expect(rotation.failed()).toBe('c2');
  });

  it('keeps retrying the only node of a single-node broker', () => {
    const rotation = new TargetRotation(['rabbit']);
    expect(rotation.failed()).toBe('rabbit');
    expect(rotation.current).toBe('rabbit');
  });

  it('refuses an empty list instead of connecting to nothing', () => {
    expect(() => new TargetRotation([])).toThrow('no broker to connect to');
  });
});
