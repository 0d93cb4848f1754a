import type { MessageType } from '@mxg/config';
import type { FieldProblem } from './exchange.errors';

/**
 * What the treaties require of a message body, by type. The full MIG-6 person schema and the
 * RET claim calculation come with the treaty-workflow issues; these are the rules every
 * message must already meet.
 */
export function bodyProblems(type: MessageType, body: Record<string, unknown>): FieldProblem[] {
  const problems: FieldProblem[] = [];
  const requireText = (field: string, treaty: string, what: string) => {
    const value = body[field];
    if (typeof value !== 'string' || value.trim() === '') {
      problems.push({
        field: `body.${field}`,
        rule: 'required',
        message: `${what} is required`,
        treaty,
      });
    }
  };
  if (type === 'request') {
    // MIG-9.2: a request states its purpose and justification.
    requireText('purpose', 'MIG-9.2', 'the purpose of the request');
    requireText('justification', 'MIG-9.2', 'the justification of the request');
  } else if (type === 'refusal') {
    // MIG-10.4: a refusal gives its reasons, and says whether it is partial.
    requireText('reason', 'MIG-10.4', 'the reason for the refusal');
    if (typeof body.partial !== 'boolean') {
      problems.push({
        field: 'body.partial',
        rule: 'boolean',
        message: 'say whether the refusal is partial',
        treaty: 'MIG-10.4',
      });
    }
  } else if (type === 'postponement') {
    // MIG-10.2: postponement with its reason.
    requireText('reason', 'MIG-10.2', 'the reason for the postponement');
  }
  return problems;
}

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
  'payment-confirmation',
];
