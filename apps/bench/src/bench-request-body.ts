import { randomUUID } from 'node:crypto';
import { exampleMessage } from '@mxg/messages';
import { encodeMessage, MESSAGE_FORMAT, type MessageHeader, type MxgMessage } from '@mxg/envelope';

/**
 * The example request's body (examples/messages/request.json) without its person and
 * photograph: a valid body of a couple of hundred bytes, which the benches pad to their sizes in
 * its free-text `otherInformation` (Cyrillic, so MIG-15 flags nothing).
 */
export function benchRequestBody(): Record<string, unknown> {
  const body: Record<string, unknown> = { ...exampleMessage('request').body };
  delete body.persons;
  delete body.attachments;
  return body;
}

/** The header of a KZ-MVD → AZ-DMX MIG request that opens its own correspondence. */
export function benchHeader(id: string = randomUUID(), at: Date = new Date()): MessageHeader {
  return {
    format: MESSAGE_FORMAT,
    id,
    type: 'request',
    agreement: 'MIG',
    from: { party: 'KZ', authority: 'KZ-MVD' },
    to: { party: 'AZ', authority: 'AZ-DMX' },
    createdAt: at.toISOString(),
    correlationId: id,
    inReplyTo: null,
  };
}

/** A KZ-MVD → AZ-DMX MIG request of `bytes` canonical bytes, with a fresh id. */
export function benchMessage(bytes: number): MxgMessage {
  const base: MxgMessage = {
    header: benchHeader(),
    body: { ...benchRequestBody(), otherInformation: '' },
  };
  const padding = bytes - encodeMessage(base).length;
  return {
    ...base,
    body: {
      ...base.body,
      otherInformation: 'ж'.repeat(Math.floor(padding / 2)) + '.'.repeat(padding % 2),
    },
  };
}
