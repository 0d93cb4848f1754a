/** MIG-11.5: how long one agreement's messages are kept, in whole days from storage. */
export interface AgreementRetention {
  readonly agreement: string;
  readonly defaultDays: number;
  /** Per information category code (`config/vocabularies.yaml` `categories`). */
  readonly categories: Readonly<Record<string, number>>;
  /** Per competent authority of this party: the signatory of its destruction notices. */
  readonly noticeSignatories: Readonly<Record<string, string>>;
}

/** `config/retention.yaml`, validated against the treaty and the vocabulary. */
export interface RetentionPolicy {
  readonly agreements: readonly AgreementRetention[];
}

/** Which rule of the policy sets a message's period: `default` or `category:<code>`. */
export interface RetentionRule {
  readonly rule: string;
  readonly days: number;
}
