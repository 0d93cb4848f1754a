import type { AuthenticatedClient } from '../auth/auth.types';
import { ExchangeError } from './exchange.errors';
import type { MessageRecord } from './exchange.types';

/**
 * MIG-11.1, MIG-11.4: a national system sees only what its own authority sent or received;
 * security officers and auditors see every message's routing data. Unknown and forbidden
 * answer alike, so ids cannot be probed.
 */
export function assertMaySee(
  client: AuthenticatedClient,
  message: MessageRecord | undefined,
  id: string,
): MessageRecord {
  const own =
    message &&
    client.authority !== null &&
    [message.from.authority, message.to.authority].includes(client.authority);
  const overseer = client.roles.includes('auditor') || client.roles.includes('security-officer');
  if (!message || !(own || overseer)) {
    throw new ExchangeError('MESSAGE_NOT_FOUND', `no message ${id} is visible to this client`);
  }
  return message;
}

/**
 * Content (body, signed original) is for the authorities party to the message only, and only
 * while it exists: a destroyed message's content is gone (MESSAGE_DESTROYED).
 */
export function assertMayRead(
  client: AuthenticatedClient,
  message: MessageRecord | undefined,
  id: string,
): MessageRecord {
  if (
    !message ||
    client.authority === null ||
    ![message.from.authority, message.to.authority].includes(client.authority)
  ) {
    throw new ExchangeError('MESSAGE_NOT_FOUND', `no message ${id} is readable by this client`);
  }
  // MIG-11.5: its key and ciphertext are gone; the view says when and why.
  if (message.destroyedAt !== null) {
    throw new ExchangeError(
      'MESSAGE_DESTROYED',
      `the content of message ${id} was destroyed on ${message.destroyedAt.toISOString()} (${message.destroyedReason ?? 'unknown'}, MIG-11.5)`,
    );
  }
  return message;
}

/**
 * MIG-2: the competent authority a client acts for — of this gateway's party (`party`) when
 * given — or NOT_YOUR_AUTHORITY. Overseers (auditors, security officers) act for none.
 */
export function actingAuthority(client: AuthenticatedClient, party?: string): string {
  if (client.authority === null) {
    throw new ExchangeError('NOT_YOUR_AUTHORITY', `client ${client.id} acts for no authority`);
  }
  if (party !== undefined && !client.authority.startsWith(`${party}-`)) {
    throw new ExchangeError(
      'NOT_YOUR_AUTHORITY',
      `client ${client.id} does not act for a competent authority of ${party}`,
    );
  }
  return client.authority;
}
