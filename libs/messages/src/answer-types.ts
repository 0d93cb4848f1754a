import type { MessageType } from '@mxg/config';

/** Types that answer another message (MIG-8, MIG-9.5, MIG-10, MIG-11, RET-4): they need `inReplyTo`. */
export const ANSWER_TYPES: readonly MessageType[] = [
  'response',
  'refusal',
  'clarification-request',
  'clarification',
  'delay-notice',
  'postponement',
  'conditions',
  'confirmation-request',
  'confirmation',
  'confidentiality-notice',
  'proceed',
  'withdraw',
  'consent-grant',
  'consent-denial',
  'consent-revocation',
  // RET-4: a claim's payment, query, dispute and reply answer the claim (or each other)
  'payment-confirmation',
  'claim-query',
  'claim-dispute',
  'claim-reply',
];
