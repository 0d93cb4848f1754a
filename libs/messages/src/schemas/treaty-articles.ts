import type { MessageType } from '@mxg/config';

/** The article each type's body comes from: what a problem cites unless its field says more. */
export const TYPE_ARTICLE: Readonly<Record<MessageType, string>> = {
  request: 'MIG-9.2',
  response: 'MIG-10.3',
  notice: 'MIG-8',
  refusal: 'MIG-10.4',
  'clarification-request': 'MIG-10.1',
  clarification: 'MIG-10.1',
  'delay-notice': 'MIG-10.1',
  postponement: 'MIG-10.2',
  conditions: 'MIG-10.2',
  'confirmation-request': 'MIG-9.5',
  confirmation: 'MIG-9.5',
  'authority-change-notice': 'MIG-2',
  'signatory-list-update': 'MIG-9.4',
  'confidentiality-notice': 'MIG-11.1',
  proceed: 'MIG-11.1',
  withdraw: 'MIG-11.1',
  'consent-request': 'MIG-11.3',
  'consent-grant': 'MIG-11.3',
  'consent-denial': 'MIG-11.3',
  'consent-revocation': 'MIG-11.3',
  'reimbursement-claim': 'RET-3.1',
  'payment-confirmation': 'RET-4',
  'claim-query': 'RET-4',
  'claim-dispute': 'RET-4',
  'claim-reply': 'RET-4',
  'destruction-notice': 'MIG-11.5',
  'handling-restriction': 'MIG-11.2',
};

/** Fields whose rule comes from an article of its own, whatever the type. */
const FIELD_ARTICLE: Readonly<Record<string, string>> = {
  topic: 'MIG-3',
  confidential: 'MIG-11.1',
  persons: 'MIG-6',
  grounds: 'MIG-10.4',
  currency: 'RET-2',
  purpose: 'MIG-11.2',
  handling: 'MIG-11.2',
  // RET: the claim's parts (RET-3.1 to RET-3.7)
  returnAct: 'RET-3.1',
  documents: 'RET-3.2',
  invoice: 'RET-3.5',
  lines: 'RET-3.6',
  total: 'RET-2',
};

const RET_ARTICLE = /^RET-/u;

/** The article a finding at `path` (from the body) cites. */
export function articleOf(type: MessageType, path: readonly PropertyKey[]): string {
  const [first] = path;
  if (first === 'categories') return 'MIG-5';
  if (first === 'attachments') {
    if (RET_ARTICLE.test(TYPE_ARTICLE[type])) return 'RET-3.2';
    return type === 'request' ? 'MIG-9.2' : 'MIG-6';
  }
  return (typeof first === 'string' && FIELD_ARTICLE[first]) || TYPE_ARTICLE[type];
}
