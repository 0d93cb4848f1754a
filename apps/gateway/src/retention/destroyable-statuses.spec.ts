import { DESTROYABLE_STATUSES } from './destroyable-statuses';

/** MIG-11.5: a message's content is destroyed only once the exchange no longer needs it. */
describe('DESTROYABLE_STATUSES', () => {
  it('are the settled statuses: never one that is published from or re-sent from', () => {
    expect([...DESTROYABLE_STATUSES].sort()).toEqual([
      'acknowledged',
      'delivered',
      'failed',
      'received',
      'rejected',
    ]);
    expect(DESTROYABLE_STATUSES).not.toContain('accepted');
    expect(DESTROYABLE_STATUSES).not.toContain('published');
  });
});
