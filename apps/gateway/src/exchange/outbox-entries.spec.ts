import { randomUUID } from 'node:crypto';
import { deliveryEvidence } from './delivery-evidence';
import {
  deadLetterEntry,
  envelopeEntry,
  receiptEntry,
  receiptSubject,
  replayEntry,
} from './outbox-entries';

const at = new Date('2026-12-01T10:00:00.000Z');

describe('outbox entries: what travels beside the payload (MIG-11.1, docs/confidentiality.md)', () => {
  it('gives an envelope its id, its kind and the receiving party’s routing key — no type, agreement or parties', () => {
    const id = randomUUID();
    // A whole header, as the submit and resend use cases pass it.
    const header = {
      id,
      type: 'request',
      agreement: 'MIG',
      from: { party: 'KZ', authority: 'KZ-MVD' },
      to: { party: 'AZ', authority: 'AZ-DMX' },
    };
    const entry = envelopeEntry(header, at);
    expect(entry).toMatchObject({ messageId: id, kind: 'envelope', routingKey: 'az' });
    expect(entry.properties).toEqual({ messageId: id, type: 'mxg.envelope', headers: {} });
  });

  it('gives a receipt `receipt:<id>` and nothing about the agreement; the receiver reads the id back', () => {
    const id = randomUUID();
    const entry = receiptEntry(id, 'KZ', new Uint8Array([1, 2, 3]), at);
    expect(entry).toMatchObject({ messageId: id, kind: 'receipt', routingKey: 'kz' });
    expect(entry.properties).toEqual({
      messageId: `receipt:${id}`,
      type: 'mxg.receipt',
      headers: {},
    });
    expect(receiptSubject(entry.properties.messageId)).toBe(id);
  });

  it('reads no message id from a transport id that is not a receipt’s', () => {
    expect(receiptSubject(undefined)).toBeUndefined();
    expect(receiptSubject('garbage-1')).toBeUndefined();
    expect(receiptSubject(randomUUID())).toBeUndefined();
  });

  it('labels a dead letter with codes, size and digest only', () => {
    const payload = new Uint8Array([9, 9, 9]);
    const entry = deadLetterEntry(
      'AZ',
      { payload, transportMessageId: 'x', evidence: deliveryEvidence(payload) },
      { code: 'MALFORMED_ENVELOPE', layer: 'outer' },
      at,
    );
    expect(Object.keys(entry.properties.headers).sort()).toEqual([
      'x-mxg-delivery-bytes',
      'x-mxg-delivery-sha256',
      'x-mxg-error-code',
      'x-mxg-error-layer',
    ]);
  });

  it('#17 names an authenticated sender’s party on a dead letter, and keeps a refused receipt’s type', () => {
    const payload = new Uint8Array([1]);
    const entry = deadLetterEntry(
      'AZ',
      {
        payload,
        transportMessageId: 'receipt:x',
        evidence: deliveryEvidence(payload),
        kind: 'receipt',
        fromParty: 'KZ',
      },
      { code: 'RECEIPT_UNKNOWN_MESSAGE' },
      at,
    );
    expect(entry.properties.type).toBe('mxg.receipt');
    expect(entry.properties.headers['x-mxg-from-party']).toBe('KZ');
  });

  it('#17 replays a dead letter into the own inbox by the default exchange, under its message id', () => {
    const id = randomUUID();
    const entry = replayEntry(
      'AZ',
      { id: 'dl-1', transportMessageId: id, type: 'mxg.envelope', payload: new Uint8Array([7]) },
      at,
    );
    expect(entry).toMatchObject({
      kind: 'replay',
      exchange: '',
      routingKey: 'mxg.inbox.az',
      messageId: id,
      properties: { messageId: id, type: 'mxg.envelope', headers: { 'x-mxg-replay-of': 'dl-1' } },
    });
  });
});
