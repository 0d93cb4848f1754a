import { z } from 'zod';

const code = z.string().regex(/^[a-z][a-z0-9]*(-[a-z0-9]+)*$/, {
  error: 'expected a kebab-case code such as entry-bans',
});

/** A retention period: whole days, counted from when the message was stored here. */
const period = z.strictObject({
  days: z
    .number({ error: 'expected a whole number of days' })
    .int({ error: 'expected a whole number of days' })
    .min(1, { error: 'a period is at least 1 day' })
    .max(36_600, { error: 'a period is at most 36600 days (100 years)' }),
});

/**
 * `config/retention.yaml` (MIG-11.5): per agreement, how long a message's content is kept — a
 * default and a period per information category (`categories` of `config/vocabularies.yaml`) —
 * and who signs the destruction notices this gateway sends, per competent authority.
 */
export const retentionFileSchema = z.strictObject({
  agreements: z
    .array(
      z.strictObject({
        agreement: z.string().regex(/^[A-Z]{2,10}$/, { error: 'expected an agreement code' }),
        default: period,
        categories: z.record(code, period).default({}),
        noticeSignatories: z
          .record(
            z.string().regex(/^[A-Z]{2}-[A-Z0-9]{2,12}$/, { error: 'expected an authority code' }),
            z.string().regex(/^[a-z0-9][a-z0-9-]{2,63}$/, { error: 'expected a signatory id' }),
          )
          .default({}),
      }),
    )
    .min(1),
});

export type RetentionFile = z.infer<typeof retentionFileSchema>;
