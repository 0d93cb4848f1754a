import fc from 'fast-check';
import {
  type ConvertibleLine,
  convertLine,
  exactUsd,
  nationalAmount,
  sumUsd,
} from './convert-line';
import type { RoundingPolicy } from './rounding';

const HALF_UP: RoundingPolicy = { mode: 'half-up', scale: 2 };
const HALF_EVEN: RoundingPolicy = { mode: 'half-even', scale: 2 };

/** A decimal string as an exact fraction `n / 10^scale` over BigInt — no decimal.js involved. */
function fraction(text: string): { n: bigint; d: bigint } {
  const negative = text.startsWith('-');
  const [integer = '0', fractionDigits = ''] = text.replace(/^-/u, '').split('.');
  const n = BigInt(integer + fractionDigits);
  return { n: negative ? -n : n, d: 10n ** BigInt(fractionDigits.length) };
}

/** The independent oracle: the exact rational of RET-3.6 rounded once with integer arithmetic. */
function oracle(line: ConvertibleLine, policy: RoundingPolicy): string {
  const amount = fraction(line.amount);
  const rate = line.rate ? fraction(line.rate.value) : { n: 1n, d: 1n };
  const usdRate = line.usdRate ? fraction(line.usdRate.value) : { n: 1n, d: 1n };
  // amount × (rate / rateUnits) ÷ (usdRate / usdUnits)
  let n = amount.n * rate.n * usdRate.d * BigInt(line.usdRate?.units ?? 1);
  const d = amount.d * rate.d * BigInt(line.rate?.units ?? 1) * usdRate.n;
  const negative = n < 0n;
  if (negative) n = -n;
  const scaled = n * 10n ** BigInt(policy.scale);
  let q = scaled / d;
  const twiceRemainder = 2n * (scaled % d);
  if (
    twiceRemainder > d ||
    (twiceRemainder === d && (policy.mode === 'half-up' || q % 2n === 1n))
  ) {
    q += 1n;
  }
  const digits = q.toString().padStart(policy.scale + 1, '0');
  const text =
    policy.scale === 0
      ? digits
      : `${digits.slice(0, -policy.scale)}.${digits.slice(-policy.scale)}`;
  return negative && q !== 0n ? `-${text}` : text;
}

const decimalText = (maxInteger: bigint, maxFraction: number, positive = false) =>
  fc
    .tuple(
      fc.bigInt({ min: positive ? 1n : 0n, max: maxInteger }),
      fc
        .nat({ max: maxFraction })
        .chain((places) =>
          fc
            .bigInt({ min: 0n, max: 10n ** BigInt(places) - 1n })
            .map((f) => (places === 0 ? '' : `.${f.toString().padStart(places, '0')}`)),
        ),
    )
    .map(([i, f]) => `${i}${f}`);

const rate = fc.record({
  source: fc.constant('NBK'),
  // Small divisors (2, 4, 8, 16, 25, …) make exact ties frequent; the rest are realistic.
  value: fc.oneof(
    fc.constantFrom('2', '4', '8', '16', '25', '0.5', '1.6'),
    decimalText(10n ** 6n, 6, true),
  ),
  units: fc.constantFrom(1, 10, 100, 1000),
});

const line: fc.Arbitrary<ConvertibleLine> = fc.record(
  {
    amount: fc
      .tuple(fc.boolean(), fc.oneof(decimalText(10n ** 12n, 4), decimalText(10n ** 18n - 1n, 12)))
      .map(([negative, text]) => (negative ? `-${text}` : text)),
    rate,
    usdRate: rate,
  },
  { requiredKeys: ['amount'] },
);

describe(convertLine.name, () => {
  it('converts a cross rate: EUR → KZT at the NBK rate → USD (RET-3.7)', () => {
    const sut = convertLine(
      {
        amount: '110.00',
        rate: { source: 'NBK', value: '516.05', units: 1 },
        usdRate: { source: 'NBK', value: '479.10', units: 1 },
      },
      HALF_UP,
    );
    // 110 × 516.05 ÷ 479.10 = 118.4836…
    expect(sut).toBe('118.48');
  });

  it('honours rates quoted per 100 units (e.g. 100 RUB)', () => {
    const per1 = { amount: '12000.00', rate: { source: 'NBK', value: '5.21', units: 1 } };
    const per100 = { amount: '12000.00', rate: { source: 'NBK', value: '521', units: 100 } };
    const usdRate = { source: 'NBK', value: '478.50', units: 1 };
    expect(convertLine({ ...per1, usdRate }, HALF_UP)).toBe('130.66');
    expect(convertLine({ ...per100, usdRate }, HALF_UP)).toBe('130.66');
  });

  it('a national-currency line has only the USD rate; a USD line none', () => {
    expect(
      convertLine(
        { amount: '180000.00', usdRate: { source: 'NBK', value: '478.50', units: 1 } },
        HALF_UP,
      ),
    ).toBe('376.18');
    expect(convertLine({ amount: '250.5' }, HALF_UP)).toBe('250.50');
  });

  it('half-up and half-even give different cents on an exact tie (RET-3.6 policy)', () => {
    // 2.25 ÷ 18 = 0.125 exactly
    const tie = { amount: '2.25', usdRate: { source: 'NBK', value: '18', units: 1 } };
    expect(exactUsd(tie).toString()).toBe('0.125');
    expect(convertLine(tie, HALF_UP)).toBe('0.13');
    expect(convertLine(tie, HALF_EVEN)).toBe('0.12');
    // 0.135 → 0.14 under both: the even neighbour is up
    const odd = { amount: '2.43', usdRate: { source: 'NBK', value: '18', units: 1 } };
    expect(convertLine(odd, HALF_UP)).toBe('0.14');
    expect(convertLine(odd, HALF_EVEN)).toBe('0.14');
  });

  it('rounds once: 1.0049 is 1.00, not 1.005 → 1.01 as rounding twice would give', () => {
    const sut = { amount: '1.0049', usdRate: { source: 'NBK', value: '1', units: 1 } };
    expect(convertLine(sut, HALF_UP)).toBe('1.00');
    expect(convertLine({ amount: '-0.001' }, HALF_UP)).toBe('0.00');
    expect(convertLine({ amount: '-2.25', usdRate: sut.usdRate }, HALF_UP)).toBe('-2.25');
  });

  it('property: equals an independent BigInt rational rounded the same way, both modes', () => {
    fc.assert(
      fc.property(
        line,
        fc.constantFrom(HALF_UP, HALF_EVEN),
        fc.integer({ min: 0, max: 8 }),
        (l, policy, scale) => {
          const p = { ...policy, scale };
          expect(convertLine(l, p)).toBe(oracle(l, p));
        },
      ),
      { numRuns: 3000 },
    );
  });
});

describe(nationalAmount.name, () => {
  it('is the exact amount in national currency (for the caps, RET-3.3/3.4)', () => {
    expect(
      nationalAmount({
        amount: '110.00',
        rate: { source: 'NBK', value: '516.05', units: 1 },
      }).toString(),
    ).toBe('56765.5');
    expect(nationalAmount({ amount: '27000.00' }).toString()).toBe('27000');
  });
});

describe(sumUsd.name, () => {
  it('sums exactly, never in binary floating point («Итого», RET-3.6)', () => {
    expect(0.1 + 0.2).not.toBe(0.3);
    expect(sumUsd(['0.10', '0.20'])).toBe('0.30');
    expect(sumUsd(['376.18', '198.54', '130.66', '118.48', '56.36'])).toBe('880.22');
    expect(sumUsd(['1.005', '2'])).toBe('3.005');
    expect(sumUsd([])).toBe('0.00');
  });
});
