import { addMonths } from './calendar';
import type { Agreement } from './treaty.types';

/** MIG-17: termination takes effect six months after the other party receives the notice. */
export const TERMINATION_NOTICE_MONTHS = 6;

/**
 * MIG-17: the last day a bilateral agreement is in force once a termination notice has been
 * received — six months from the day of receipt; `null` while no notice has been given (and for
 * a multilateral agreement, whose parties join and leave on their own dates, RET-7/8).
 */
export function lastDayInForce(agreement: Agreement): string | null {
  if (agreement.kind !== 'bilateral' || agreement.terminationNoticeReceived === null) return null;
  return addMonths(agreement.terminationNoticeReceived, TERMINATION_NOTICE_MONTHS);
}
