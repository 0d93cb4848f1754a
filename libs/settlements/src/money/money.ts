import Decimal from 'decimal.js';

/**
 * Exact money (RET-3.6: no binary floating point). A Decimal of its own, so no other user of
 * decimal.js can change the precision under us.
 *
 * Why one division at 200 significant digits, then one rounding, is exact. A line converts as
 * `q = n / d`, `n = amount × rate.value × usdRate.units`, `d = rate.units × usdRate.value`
 * (`convertLine`). Every amount and rate has at most 18 integer and 12 fraction digits and every
 * `units` at most 9 digits (`MAX_DIGITS`, enforced by the body schema), so `n` and `d` have at
 * most 69 significant digits: the products are exact. Written over integers, `q = N / D` with
 * `D < 10^63`, and `|q| < 10^58`. Rounding to `scale` (≤ 8) decimals depends only on which side
 * of the boundaries `m / (2 × 10^scale)` (ties and whole steps) `q` lies:
 * - if `q` is on a boundary it has at most scale + 1 fraction digits and at most 58 integer
 *   digits, so the division terminates within 200 digits and is exact;
 * - otherwise `q` is at least `1 / (2 × 10^scale × D) > 10^-72` from every boundary, while the
 *   200-digit quotient (truncated) is within `|q| × 10^-199 < 10^-141` of `q`: same side.
 * Either way the rounded result equals the exact rational rounded under the policy; the property
 * test in `convert-line.spec.ts` holds `convertLine` to an independent BigInt computation.
 */
export const Money = Decimal.clone({
  precision: 200,
  rounding: Decimal.ROUND_DOWN,
  toExpNeg: -300,
  toExpPos: 300,
});
export type Money = InstanceType<typeof Money>;

/** The most digits an amount or rate may have: integer part and fraction. */
export const MAX_DIGITS = { integer: 18, fraction: 12 } as const;

const DECIMAL_TEXT = /^-?\d+(\.\d+)?$/u;

/** A decimal string as exact money; throws on anything that is not `^-?\d+(\.\d+)?$`. */
export function money(text: string): Money {
  if (!DECIMAL_TEXT.test(text)) throw new Error(`not a decimal amount: ${JSON.stringify(text)}`);
  const [integer = '', fraction = ''] = text.replace(/^-/u, '').split('.');
  if (integer.replace(/^0+(?=\d)/u, '').length > MAX_DIGITS.integer) {
    throw new Error(`more than ${MAX_DIGITS.integer} integer digits`);
  }
  if (fraction.length > MAX_DIGITS.fraction) {
    throw new Error(`more than ${MAX_DIGITS.fraction} fraction digits`);
  }
  return new Money(text);
}

/** Whether two decimal strings are the same amount (120.5 and 120.50 are). */
export function sameAmount(a: string, b: string): boolean {
  return money(a).equals(money(b));
}
