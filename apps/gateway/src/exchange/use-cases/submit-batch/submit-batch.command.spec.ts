import { JsonError, MAX_JSON_DEPTH } from '@mxg/core';
import { ExchangeError } from '../../exchange.errors';
import { type BatchItem, MAX_BATCH_ITEMS, readBatch } from './submit-batch.command';

const bytes = (value: unknown) => Buffer.from(JSON.stringify(value));
const message = { agreement: 'MIG', type: 'notice', to: { authority: 'AZ-DMX' } };

function refusal(item: BatchItem) {
  if (!('refusal' in item)) throw new Error(`item ${item.index} was not refused`);
  return {
    code: item.refusal.code,
    errors: (item.refusal.details as { errors?: unknown }).errors,
  };
}

function thrown(run: () => unknown): { code: string; errors?: unknown } {
  try {
    run();
  } catch (error) {
    const e = error as ExchangeError;
    return { code: e.code, errors: (e.details as { errors?: unknown }).errors };
  }
  throw new Error('did not throw');
}

describe(readBatch.name, () => {
  it('reads each item into what POST /messages would submit, in order, with its key', () => {
    const signed = Buffer.from([0x30, 0x03, 0x02, 0x01, 0x00]);
    const sut = readBatch(
      bytes({
        items: [{ idempotencyKey: 'k-1', message }, { signedData: signed.toString('base64') }],
      }),
    );
    expect(sut).toEqual([
      { index: 0, idempotencyKey: 'k-1', submission: { kind: 'json-value', value: message } },
      { index: 1, idempotencyKey: undefined, submission: { kind: 'signed', signedData: signed } },
    ]);
  });

  it('refuses a malformed item alone, naming its fields, and keeps the others', () => {
    const sut = readBatch(
      bytes({
        items: [
          'not an object',
          { message, extra: 1 },
          { idempotencyKey: 'é', message },
          { idempotencyKey: 'x'.repeat(201), message },
          {},
          { message, signedData: 'AAAA' },
          { signedData: 'not base64!' },
          { signedData: '' },
          { signedData: 'AAA' },
          { message },
        ],
      }),
    );
    expect(sut.map((item) => ('refusal' in item ? refusal(item).errors : 'ok'))).toEqual([
      [{ field: 'item', rule: 'object', message: 'a batch item must be an object' }],
      [expect.objectContaining({ field: 'extra', rule: 'unknown' })],
      [expect.objectContaining({ field: 'idempotencyKey', rule: 'format' })],
      [expect.objectContaining({ field: 'idempotencyKey', rule: 'format' })],
      [expect.objectContaining({ field: 'message', rule: 'required' })],
      [expect.objectContaining({ field: 'signedData', rule: 'exclusive' })],
      [expect.objectContaining({ field: 'signedData', rule: 'base64' })],
      [expect.objectContaining({ field: 'signedData', rule: 'base64' })],
      [expect.objectContaining({ field: 'signedData', rule: 'base64' })],
      'ok',
    ]);
    expect(sut.filter((item) => 'refusal' in item).map((i) => refusal(i).code)).toEqual(
      Array(9).fill('VALIDATION_FAILED'),
    );
    // An invalid key is not echoed back.
    expect(sut[2].idempotencyKey).toBeUndefined();
  });

  it('refuses an item repeating an earlier item’s key as BATCH_ITEM_DUPLICATE, the first kept', () => {
    const sut = readBatch(
      bytes({
        items: [
          { idempotencyKey: 'same', message },
          { idempotencyKey: 'other', message },
          { idempotencyKey: 'same', message: { ...message, type: 'request' } },
          { idempotencyKey: 'same', message },
        ],
      }),
    );
    expect(sut.map((item) => ('refusal' in item ? refusal(item).code : 'ok'))).toEqual([
      'ok',
      'ok',
      'BATCH_ITEM_DUPLICATE',
      'BATCH_ITEM_DUPLICATE',
    ]);
    expect(sut[2]).toMatchObject({ idempotencyKey: 'same' });
    expect((sut[3] as { refusal: Error }).refusal.message).toContain('item 0');
  });

  it('gives a refused item the digest of what it held, and items with no key none', () => {
    const [a, b] = readBatch(
      bytes({
        items: [
          { message, extra: true },
          { message, extra: true },
        ],
      }),
    );
    expect('refusal' in a && a.digest).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect('refusal' in b && b.digest).toBe('refusal' in a && a.digest);
  });

  it.each([
    ['an array', []],
    ['no items', {}],
    ['items not an array', { items: { 0: message } }],
    ['no item at all', { items: [] }],
    ['a member a batch does not have', { items: [{ message }], dryRun: true }],
  ])('refuses a body that is not a batch, whole: %s', (_what, body) => {
    expect(thrown(() => readBatch(bytes(body)))).toMatchObject({ code: 'VALIDATION_FAILED' });
  });

  it(`refuses more than ${MAX_BATCH_ITEMS} items as BATCH_TOO_LARGE, and takes exactly that many`, () => {
    const items = Array.from({ length: MAX_BATCH_ITEMS }, () => ({ message }));
    expect(readBatch(bytes({ items }))).toHaveLength(MAX_BATCH_ITEMS);
    expect(thrown(() => readBatch(bytes({ items: [...items, { message }] })))).toEqual({
      code: 'BATCH_TOO_LARGE',
      errors: undefined,
    });
  });

  it('reads the whole body strictly: a duplicate member anywhere refuses the batch', () => {
    const body = Buffer.from(
      '{"items":[{"message":{"agreement":"MIG","agreement":"RET"}},{"message":{}}]}',
    );
    const error = thrown(() => readBatch(body));
    expect(error.code).toBe('JSON_NOT_REPRESENTABLE');
    expect(() => readBatch(Buffer.from('{"items":[{"message":{"n":1e400}}]}'))).toThrow(JsonError);
  });

  it('holds a message to the depth POST /messages allows, no more', () => {
    const nested = (depth: number): unknown => (depth === 1 ? {} : { a: nested(depth - 1) });
    // A message of MAX_JSON_DEPTH levels passes POST /messages, so it passes in a batch too …
    expect(readBatch(bytes({ items: [{ message: nested(MAX_JSON_DEPTH) }] }))).toHaveLength(1);
    // … and one level more is refused, as POST /messages refuses it.
    expect(
      thrown(() => readBatch(bytes({ items: [{ message: nested(MAX_JSON_DEPTH + 1) }] }))),
    ).toMatchObject({ code: 'JSON_NOT_REPRESENTABLE' });
  });
});
