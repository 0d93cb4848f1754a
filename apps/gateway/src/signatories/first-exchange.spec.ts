import { join } from 'node:path';
import { findRepoRoot, loadTreatyConfig } from '@mxg/config';
import { firstExchanges } from './first-exchange';
import type { SignatoryListVersion } from './signatory-list.types';

const root = findRepoRoot();
const treaty = loadTreatyConfig(join(root, 'config'), root);

/** A list version that went `direction` between KZ-MVD and AZ-DMX, applied at `appliedAt`. */
const version = (direction: 'sent' | 'received', appliedAt: string): SignatoryListVersion => ({
  authority: direction === 'sent' ? 'KZ-MVD' : 'AZ-DMX',
  toAuthority: direction === 'sent' ? 'AZ-DMX' : 'KZ-MVD',
  version: 1,
  effectiveFrom: appliedAt.slice(0, 10),
  listSha256: '0'.repeat(64),
  signatories: [],
  messageId: `00000000-0000-4000-8000-${direction === 'sent' ? '000000000001' : '000000000002'}`,
  direction,
  signedAt: new Date(appliedAt),
  appliedAt: new Date(appliedAt),
});

describe(firstExchanges.name, () => {
  // MIG is in force from 2020-06-01 (development value): the lists are due on 2020-07-16.
  const peer = (history: SignatoryListVersion[], now: string) =>
    firstExchanges(treaty, 'KZ', history, new Date(now))
      .find((e) => e.agreement === 'MIG')!
      .peers.find((p) => p.authority === 'AZ-DMX');

  it('is due 45 days after MIG’s entry into force, per peer authority (MIG-9.3)', () => {
    const [mig] = firstExchanges(treaty, 'KZ', [], new Date('2020-06-10T00:00:00Z'));
    expect(mig).toMatchObject({ agreement: 'MIG', inForceFrom: '2020-06-01', dueOn: '2020-07-16' });
    expect(mig.peers.map((p) => p.authority)).toEqual(['AZ-DMX']);
  });

  it('is pending before the due date, met when a list went each way by then, overdue after', () => {
    const sent = version('sent', '2020-06-20T06:00:00Z');
    const received = version('received', '2020-07-15T06:00:00Z');
    expect(peer([sent], '2020-07-01T00:00:00Z')).toMatchObject({
      sentOn: '2020-06-20',
      receivedOn: null,
      status: 'pending',
    });
    expect(peer([sent], '2020-07-17T00:00:00Z')?.status).toBe('overdue');
    expect(peer([sent, received], '2026-01-01T00:00:00Z')).toMatchObject({
      sentOn: '2020-06-20',
      receivedOn: '2020-07-15',
      status: 'met',
    });
  });

  it('stays overdue when a list came after the due date', () => {
    const late = version('received', '2020-08-01T06:00:00Z');
    expect(
      peer([version('sent', '2020-06-20T06:00:00Z'), late], '2026-01-01T00:00:00Z')?.status,
    ).toBe('overdue');
  });
});
