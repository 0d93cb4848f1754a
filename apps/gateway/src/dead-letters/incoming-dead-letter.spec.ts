import { createHash } from 'node:crypto';
import { readIncomingDeadLetter } from './incoming-dead-letter';

const at = new Date('2026-12-06T10:00:00.000Z');
const hex = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');

describe(readIncomingDeadLetter.name, () => {
  const content = Buffer.from('an envelope, or garbage');

  it('reads a refusal of this gateway from the headers its relay wrote', () => {
    const sut = readIncomingDeadLetter(
      content,
      {
        messageId: 'f3b6a0f4-7b1e-4c1e-9f3a-2d1c0b9a8e7d',
        type: 'mxg.envelope',
        headers: {
          'x-mxg-error-code': 'SIGNATURE_INVALID',
          'x-mxg-error-layer': 'outer',
          'x-mxg-from-party': 'KZ',
          'x-mxg-delivery-bytes': String(content.length),
          'x-mxg-delivery-sha256': `sha256:${hex(content)}`,
          'x-mxg-outbox-id': '42',
        },
      },
      at,
    );
    expect(sut).toEqual({
      source: 'outbox:42',
      code: 'SIGNATURE_INVALID',
      layer: 'outer',
      kind: 'envelope',
      fromParty: 'KZ',
      transportMessageId: 'f3b6a0f4-7b1e-4c1e-9f3a-2d1c0b9a8e7d',
      size: content.length,
      sha256: hex(content),
      payload: content,
      properties: { type: 'mxg.envelope' },
      at,
    });
  });

  it('#10.9 keeps a delivery refused for its size as its declared size and digest, no payload', () => {
    const digest = 'ab'.repeat(32);
    const sut = readIncomingDeadLetter(
      Buffer.alloc(0),
      {
        messageId: 'unknown',
        type: 'mxg.receipt',
        headers: {
          'x-mxg-error-code': 'RECEIPT_TOO_LARGE',
          'x-mxg-delivery-bytes': '99999999',
          'x-mxg-delivery-sha256': `sha256:${digest}`,
          'x-mxg-payload': 'omitted',
          'x-mxg-outbox-id': '7',
        },
      },
      at,
    );
    expect(sut).toMatchObject({
      code: 'RECEIPT_TOO_LARGE',
      kind: 'receipt',
      transportMessageId: null,
      size: 99999999,
      sha256: digest,
      payload: null,
      properties: { type: 'mxg.receipt' },
    });
  });

  it('reads a delivery the broker gave up on as POISON, ignoring an error code among the sender’s headers', () => {
    const properties = {
      messageId: 'm-1',
      type: 'mxg.envelope',
      headers: {
        'x-mxg-error-code': 'FORGED_CODE',
        'x-mxg-from-party': 'RU',
        'x-first-death-reason': 'delivery_limit',
        'x-first-death-queue': 'mxg.inbox.az',
        'x-death': [
          {
            reason: 'delivery_limit',
            queue: 'mxg.inbox.az',
            time: { '!': 'timestamp', value: 1765000000 },
            count: 1,
          },
        ],
      },
    };
    const sut = readIncomingDeadLetter(content, properties, at);
    expect(sut).toMatchObject({
      code: 'POISON',
      layer: null,
      fromParty: null,
      payload: content,
      sha256: hex(content),
    });
    // A redelivery of the same dead letter is the same source; another death is another.
    expect(readIncomingDeadLetter(content, properties, at).source).toBe(sut.source);
    const later = structuredClone(properties);
    later.headers['x-death'][0].time.value = 1765000001;
    expect(readIncomingDeadLetter(content, later, at).source).not.toBe(sut.source);
  });

  it('names any other broker reason as a code of its own; a rejection (older brokers’ delivery limit) is POISON', () => {
    const died = (reason: string) =>
      readIncomingDeadLetter(content, { headers: { 'x-first-death-reason': reason } }, at).code;
    expect(died('expired')).toBe('BROKER_EXPIRED');
    expect(died('maxlen')).toBe('BROKER_MAXLEN');
    expect(died('rejected')).toBe('POISON');
  });

  it('keeps what it cannot read: no headers, a malformed code, layer, party or outbox id', () => {
    const sut = readIncomingDeadLetter(
      content,
      {
        headers: {
          'x-mxg-error-code': 'not a code; DROP TABLE',
          'x-mxg-error-layer': 'Outer Layer!',
          'x-mxg-from-party': 'Kazakhstan',
          'x-mxg-outbox-id': '1 OR 1=1',
        },
      },
      at,
    );
    expect(sut).toMatchObject({
      source: `refusal:${hex(content)}:`,
      code: 'REFUSED',
      layer: null,
      fromParty: null,
      kind: 'envelope',
      transportMessageId: null,
      payload: content,
    });
  });
});
