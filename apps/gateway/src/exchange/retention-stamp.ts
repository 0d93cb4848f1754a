import { Injectable } from '@nestjs/common';
import { type MessageType, MxgConfigService, retainUntil, retentionRule } from '@mxg/config';
import type { MessageHeader } from '@mxg/envelope';
import type { NewRetention } from './store/exchange-store.types';
import { RetentionStore } from './store/retention.store';

/**
 * Types never destroyed by the schedule: a destruction notice is itself the proof of a
 * destruction (ids and digests only), and an authority-change notice is what the treaty
 * registry is rebuilt from at start-up (MIG-2). Neither carries a person's data.
 */
export const KEPT_TYPES: readonly MessageType[] = [
  'destruction-notice',
  'authority-change-notice',
  // MIG-9.3, MIG-9.4: the signed lists are the evidence of who could sign when.
  'signatory-list-update',
];

/**
 * MIG-11.5: how long a message is kept, decided once, when it is stored (sent or received) —
 * while its body is at hand. Its categories are its own `categories` and, for a message of a
 * conversation (an answer), its request's; the period is `config/retention.yaml`'s for them and
 * runs from the instant it is stored (docs/retention.md).
 */
@Injectable()
export class RetentionStamp {
  constructor(
    private readonly config: MxgConfigService,
    private readonly store: RetentionStore,
  ) {
    // Read now, so that a gateway with an invalid config/retention.yaml does not start.
    void config.retention;
  }

  async stamp(
    header: MessageHeader,
    body: Readonly<Record<string, unknown>>,
    storedAt: Date,
  ): Promise<NewRetention> {
    const own = Array.isArray(body.categories)
      ? body.categories.filter((c): c is string => typeof c === 'string')
      : [];
    const inherited =
      header.correlationId === header.id ? [] : await this.store.categoriesOf(header.correlationId);
    const categories = [...new Set([...inherited, ...own])].sort();
    const rule = KEPT_TYPES.includes(header.type)
      ? undefined
      : retentionRule(this.config.retention, header.agreement, categories);
    if (!rule) return { categories, rule: 'kept', retainUntil: null };
    return { categories, rule: rule.rule, retainUntil: retainUntil(storedAt, rule) };
  }
}
