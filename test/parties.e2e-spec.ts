import { Client } from 'pg';
import { createExchangePair, type ExchangePair } from './support/exchange-pair';

interface ParticipationView {
  agreement: string;
  notificationReceived: string | null;
  accession: boolean;
  participatingFrom: string | null;
  leftOn: string | null;
  inForce: boolean;
}
interface PartyView {
  code: string;
  names: { ru: string; en: string };
  currency: string;
  nationalBank: { code: string; ru: string; en: string };
  authorities: string[];
  agreements: ParticipationView[];
}

/**
 * GET /parties on a real gateway process: each party's currency and national bank (RET-3.7) and
 * the participation the gateway computed from the depositary's dates (RET-7/8), also kept in the
 * config snapshot of its database.
 */
describe('GET /parties (RET-7/8 participation, RET-3.7 national banks)', () => {
  let pair: ExchangePair;
  let parties: PartyView[];

  beforeAll(async () => {
    pair = await createExchangePair();
    const answer = await pair.kz.api<{ on: string; parties: PartyView[] }>(
      'auditor',
      'GET',
      '/v1/parties',
    );
    expect(answer.status).toBe(200);
    expect(answer.body.on).toBe(new Date().toISOString().slice(0, 10));
    parties = answer.body.parties;
  }, 90_000);
  afterAll(() => pair?.close());

  const ret = (code: string) =>
    parties.find((p) => p.code === code)?.agreements.find((a) => a.agreement === 'RET');

  it('lists the eleven parties with currency, national bank and authorities', () => {
    expect(parties.map((p) => p.code)).toEqual([
      'KZ', 'AZ', 'RU', 'AM', 'TJ', 'BY', 'TM', 'UZ', 'KG', 'UA', 'MD',
    ]); // prettier-ignore
    expect(parties.find((p) => p.code === 'KZ')).toMatchObject({
      currency: 'KZT',
      nationalBank: { code: 'NBK', en: 'National Bank of Kazakhstan' },
      authorities: ['KZ-MVD', 'KZ-MTSZN', 'KZ-RET'],
    });
    expect(parties.find((p) => p.code === 'KG')).toMatchObject({
      currency: 'KGS',
      nationalBank: { code: 'NBKR' },
      authorities: ['KG-RET'],
    });
  });

  it('computes RET starts from the third notification and later ones, and says who is in force today', () => {
    // KZ 2016-01-15, AZ 2016-01-20, RU 2016-01-31 (the third): in force from 2016-03-01.
    expect(ret('KZ')).toEqual({
      agreement: 'RET',
      notificationReceived: '2016-01-15',
      accession: false,
      participatingFrom: '2016-03-01',
      leftOn: null,
      inForce: true,
    });
    expect(ret('RU')).toMatchObject({ participatingFrom: '2016-03-01', inForce: true });
    expect(ret('BY')).toMatchObject({
      notificationReceived: '2016-02-10',
      participatingFrom: '2016-03-11',
    });
    expect(ret('KG')).toMatchObject({
      accession: true,
      participatingFrom: '2017-01-10',
      inForce: true,
    });
    expect(ret('AM')).toMatchObject({
      notificationReceived: null,
      participatingFrom: null,
      inForce: false,
    });
    expect(ret('UA')).toMatchObject({ leftOn: '2019-01-01', inForce: false });
  });

  it('marks the RET authorities as placeholders on GET /authorities (the texts name none)', async () => {
    const { body } = await pair.kz.api<{
      authorities: { code: string; placeholder: boolean }[];
    }>('auditor', 'GET', '/v1/authorities');
    const placeholders = body.authorities.filter((a) => a.placeholder).map((a) => a.code);
    expect(placeholders).toHaveLength(11);
    expect(placeholders).toContain('KG-RET');
    expect(body.authorities.find((a) => a.code === 'KZ-MVD')?.placeholder).toBe(false);
  });

  it('shows MIG-17 participation for the two MIG parties only', () => {
    const mig = parties.find((p) => p.code === 'AZ')?.agreements.find((a) => a.agreement === 'MIG');
    expect(mig).toMatchObject({ participatingFrom: '2020-06-01', leftOn: null, inForce: true });
    expect(parties.find((p) => p.code === 'RU')?.agreements.map((a) => a.agreement)).toEqual([
      'RET',
    ]);
  });

  it('records the computed dates in the config snapshot', async () => {
    const client = new Client({ connectionString: pair.kz.db.appUrl });
    await client.connect();
    try {
      const { rows } = await client.query<{ participation: Record<string, unknown>[] }>(
        'SELECT participation FROM config_snapshots ORDER BY id DESC LIMIT 1',
      );
      expect(rows[0]?.participation).toEqual(
        expect.arrayContaining([
          expect.objectContaining({
            agreement: 'RET',
            party: 'KZ',
            participatingFrom: '2016-03-01',
          }),
          expect.objectContaining({ agreement: 'RET', party: 'UA', leftOn: '2019-01-01' }),
          expect.objectContaining({ agreement: 'RET', party: 'AM', participatingFrom: null }),
        ]),
      );
    } finally {
      await client.end();
    }
  });

  it('is for the roles that read /authorities, and documented in the OpenAPI description', async () => {
    for (const client of ['KZ-RET', 'security-officer']) {
      expect((await pair.kz.api(client, 'GET', '/v1/parties')).status).toBe(200);
    }
    const anonymous = await fetch(`http://127.0.0.1:${pair.kz.port}/v1/parties`);
    expect(anonymous.status).toBe(401);
    const docs = (await (await fetch(`http://127.0.0.1:${pair.kz.port}/docs-json`)).json()) as {
      paths: Record<string, { get?: { responses: Record<string, { content?: unknown }> } }>;
      components: { schemas: Record<string, { properties?: Record<string, unknown> }> };
    };
    expect(JSON.stringify(docs.paths['/v1/parties']?.get?.responses['200'])).toContain(
      'PartiesView',
    );
    expect(Object.keys(docs.components.schemas.ParticipationView?.properties ?? {})).toEqual(
      expect.arrayContaining(['notificationReceived', 'participatingFrom', 'leftOn', 'inForce']),
    );
  });
});
