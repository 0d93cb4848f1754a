import { z } from 'zod';

/** Money in config is a decimal string, never a YAML number (which would be binary floating point). */
const amount = z
  .string({ error: 'expected a decimal amount in quotes, e.g. "25000.00"' })
  .regex(/^\d+(\.\d+)?$/, { error: 'expected a non-negative decimal amount such as "25000.00"' });

/**
 * The rounding policy of a line's USD amount (RET-3.6): applied once, to the exact converted
 * amount. The treaty sets none; this is the deployment's documented choice.
 */
const rounding = z.strictObject({
  mode: z.enum(['half-up', 'half-even']),
  scale: z.number().int().min(0).max(8).default(2),
});

/** RET-3.3/3.4: a party's norms for escorts' accommodation and per diems, in its own currency. */
const caps = z.strictObject({
  currency: z
    .string()
    .regex(/^[A-Z]{3}$/, { error: 'expected an ISO 4217 currency code such as KZT' }),
  accommodationPerNight: amount,
  perDiemPerDay: amount,
});

/** `config/settlements.yaml`: how RET claims are computed and capped. */
export const settlementsFileSchema = z.strictObject({
  rounding,
  caps: z.record(
    z.string().regex(/^[A-Z]{2}$/, { error: 'expected an ISO 3166-1 alpha-2 code such as KZ' }),
    caps,
  ),
});

export type SettlementsFile = z.infer<typeof settlementsFileSchema>;
