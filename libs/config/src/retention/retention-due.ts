import type { RetentionPolicy, RetentionRule } from './retention.types';

const DAY_MS = 24 * 60 * 60 * 1000;

/**
 * MIG-11.5: the rule that sets how long a message of `agreement` carrying `categories` is kept.
 * No category: the agreement's default. Several: the longest of their periods (the message
 * serves each of them; a category without a period of its own counts as the default). `undefined`
 * for an agreement the policy does not cover (the loader refuses such a policy for any agreement
 * of the treaty, so this is a message of an unknown agreement).
 */
export function retentionRule(
  policy: RetentionPolicy,
  agreement: string,
  categories: readonly string[],
): RetentionRule | undefined {
  const entry = policy.agreements.find((a) => a.agreement === agreement);
  if (!entry) return undefined;
  let best: RetentionRule = { rule: 'default', days: entry.defaultDays };
  if (categories.length === 0) return best;
  let first = true;
  for (const category of [...new Set(categories)].sort()) {
    const days = entry.categories[category];
    const candidate =
      days === undefined
        ? { rule: 'default', days: entry.defaultDays }
        : { rule: `category:${category}`, days };
    if (first || candidate.days > best.days) best = candidate;
    first = false;
  }
  return best;
}

/** The instant a message stored at `storedAt` is due for destruction under `rule`. */
export function retainUntil(storedAt: Date, rule: RetentionRule): Date {
  return new Date(storedAt.getTime() + rule.days * DAY_MS);
}
