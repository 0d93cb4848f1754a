import type { TreatyRegistry } from '@mxg/config';
import { EnvelopeError } from './envelope.errors';
import type { MessageHeader } from './message/message-header';

/**
 * What the treaties require of any exchange, whoever checks it (the sending gateway before it
 * seals, the receiving one before it decrypts): the agreement in force for both parties
 * (MIG-17, RET-7/8), the message type allowed by it (MIG-8..11), and both authorities
 * registered, active, of their parties and named by the agreement (MIG-2).
 */
export function assertExchangeAllowed(
  header: MessageHeader,
  treaty: TreatyRegistry,
  at: Date,
): void {
  const agreement = treaty.allAgreements().find((a) => a.code === header.agreement);
  if (!agreement) {
    throw new EnvelopeError(
      'AGREEMENT_NOT_IN_FORCE',
      `agreement ${header.agreement} is not configured`,
      'message',
    );
  }
  const day = at.toISOString().slice(0, 10);
  // MIG-17: a message answering an earlier one belongs to an exchange under way, which runs to
  // its end after termination; the request lifecycle checks that its request is one.
  const underWay = header.inReplyTo !== null;
  for (const { party } of [header.from, header.to]) {
    if (!treaty.isParticipating(agreement.code, party, at, { underWay })) {
      throw new EnvelopeError(
        'AGREEMENT_NOT_IN_FORCE',
        `${agreement.code} is not in force for ${party} on ${day} (${agreement.kind === 'bilateral' ? 'MIG-17' : 'RET-7/8'})`,
        'message',
      );
    }
  }
  if (!treaty.allowsMessageType(agreement.code, header.type)) {
    throw new EnvelopeError(
      'MESSAGE_TYPE_NOT_ALLOWED',
      `${agreement.code} does not provide for ${header.type} messages`,
      'message',
    );
  }
  for (const { party, authority } of [header.from, header.to]) {
    const registered = treaty.allAuthorities().find((a) => a.code === authority);
    const named = agreement.authorities.length === 0 || agreement.authorities.includes(authority);
    if (
      !registered ||
      registered.party !== party ||
      !named ||
      !treaty.isAuthorityActive(authority, at)
    ) {
      throw new EnvelopeError(
        'AUTHORITY_NOT_REGISTERED',
        `${authority} is not a competent authority of ${party} under ${agreement.code} on ${day} (MIG-2)`,
        'message',
      );
    }
  }
}
