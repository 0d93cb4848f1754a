import type { AuditEventType } from '@mxg/audit';
import {
  fromStatuses,
  initialStatus,
  MESSAGE_ARRIVALS,
  MESSAGE_STATUSES,
  MESSAGE_STATUSES_BY_DIRECTION,
  MESSAGE_TRANSITIONS,
  type MessageStatus,
  type MessageTrigger,
  messageTransition,
  targetStatus,
  transition,
  transitionAudit,
} from './message-lifecycle';

/** Written out by hand, apart from the table: a change to the table must change this too. */
const ALLOWED: readonly [MessageTrigger, MessageStatus, MessageStatus][] = [
  ['publish', 'accepted', 'published'],
  ['publish', 'published', 'published'],
  ['resend', 'published', 'published'],
  ['give-up', 'published', 'failed'],
  ['receipt-accepted', 'accepted', 'delivered'],
  ['receipt-accepted', 'published', 'delivered'],
  ['receipt-accepted', 'failed', 'delivered'],
  ['receipt-rejected', 'accepted', 'rejected'],
  ['receipt-rejected', 'published', 'rejected'],
  ['receipt-rejected', 'failed', 'rejected'],
  ['acknowledge', 'received', 'acknowledged'],
];

const AUDIT: Record<MessageTrigger, AuditEventType> = {
  publish: 'message.published',
  resend: 'message.retried',
  'give-up': 'message.retried',
  'receipt-accepted': 'receipt.received',
  'receipt-rejected': 'receipt.received',
  acknowledge: 'message.delivered',
};

const TRIGGERS = Object.keys(AUDIT) as MessageTrigger[];

const REFUSED = TRIGGERS.flatMap((trigger) =>
  MESSAGE_STATUSES.filter(
    (status) => !ALLOWED.some(([t, from]) => t === trigger && from === status),
  ).map((status) => [trigger, status] as const),
);

describe(transition.name, () => {
  const sut = transition;

  it.each(ALLOWED)('%s moves a %s message to %s', (trigger, from, to) => {
    expect(sut(trigger, from)).toBe(to);
  });

  it.each(REFUSED)('%s refuses a %s message', (trigger, status) => {
    expect(sut(trigger, status)).toBeUndefined();
  });

  it('refuses every pair it does not allow (all triggers × all statuses are covered)', () => {
    expect(ALLOWED.length + REFUSED.length).toBe(TRIGGERS.length * MESSAGE_STATUSES.length);
    expect(REFUSED).toHaveLength(31);
  });
});

describe('MESSAGE_TRANSITIONS', () => {
  it.each(TRIGGERS)('%s writes its own audit event', (trigger) => {
    expect(transitionAudit(trigger)).toBe(AUDIT[trigger]);
  });

  it('has exactly one row per trigger, so fromStatuses and targetStatus are well defined', () => {
    expect(MESSAGE_TRANSITIONS.map((t) => t.trigger).sort()).toEqual([...TRIGGERS].sort());
  });

  it.each(MESSAGE_TRANSITIONS.map((t) => [t.trigger, t] as const))(
    '%s stays on its side of the exchange',
    (_trigger, row) => {
      const side = MESSAGE_STATUSES_BY_DIRECTION[row.direction];
      expect(row.from.every((status) => side.includes(status))).toBe(true);
      expect(side).toContain(row.to);
    },
  );

  it('gives the from-statuses and target the SQL binds', () => {
    expect(fromStatuses('receipt-accepted')).toEqual(['accepted', 'published', 'failed']);
    expect(targetStatus('give-up')).toBe('failed');
    expect(messageTransition('acknowledge')).toMatchObject({ direction: 'incoming' });
  });

  it('leaves delivered, rejected and acknowledged messages where they are', () => {
    const final: MessageStatus[] = ['delivered', 'rejected', 'acknowledged'];
    expect(MESSAGE_TRANSITIONS.filter((t) => t.from.some((s) => final.includes(s)))).toEqual([]);
  });

  it('stores a submitted message accepted and a received one received, on their own side', () => {
    expect(initialStatus('submit')).toBe('accepted');
    expect(initialStatus('receive')).toBe('received');
    expect(MESSAGE_ARRIVALS.submit).toMatchObject({
      direction: 'outgoing',
      audit: 'message.submitted',
    });
    expect(MESSAGE_ARRIVALS.receive).toMatchObject({
      direction: 'incoming',
      audit: 'message.received',
    });
  });

  it('lists every status once, each on exactly one side', () => {
    expect(new Set(MESSAGE_STATUSES).size).toBe(MESSAGE_STATUSES.length);
    expect(
      [...MESSAGE_STATUSES_BY_DIRECTION.outgoing, ...MESSAGE_STATUSES_BY_DIRECTION.incoming].sort(),
    ).toEqual([...MESSAGE_STATUSES].sort());
  });
});
