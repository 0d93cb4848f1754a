import type { MessageType } from '@mxg/config';

/** Types that answer another message (MIG-8, MIG-9.5, MIG-10, MIG-11): they need `inReplyTo`. */
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
  'payment-confirmation',
];
