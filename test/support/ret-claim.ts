import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { addDays, daysBetween, type RoundingPolicy, type TreatyRegistry } from '@mxg/config';
import type { ReimbursementClaim } from '@mxg/messages';
import { convertLine, sumUsd } from '@mxg/settlements';

const EXAMPLE = join(__dirname, '..', '..', 'examples', 'ret', 'claim.json');
/** The example claim's return date: every date in it is moved from it. */
const EXAMPLE_HANDOVER = '2026-12-01';

/**
 * What each line of the example claim comes to in USD, per unit: the amounts in the state of
 * stay's currency are these times its development USD rate — inside every shipped party's caps
 * (RET-3.3/3.4: accommodation 50 USD a night, per diem 15 USD a day).
 */
const USD_PER_UNIT: Record<string, string> = {
  'institution-stay': '300',
  'minor-travel': '200',
  'escort-travel': '150',
  accommodation: '50',
  'per-diem': '15',
};

export interface RetClaimOptions {
  readonly claimNumber: string;
  /** The state where the minor stayed: it claims (RET-3.1). */
  readonly stayState: string;
  /** The minor's state of residence: it pays. */
  readonly residenceState: string;
  /** The stay state's official rate of its currency per USD (RET-3.7), e.g. '87.45' KGS. */
  readonly usdRate: string;
  /** Days between the return and today (UTC); within RET_CLAIM_DAYS by default. */
  readonly handoverDaysAgo?: number;
}

/**
 * A RET claim between any two parties, built from `examples/ret/claim.json` (its documents and
 * attachments, RET-3.2): every line in the state of stay's national currency at its national
 * bank's rate (from `config/parties.yaml`), USD amounts and the total («Итого») recomputed under
 * the configured rounding (RET-3.6).
 */
export function retClaim(
  options: RetClaimOptions,
  treaty: TreatyRegistry,
  rounding: RoundingPolicy,
): ReimbursementClaim {
  const claim = JSON.parse(readFileSync(EXAMPLE, 'utf8')) as ReimbursementClaim;
  const stay = treaty.party(options.stayState);
  const today = new Date().toISOString().slice(0, 10);
  const shift = daysBetween(EXAMPLE_HANDOVER, addDays(today, -(options.handoverDaysAgo ?? 3)));
  claim.claimNumber = options.claimNumber;
  claim.stayState = options.stayState;
  claim.residenceState = options.residenceState;
  claim.returnAct.handoverDate = addDays(claim.returnAct.handoverDate, shift);
  const [first, second] = claim.returnAct.representatives;
  claim.returnAct.representatives = [
    { ...first, state: options.stayState },
    { ...second, state: options.residenceState },
  ];
  claim.invoice.date = addDays(claim.invoice.date, shift);
  for (const d of claim.documents) d.date = addDays(d.date, shift);
  claim.lines = claim.lines.map((line) => {
    const perUnit = USD_PER_UNIT[line.kind];
    if (perUnit === undefined) throw new Error(`test setup: no amount for a ${line.kind} line`);
    const units = line.units ?? 1;
    const moved = {
      ...line,
      rate: undefined, // the national currency needs no rate to itself (RET-3.7)
      expenseDate: addDays(line.expenseDate, shift),
      currency: stay.currency,
      amount: times(times(perUnit, String(units)), options.usdRate),
      usdRate: { source: stay.nationalBank.code, value: options.usdRate, units: 1 },
    };
    return { ...moved, usd: convertLine(moved, rounding) };
  });
  claim.total = { currency: 'USD', amount: sumUsd(claim.lines.map((l) => l.usd)) };
  return claim;
}

/** Exact product of two small non-negative decimal strings, as a decimal string. */
function times(a: string, b: string): string {
  const scale = (s: string) => s.split('.')[1]?.length ?? 0;
  const digits = (s: string) => BigInt(s.replace('.', ''));
  const places = scale(a) + scale(b);
  const product = (digits(a) * digits(b)).toString().padStart(places + 1, '0');
  return places === 0 ? product : `${product.slice(0, -places)}.${product.slice(-places)}`;
}
