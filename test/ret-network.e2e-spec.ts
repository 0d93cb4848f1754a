import { appendFileSync, cpSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { addDays, loadSettlements, loadTreatyConfig, type TreatyRegistry } from '@mxg/config';
import type { ReimbursementClaim } from '@mxg/messages';
import { checkClaim, RateTable } from '@mxg/settlements';
import {
  createExchangeNetwork,
  type ExchangeNetwork,
  type GatewayUnderTest,
} from './support/exchange-network';
import { eventually } from './support/exchange-pair';
import { sql } from './support/faults';
import { retClaim } from './support/ret-claim';

interface MessageView {
  id: string;
  status: string;
  statusCode: string | null;
}
interface ClaimView {
  claimNumber: string;
  side: string;
  state: string;
  totalUsd: string;
  receivedOn: string | null;
  dueOn: string | null;
}
interface Refusal {
  code: string;
  message: string;
  errors?: { field: string; rule: string; treaty?: string }[];
}

/**
 * RET among three gateway processes — Kazakhstan's, Kyrgyzstan's and Russia's — where KG and RU
 * have no gateway in the shipped configuration: their gateway files and signatories are written
 * into the test's own copy of `config/` and nothing else (RET-7/8: a party joins by
 * configuration). Claims go from the state of stay to the state of residence (RET-3.1) between
 * each pair; a party not in force, a party that left and a claim in the wrong direction are
 * refused.
 */

/** Each party's development USD rate in its national currency (RET-3.7). */
const USD_RATE: Record<string, string> = { KZ: '478.50', KG: '87.45', RU: '80.10' };
const AUTHORITY = (party: string) => `${party}-RET`;
const SIGNATORY = (party: string) => `${party.toLowerCase()}-ret-finance-head`;

/** What an operator adds for a party that joins: its gateway file and its signatories. */
function addParty(configDir: string, party: string, who: { ru: string; en: string }): void {
  const id = party.toLowerCase();
  writeFileSync(
    join(configDir, 'gateways', `${id}.yaml`),
    stringify({
      party,
      http: { host: '127.0.0.1', port: 3100 },
      database: { name: `mxg_${id}` },
      amqp: { vhost: `mxg-${id}`, user: `mxg-${id}` },
      witnesses: [],
      clients: [],
    }),
  );
  appendFileSync(
    join(configDir, 'signatories.yaml'),
    stringify([
      {
        id: SIGNATORY(party),
        authority: AUTHORITY(party),
        person: who,
        position: { ru: 'Начальник финансового отдела', en: 'Head of the Finance Division' },
        certificate: `${id}/signatories/${SIGNATORY(party)}.cert.pem`,
        validFrom: '2016-01-01',
      },
    ]).replace(/^(?=.)/gm, '  '),
  );
}

describe('RET among three gateways, two of them added by configuration only (RET-3.1, RET-7/8)', () => {
  let network: ExchangeNetwork;
  let treaty: TreatyRegistry;
  let claim: (stay: string, residence: string, number: string) => ReimbursementClaim;

  beforeAll(async () => {
    network = await createExchangeNetwork({
      parties: ['KZ', 'KG', 'RU'],
      configure(configDir) {
        addParty(configDir, 'KG', { ru: 'Эсептеги Айбек', en: 'Esepteghi Aibek' });
        addParty(configDir, 'RU', { ru: 'Расчётов Пётр Ильич', en: 'Raschyotov Pyotr' });
      },
    });
    treaty = loadTreatyConfig(network.configDir);
    const { rounding } = loadSettlements(network.configDir, treaty);
    claim = (stay, residence, number) =>
      retClaim(
        {
          claimNumber: number,
          stayState: stay,
          residenceState: residence,
          usdRate: USD_RATE[stay],
        },
        treaty,
        rounding,
      );
  }, 180_000);
  afterAll(() => network?.close());

  const gateway = (party: string): GatewayUnderTest => network.gateway(party);
  const submit = (from: string, to: string, body: unknown) =>
    gateway(from).api<MessageView & Refusal>(AUTHORITY(from), 'POST', '/v1/messages', {
      agreement: 'RET',
      type: 'reimbursement-claim',
      to: { authority: AUTHORITY(to) },
      signatory: SIGNATORY(from),
      body,
    });
  const settled = (from: string, id: string) =>
    eventually(
      async () => {
        const { body } = await gateway(from).api<MessageView>(
          AUTHORITY(from),
          'GET',
          `/v1/messages/${id}`,
        );
        return ['delivered', 'rejected', 'failed'].includes(body.status) ? body : undefined;
      },
      30_000,
      `message ${id} settled at ${from}`,
    );
  const inInbox = (party: string, id: string) =>
    eventually(
      async () => {
        const { body } = await gateway(party).api<{ messages: { id: string }[] }>(
          AUTHORITY(party),
          'GET',
          '/v1/inbox',
        );
        return body.messages.find((m) => m.id === id);
      },
      30_000,
      `message ${id} in ${party}'s inbox`,
    );
  const rejectedAt = async (party: string, id: string) =>
    sql<{ error_code: string }>(
      gateway(party).db,
      `SELECT error_code FROM mxg.audit_entries WHERE event_type = 'message.rejected' AND message_id = $1`,
      [id],
    );

  it('builds claims the shared check finds valid for each pair (the test data, not the gateways)', () => {
    for (const [stay, residence] of [
      ['KZ', 'KG'],
      ['KG', 'RU'],
      ['RU', 'KZ'],
    ] as const) {
      const { problems } = checkClaim(claim(stay, residence, `${stay}-RET-CHECK`), {
        treaty,
        settlements: loadSettlements(network.configDir, treaty),
        rates: RateTable.empty(),
        from: { party: stay },
        to: { party: residence },
        sentOn: new Date().toISOString().slice(0, 10),
      });
      expect(problems).toEqual([]);
    }
  });

  it.each([
    ['KZ', 'KG'],
    ['KG', 'RU'],
    ['RU', 'KZ'],
  ])(
    'carries a claim from %s (state of stay) to %s (state of residence): accepted, received, receipt back',
    async (stay, residence) => {
      const body = claim(stay, residence, `${stay}-RET-2026-0001`);
      const sent = await submit(stay, residence, body);
      expect({ status: sent.status, code: sent.body.code }).toEqual({
        status: 202,
        code: undefined,
      });
      // The receiver's signed receipt came back: delivered, not refused.
      expect(await settled(stay, sent.body.id)).toMatchObject({
        status: 'delivered',
        statusCode: null,
      });
      await inInbox(residence, sent.body.id);
      const read = await gateway(residence).api<{
        header: { from: { party: string }; to: { party: string } };
        body: ReimbursementClaim;
      }>(AUTHORITY(residence), 'GET', `/v1/inbox/${sent.body.id}`);
      expect(read.status).toBe(200);
      expect(read.body.header).toMatchObject({
        from: { party: stay, authority: AUTHORITY(stay) },
        to: { party: residence, authority: AUTHORITY(residence) },
      });
      expect(read.body.body.total).toEqual(body.total);

      // Tracked on both sides (RET-4): due 30 days after receipt, a date the sender learns from
      // the receiver's signed receipt.
      const received = await gateway(residence).api<ClaimView>(
        AUTHORITY(residence),
        'GET',
        `/v1/claims/${sent.body.id}`,
      );
      expect(received.body).toMatchObject({
        claimNumber: body.claimNumber,
        side: 'residence',
        state: 'submitted',
        totalUsd: body.total.amount,
      });
      expect(received.body.dueOn).toBe(addDays(received.body.receivedOn!, 30));
      const recorded = await eventually(
        async () => {
          const { body: c } = await gateway(stay).api<ClaimView>(
            AUTHORITY(stay),
            'GET',
            `/v1/claims/${sent.body.id}`,
          );
          return c.dueOn === null ? undefined : c;
        },
        20_000,
        `the receipt's dueOn recorded at ${stay}`,
      );
      expect(recorded).toMatchObject({
        side: 'stay',
        receivedOn: received.body.receivedOn,
        dueOn: received.body.dueOn,
      });
    },
  );

  it.each([
    ['AM', 'has no notification with the depositary (RET-7/8)'],
    ['UA', 'left the protocol (leftOn in the past)'],
  ])('refuses at the sender a claim to %s, which %s: 422 AGREEMENT_NOT_IN_FORCE', async (party) => {
    const refused = await submit('KZ', party, claim('KZ', party, `KZ-RET-2026-${party}`));
    expect({ status: refused.status, code: refused.body.code }).toEqual({
      status: 422,
      code: 'AGREEMENT_NOT_IN_FORCE',
    });
    expect(refused.body.message).toContain(`not in force for ${party}`);
  });

  it('refuses at the sender a claim in the wrong direction: the body names the addressee as the state of stay (RET-3.1)', async () => {
    // KZ sends, but the body says the minor stayed in KG and lives in KZ: KZ would be claiming
    // from KG what KG is owed.
    const refused = await submit('KZ', 'KG', claim('KG', 'KZ', 'KZ-RET-2026-WRONG'));
    expect({ status: refused.status, code: refused.body.code }).toEqual({
      status: 422,
      code: 'CLAIM_INVALID',
    });
    expect(refused.body.errors?.map((e) => e.rule)).toEqual(
      expect.arrayContaining(['CLAIM_WRONG_DIRECTION']),
    );
    expect(refused.body.errors?.filter((e) => e.rule === 'CLAIM_WRONG_DIRECTION')).toHaveLength(2);
  });

  it("refuses at the receiver a claim from a party its own config says has left, with a negative receipt (RU's operator recorded KG's leaving, KG's did not)", async () => {
    // RU restarts with a configuration of its own in which KG left yesterday.
    const ruConfig = join(network.configDir, '..', 'config-ru-kg-left');
    cpSync(network.configDir, ruConfig, { recursive: true });
    const agreements = join(ruConfig, 'agreements.yaml');
    const before = readFileSync(agreements, 'utf8');
    const kg = '{ party: KG, notificationReceived: 2016-12-11, accession: true }';
    expect(before).toContain(kg);
    const yesterday = addDays(new Date().toISOString().slice(0, 10), -1);
    writeFileSync(agreements, before.replace(kg, kg.replace(' }', `, leftOn: ${yesterday} }`)));
    await gateway('RU').stop();
    await gateway('RU').start({ MXG_CONFIG_DIR: ruConfig });

    const seen = async (from: string) =>
      (
        await gateway(from).api<{
          parties: { code: string; agreements: { agreement: string; inForce: boolean }[] }[];
        }>('auditor', 'GET', '/v1/parties')
      ).body.parties
        .find((p) => p.code === 'KG')
        ?.agreements.find((a) => a.agreement === 'RET')?.inForce;
    expect(await seen('RU')).toBe(false);
    expect(await seen('KG')).toBe(true);

    const sent = await submit('KG', 'RU', claim('KG', 'RU', 'KG-RET-2026-0002'));
    expect(sent.status).toBe(202);
    expect(await settled('KG', sent.body.id)).toMatchObject({
      status: 'rejected',
      statusCode: 'AGREEMENT_NOT_IN_FORCE',
    });
    expect(await rejectedAt('RU', sent.body.id)).toEqual([
      { error_code: 'AGREEMENT_NOT_IN_FORCE' },
    ]);
    const stored = await sql(gateway('RU').db, 'SELECT 1 FROM mxg.messages WHERE id = $1', [
      sent.body.id,
    ]);
    expect(stored).toHaveLength(0);
  });
});
