import { LinkStates } from './link-state';

describe('#15 LinkStates: a link’s state from passive declares of its outgoing queue', () => {
  const t0 = Date.parse('2026-12-06T10:00:00.000Z');

  it('reports a peer not yet checked as unknown, and the gateway as degraded', () => {
    const states = new LinkStates(['AZ']);
    expect(states.report(t0)).toEqual({
      AZ: {
        state: 'unknown',
        messagesWaiting: null,
        since: '2026-12-06T10:00:00.000Z',
        checkedAt: '2026-12-06T10:00:00.000Z',
        message: 'not checked yet',
      },
    });
    expect(states.status()).toBe('degraded');
  });

  it('is up while the link consumes from the queue, with the messages waiting', () => {
    const states = new LinkStates(['AZ', 'KG']);
    states.observe('AZ', { messageCount: 3, consumerCount: 1 }, t0);
    states.observe('KG', { messageCount: 0, consumerCount: 1 }, t0);
    expect(states.report(t0 + 1000).AZ).toEqual({
      state: 'up',
      messagesWaiting: 3,
      since: '2026-12-06T10:00:00.000Z',
      checkedAt: '2026-12-06T10:00:00.000Z',
    });
    expect(states.status()).toBe('ok');
  });

  it('is down without a consumer: since its first such observation, for how long, degraded', () => {
    const states = new LinkStates(['AZ', 'KG']);
    states.observe('AZ', { messageCount: 0, consumerCount: 1 }, t0);
    states.observe('KG', { messageCount: 0, consumerCount: 1 }, t0);
    states.observe('AZ', { messageCount: 5, consumerCount: 0 }, t0 + 5_000);
    states.observe('AZ', { messageCount: 40, consumerCount: 0 }, t0 + 10_000);
    expect(states.report(t0 + 12_500).AZ).toEqual({
      state: 'down',
      messagesWaiting: 40,
      since: '2026-12-06T10:00:05.000Z',
      downForSeconds: 7,
      checkedAt: '2026-12-06T10:00:10.000Z',
    });
    expect(states.report(t0 + 12_500).KG.state).toBe('up');
    expect(states.status()).toBe('degraded');
  });

  it('is up again from the observation that finds the consumer back', () => {
    const states = new LinkStates(['AZ']);
    states.observe('AZ', { messageCount: 40, consumerCount: 0 }, t0);
    states.observe('AZ', { messageCount: 12, consumerCount: 1 }, t0 + 30_000);
    states.observe('AZ', { messageCount: 0, consumerCount: 1 }, t0 + 35_000);
    expect(states.report(t0 + 36_000).AZ).toEqual({
      state: 'up',
      messagesWaiting: 0,
      since: '2026-12-06T10:00:30.000Z',
      checkedAt: '2026-12-06T10:00:35.000Z',
    });
    expect(states.status()).toBe('ok');
  });

  it('is unknown, with the reason, when the queue cannot be checked', () => {
    const states = new LinkStates(['AZ']);
    states.observe('AZ', { messageCount: 0, consumerCount: 1 }, t0);
    states.observe('AZ', { error: 'not connected to the broker' }, t0 + 1000);
    expect(states.report(t0 + 2000).AZ).toEqual({
      state: 'unknown',
      messagesWaiting: null,
      since: '2026-12-06T10:00:01.000Z',
      checkedAt: '2026-12-06T10:00:01.000Z',
      message: 'not connected to the broker',
    });
    expect(states.status()).toBe('degraded');
  });

  it('is ok with no peers at all (a single-party deployment has no links)', () => {
    expect(new LinkStates([]).status()).toBe('ok');
    expect(new LinkStates([]).report(t0)).toEqual({});
  });
});
