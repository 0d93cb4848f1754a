import { type Agreement, lastDayInForce, withinDays } from '@mxg/config';
import type { RequestRefusal } from './request-lifecycle.errors';
import type { RequestMessageType } from './request-lifecycle';

/**
 * MIG-17: once termination takes effect (the day after `lastDayInForce`, six months after the
 * notice was received) nothing new starts under the agreement: a new request or notice is
 * refused. Requests opened before then run to their end — the requested party still owes its
 * answer (MIG-10.3) and both sides may finish the exchange, so every other message of a
 * request's life is let through. Days are whole UTC days, as for every date in config (see
 * `TreatyRegistry.isParticipating`). Pure: `at` is the instant the message is submitted or
 * received, from the caller's `Clock`. `null` = not refused on this ground.
 */
export function terminationRefusal(
  agreement: Agreement,
  type: RequestMessageType,
  at: Date,
): RequestRefusal | null {
  const lastDay = lastDayInForce(agreement);
  if (lastDay === null || withinDays(at, null, lastDay)) return null;
  if (type !== 'request' && type !== 'notice') return null;
  return {
    ok: false,
    code: 'AGREEMENT_TERMINATED',
    message:
      `a new ${type} under ${agreement.code} on ${at.toISOString().slice(0, 10)}: the agreement ` +
      `was in force until ${lastDay}, six months after the termination notice was received ` +
      `(MIG-17); requests opened before then are still answered, no new exchange starts`,
    treaty: 'MIG-17',
  };
}
