import type Decimal from 'decimal.js';
import type { RoundingPolicy } from '@mxg/config';
import { Money } from './money';

/**
 * How a line's exact USD amount is rounded, once (RET-3.6). The treaty sets none, so it is a
 * configured, documented policy (`config/settlements.yaml`): `half-up` rounds a tie away from
 * zero (0.125 → 0.13), `half-even` to the even cent (0.125 → 0.12, 0.135 → 0.14).
 */
export type { RoundingPolicy };

const MODES: Readonly<Record<RoundingPolicy['mode'], Decimal.Rounding>> = {
  'half-up': Money.ROUND_HALF_UP,
  'half-even': Money.ROUND_HALF_EVEN,
};

/** `value` rounded once under the policy, as text with exactly `scale` decimals. */
export function roundMoney(value: Money, policy: RoundingPolicy): string {
  const rounded = value.toDecimalPlaces(policy.scale, MODES[policy.mode]);
  // -0.001 rounds to zero: written 0.00, never -0.00.
  return (rounded.isZero() ? rounded.abs() : rounded).toFixed(policy.scale);
}
