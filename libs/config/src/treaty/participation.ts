import { addDays, addMonths } from './calendar';
import { TERMINATION_NOTICE_MONTHS } from './agreement-term';
import { RET_ENTRY_INTO_FORCE_DAYS, RET_NOTIFICATIONS_FOR_ENTRY_INTO_FORCE } from './ret-terms';
import type { Agreement, MultilateralAgreement, Participation } from './treaty.types';

/**
 * RET-7: the day a multilateral agreement enters into force — 30 days after the depositary
 * receives the third notification. Accession documents do not count towards the three (a state
 * accedes to a protocol that is open to it; RET-8). null while fewer than three have come.
 */
export function entryIntoForce(agreement: MultilateralAgreement): string | null {
  const received = agreement.participants
    .filter((p) => !p.accession && p.notificationReceived !== null)
    .map((p) => p.notificationReceived as string)
    .sort();
  const third = received[RET_NOTIFICATIONS_FOR_ENTRY_INTO_FORCE - 1];
  return third === undefined ? null : addDays(third, RET_ENTRY_INTO_FORCE_DAYS);
}

/**
 * A party's participation in an agreement, or undefined when it is not a party to it.
 *
 * Multilateral (RET-7/8): the first parties take part from the entry into force; a party whose
 * notification or accession document the depositary receives later takes part from 30 days
 * after its own — never before the entry into force. No document, or fewer than three
 * notifications in all: not in force for it. It stops taking part on `leftOn` or on the
 * agreement's `endsOn`, whichever comes first.
 *
 * Bilateral (MIG-17): from `inForceFrom`; a termination notice ends it six months after receipt
 * (`leftOn` is then the day after the last day in force).
 */
export function participationIn(agreement: Agreement, party: string): Participation | undefined {
  if (agreement.kind === 'bilateral') {
    if (!agreement.parties.includes(party)) return undefined;
    const notice = agreement.terminationNoticeReceived;
    return {
      agreement: agreement.code,
      party,
      notificationReceived: null,
      accession: false,
      participatingFrom: agreement.inForceFrom,
      leftOn: notice === null ? null : addDays(addMonths(notice, TERMINATION_NOTICE_MONTHS), 1),
    };
  }
  const participant = agreement.participants.find((p) => p.party === party);
  if (participant === undefined) return undefined;
  const inForce = entryIntoForce(agreement);
  const own =
    participant.notificationReceived === null
      ? null
      : addDays(participant.notificationReceived, RET_ENTRY_INTO_FORCE_DAYS);
  const participatingFrom = inForce === null || own === null ? null : later(inForce, own);
  return {
    agreement: agreement.code,
    party,
    notificationReceived: participant.notificationReceived,
    accession: participant.accession,
    participatingFrom,
    leftOn: earlier(participant.leftOn, agreement.endsOn),
  };
}

function later(a: string, b: string): string {
  return a >= b ? a : b;
}

function earlier(a: string | null, b: string | null): string | null {
  if (a === null) return b;
  if (b === null) return a;
  return a <= b ? a : b;
}
