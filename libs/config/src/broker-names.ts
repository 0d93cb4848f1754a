/**
 * Names in the RabbitMQ vhost, shared by provisioning (which grants each gateway's user exactly
 * these) and routing. Routing keys and names carry party codes only — never personal data.
 */
export const BROKER_EXCHANGE = 'mxg.messages';
export const BROKER_DEAD_LETTER_EXCHANGE = 'mxg.dead-letter';

export function inboxQueue(partyCode: string): string {
  return `mxg.inbox.${partyCode.toLowerCase()}`;
}

export function deadLetterQueue(partyCode: string): string {
  return `mxg.dead-letter.${partyCode.toLowerCase()}`;
}

/** Regular expressions as RabbitMQ permissions take them. */
export function escapeForPermission(name: string): string {
  return `^${name.replace(/[.*+?^${}()|[\]\\-]/g, '\\$&')}$`;
}
