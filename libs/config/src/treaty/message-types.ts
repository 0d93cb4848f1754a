/**
 * Every message type a treaty can allow. Agreements list the subset they permit; the gateway
 * refuses any other (see `TreatyRegistry.assertMessageTypeAllowed`).
 */
export const MESSAGE_TYPES = [
  // MIG-8: request → answer, or information sent without a request
  'request',
  'response',
  'notice',
  // MIG-10.1..10.4: the requested party's other answers
  'refusal',
  'clarification-request',
  'clarification',
  'delay-notice',
  'postponement',
  'conditions',
  // MIG-9.5: doubt about authenticity or content
  'confirmation-request',
  'confirmation',
  // MIG-2: a competent authority's rename or change of functions is notified
  'authority-change-notice',
  // MIG-9.3/9.4: signatory lists are exchanged as signed messages
  'signatory-list-update',
  // MIG-11.1: confidentiality cannot be kept → the requester decides
  'confidentiality-notice',
  'proceed',
  'withdraw',
  // MIG-11.3: onward disclosure to a third party needs prior consent
  'consent-request',
  'consent-grant',
  'consent-denial',
  'consent-revocation',
  // RET-3.1, RET-4: reimbursement of the costs of returning minors
  'reimbursement-claim',
  'payment-confirmation',
  // RET-4: the paying state queries or disputes a claim (settled by consultation); the
  // claiming state replies
  'claim-query',
  'claim-dispute',
  'claim-reply',
  // MIG-11.5: the receiving gateway tells the provider it destroyed what it received
  'destruction-notice',
  // MIG-11.2, MIG-11.3: the provider adds handling restrictions to messages it sent
  'handling-restriction',
] as const;

export type MessageType = (typeof MESSAGE_TYPES)[number];
