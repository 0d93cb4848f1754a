import { exampleMessage } from '@mxg/messages';
import { createExchangePair, eventually, type ExchangePair } from './support/exchange-pair';

interface AuthorityView {
  code: string;
  name: { ru: string; en: string };
  names: { from: string; ru: string; en: string }[];
  changes: { effectiveFrom: string; change: string }[];
}

interface MessageView {
  id: string;
  status: string;
  statusCode: string | null;
  code?: string;
}

const RENAMED = {
  ru: 'Министерство внутренних дел и миграции Республики Казахстан',
  en: 'Ministry of Internal Affairs and Migration of the Republic of Kazakhstan',
};

/** A rename of KZ-MVD from `effectiveFrom`, notified by KZ-MVD to AZ-DMX (MIG-2). */
function rename(effectiveFrom: string, names = RENAMED) {
  const example = exampleMessage('authority-change-notice');
  return {
    ...example,
    body: {
      authority: 'KZ-MVD',
      change: 'rename',
      names,
      effectiveFrom,
      description: 'Переименование министерства; функции в области миграции сохраняются',
    },
  };
}

describe('MIG-2: an authority-change notice is a signed message the receiver applies from its effective date', () => {
  let pair: ExchangePair;

  beforeAll(async () => {
    pair = await createExchangePair();
  }, 120_000);

  afterAll(async () => {
    await pair?.close();
  });

  const kzMvdAt = async () => {
    const { body } = await pair.az.api<{ authorities: AuthorityView[] }>(
      'AZ-DMX',
      'GET',
      '/v1/authorities',
    );
    return body.authorities.find((a) => a.code === 'KZ-MVD')!;
  };

  const settled = (id: string) =>
    eventually(async () => {
      const { body } = await pair.kz.api<MessageView>('KZ-MVD', 'GET', `/v1/messages/${id}`);
      return ['delivered', 'rejected'].includes(body.status) ? body : undefined;
    });

  it('renames KZ-MVD at AZ from the effective date, keeps the old name before it, and keeps it across a restart', async () => {
    const before = await kzMvdAt();
    expect(before.names).toHaveLength(1);
    const sent = await pair.kz.api<MessageView>(
      'KZ-MVD',
      'POST',
      '/v1/messages',
      rename('2030-01-01'),
    );
    expect(sent.status).toBe(202);
    expect(await settled(sent.body.id)).toMatchObject({ status: 'delivered' });

    const after = await kzMvdAt();
    expect(after.names).toEqual([before.names[0], { from: '2030-01-01', ...RENAMED }]);
    // Not in force before its date: the name today is still the old one.
    expect(after.name).toMatchObject({ ru: before.names[0].ru, en: before.names[0].en });
    expect(after.changes).toMatchObject([{ effectiveFrom: '2030-01-01', change: 'rename' }]);

    // The stored signed notices are the record: a restarted gateway applies them again.
    await pair.az.stop();
    await pair.az.start();
    expect((await kzMvdAt()).names).toEqual(after.names);
  });

  it('refuses at the receiver a rename that contradicts one it holds (AUTHORITY_CHANGE_CONFLICT), with a negative receipt', async () => {
    const sent = await pair.kz.api<MessageView>(
      'KZ-MVD',
      'POST',
      '/v1/messages',
      rename('2030-01-01', { ru: 'Другое название министерства', en: 'Another name' }),
    );
    // KZ's own registry follows its authorities.yaml, so only AZ knows of the earlier notice.
    expect(sent.status).toBe(202);
    expect(await settled(sent.body.id)).toMatchObject({
      status: 'rejected',
      statusCode: 'AUTHORITY_CHANGE_CONFLICT',
    });
    expect((await kzMvdAt()).names.at(-1)).toEqual({ from: '2030-01-01', ...RENAMED });
  });

  it('refuses at the sender a notice about another party’s authority (AUTHORITY_CHANGE_INVALID)', async () => {
    const answer = await pair.az.api<MessageView>('AZ-DMX', 'POST', '/v1/messages', {
      ...rename('2030-06-01'),
      to: { authority: 'KZ-MVD' },
      signatory: 'az-dmx-deputy-head',
    });
    expect(answer).toMatchObject({ status: 422, body: { code: 'AUTHORITY_CHANGE_INVALID' } });
  });
});
