import { Money, money } from './money';
import { roundMoney, type RoundingPolicy } from './rounding';

/** A rate as a claim line states it: national currency per `units` of the other currency. */
export interface LineRate {
  readonly source: string;
  readonly value: string;
  readonly units: number;
}

/** What a line's conversion needs (RET-3.6, RET-3.7). */
export interface ConvertibleLine {
  readonly amount: string;
  /** National per `units` of the expense currency; absent when the expense is national or USD. */
  readonly rate?: LineRate;
  /** National per `units` US dollars; absent when the expense is in USD. */
  readonly usdRate?: LineRate;
}

/**
 * The exact USD amount of a line, before rounding: `amount × (rate.value / rate.units) ÷
 * (usdRate.value / usdRate.units)`, a missing rate counting as 1 — computed as one division of
 * two exact products (see `Money` for why that is exact).
 */
export function exactUsd(line: ConvertibleLine): Money {
  const numerator = money(line.amount)
    .times(line.rate ? money(line.rate.value) : 1)
    .times(line.usdRate ? line.usdRate.units : 1);
  const denominator = new Money(line.rate ? line.rate.units : 1).times(
    line.usdRate ? money(line.usdRate.value) : 1,
  );
  return numerator.dividedBy(denominator);
}

/** A line's expected `usd` (RET-3.6): its exact conversion rounded once under the policy. */
export function convertLine(line: ConvertibleLine, policy: RoundingPolicy): string {
  return roundMoney(exactUsd(line), policy);
}

/** The amount in national currency: `amount × rate.value / rate.units` (exact, unrounded). */
export function nationalAmount(line: ConvertibleLine): Money {
  if (!line.rate) return money(line.amount);
  return money(line.amount).times(money(line.rate.value)).dividedBy(line.rate.units);
}

/**
 * «Итого» (RET-3.6): the exact sum of the lines' USD amounts, with as many decimals as the
 * most precise of them (at least two).
 */
export function sumUsd(amounts: readonly string[]): string {
  const places = Math.max(2, ...amounts.map((a) => a.split('.')[1]?.length ?? 0));
  return amounts.reduce((sum, a) => sum.plus(money(a)), new Money(0)).toFixed(places);
}
