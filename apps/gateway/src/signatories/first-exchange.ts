import { addDays, type TreatyRegistry } from '@mxg/config';
import { localDate } from '@mxg/lifecycle';
import type { SignatoryListVersion } from './signatory-list.types';

/** MIG-9.3: the parties exchange their signatory lists within 45 days of entry into force. */
export const FIRST_EXCHANGE_DAYS = 45;

export type FirstExchangeStatus = 'met' | 'overdue' | 'pending';

export interface FirstExchangePeer {
  readonly authority: string;
  /** The first day this gateway's party sent a list to the peer authority (sender's day). */
  readonly sentOn: string | null;
  /** The first day the peer authority's list was received here (the peer's day). */
  readonly receivedOn: string | null;
  /** met: both by the due date; overdue: not both by then and it has passed; else pending. */
  readonly status: FirstExchangeStatus;
}

export interface FirstExchange {
  readonly agreement: string;
  readonly inForceFrom: string;
  readonly dueOn: string;
  readonly peers: readonly FirstExchangePeer[];
}

/**
 * MIG-9.3's first exchange of signatory lists, per agreement that carries them and peer
 * authority: due 45 days after the agreement's entry into force, met when a list went each way
 * by then. `today` is the gateway's UTC date (the deadline is a day, not an instant).
 */
export function firstExchanges(
  treaty: TreatyRegistry,
  party: string,
  history: readonly SignatoryListVersion[],
  now: Date,
): FirstExchange[] {
  const today = now.toISOString().slice(0, 10);
  return treaty.allAgreements().flatMap((agreement) => {
    if (agreement.kind !== 'bilateral' || !agreement.parties.includes(party)) return [];
    if (!agreement.messageTypes.includes('signatory-list-update')) return [];
    const inForceFrom = treaty.entryIntoForce(agreement.code);
    if (inForceFrom === null) return [];
    const dueOn = addDays(inForceFrom, FIRST_EXCHANGE_DAYS);
    const peerParty = agreement.parties.find((p) => p !== party)!;
    const peers = (
      agreement.authorities.length > 0
        ? agreement.authorities.filter((a) => treaty.authority(a).party === peerParty)
        : treaty.authoritiesOf(peerParty).map((a) => a.code)
    ).map((authority): FirstExchangePeer => {
      const first = (
        versions: SignatoryListVersion[],
        dayOf: (v: SignatoryListVersion) => string,
      ) => versions.map(dayOf).sort()[0] ?? null;
      const sentOn = first(
        history.filter((v) => v.direction === 'sent' && v.toAuthority === authority),
        (v) => localDate(v.appliedAt, treaty.authorityTimeZone(v.authority)),
      );
      const receivedOn = first(
        history.filter((v) => v.direction === 'received' && v.authority === authority),
        (v) => localDate(v.appliedAt, treaty.authorityTimeZone(authority)),
      );
      const met = sentOn !== null && receivedOn !== null && sentOn <= dueOn && receivedOn <= dueOn;
      const status: FirstExchangeStatus = met ? 'met' : today > dueOn ? 'overdue' : 'pending';
      return { authority, sentOn, receivedOn, status };
    });
    return [{ agreement: agreement.code, inForceFrom, dueOn, peers }];
  });
}
