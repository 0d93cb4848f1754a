import { exampleMessage } from '@mxg/messages';
import type { MessageType } from '@mxg/config';
import { createExchangePair, eventually, type ExchangePair } from './support/exchange-pair';

interface MessageView {
  id: string;
  status: string;
  statusCode: string | null;
}

interface RequestView {
  state: string;
  messages: { id: string; status: string }[];
}

/**
 * The two sides of a request can cross: each gateway accepts its own message, then refuses the
 * other's. A refused message moved nothing at its receiver, so its sender undoes its move when
 * the negative receipt comes back (RequestTracker.rollBack) — and both sides hold the same
 * state again.
 */
describe('a request whose two sides cross: both refused, both rolled back, the same state on both gateways', () => {
  let pair: ExchangePair;

  beforeAll(async () => {
    pair = await createExchangePair();
  }, 120_000);

  afterAll(async () => {
    await pair?.close();
  });

  const submit = async (
    side: 'kz' | 'az',
    type: MessageType,
    inReplyTo?: string,
    body?: Record<string, unknown>,
  ): Promise<MessageView> => {
    const authority = side === 'kz' ? 'KZ-MVD' : 'AZ-DMX';
    const example = exampleMessage(type);
    const answer = await pair[side].api<MessageView>(authority, 'POST', '/v1/messages', {
      ...example,
      body: { ...example.body, ...body },
      ...(inReplyTo === undefined ? {} : { inReplyTo }),
    });
    expect(answer.status).toBe(202);
    return answer.body;
  };
  const settled = (side: 'kz' | 'az', id: string) =>
    eventually(async () => {
      const authority = side === 'kz' ? 'KZ-MVD' : 'AZ-DMX';
      const { body } = await pair[side].api<MessageView>(authority, 'GET', `/v1/messages/${id}`);
      return ['delivered', 'rejected'].includes(body.status) ? body : undefined;
    });
  const state = async (side: 'kz' | 'az', id: string) => {
    const authority = side === 'kz' ? 'KZ-MVD' : 'AZ-DMX';
    return (await pair[side].api<RequestView>(authority, 'GET', `/v1/requests/${id}`)).body;
  };

  it('a withdraw and a refusal in full sent at once: each refused with REQUEST_CLOSED, the request back in awaiting-clarification on both', async () => {
    const request = await submit('kz', 'request');
    expect(await settled('kz', request.id)).toMatchObject({ status: 'delivered' });
    const asked = await submit('az', 'clarification-request', request.id);
    expect(await settled('az', asked.id)).toMatchObject({ status: 'delivered' });

    // Neither can reach the other until both have sent.
    await pair.broker.stopLink('KZ', 'AZ');
    await pair.broker.stopLink('AZ', 'KZ');
    const withdraw = await submit('kz', 'withdraw', asked.id);
    const refusal = await submit('az', 'refusal', request.id, { partial: false });
    expect((await state('kz', request.id)).state).toBe('withdrawn');
    expect((await state('az', request.id)).state).toBe('refused');
    await pair.broker.startLink('KZ', 'AZ');
    await pair.broker.startLink('AZ', 'KZ');

    expect(await settled('kz', withdraw.id)).toMatchObject({
      status: 'rejected',
      statusCode: 'REQUEST_CLOSED',
    });
    expect(await settled('az', refusal.id)).toMatchObject({
      status: 'rejected',
      statusCode: 'REQUEST_CLOSED',
    });
    const both = await eventually(async () => {
      const [kz, az] = await Promise.all([state('kz', request.id), state('az', request.id)]);
      return kz.state === az.state ? { kz, az } : undefined;
    });
    expect(both.kz.state).toBe('awaiting-clarification');

    // Both may act again: the requester clarifies, and the request is open on both sides.
    const clarified = await submit('kz', 'clarification', asked.id);
    expect(await settled('kz', clarified.id)).toMatchObject({ status: 'delivered' });
    expect((await state('az', request.id)).state).toBe('open');
    expect((await state('kz', request.id)).state).toBe('open');
  });
});
