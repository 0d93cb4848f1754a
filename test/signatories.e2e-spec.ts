import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse, stringify } from 'yaml';
import { addDays, BROKER_EXCHANGE, loadTreatyConfig } from '@mxg/config';
import { FileKeyStore, FileTrustStore, sealEnvelope, type SealedEnvelope } from '@mxg/envelope';
import { localDate } from '@mxg/lifecycle';
import { exampleMessage } from '@mxg/messages';
import { loadCertificatePem, partyPkiPaths } from '@mxg/pki';
import { eventually, registrationRequest } from './support/exchange-pair';
import {
  createExchangeNetwork,
  type ExchangeNetwork,
  type GatewayUnderTest,
} from './support/exchange-network';
import { migRequest } from './support/pki-fixture';
import { sql } from './support/faults';

/** Bound to KZ-MVD's national system; signs the list updates. */
const KEPT = 'kz-mvd-deputy-minister';
/** Not bound to it; removed from KZ-MVD's list by the update. */
const REMOVED = 'kz-mvd-migration-head';

interface Answer {
  id: string;
  code?: string;
  status?: string;
  messages?: { id: string }[];
}

interface SignatoriesView {
  list: { source: string; version?: number; direction?: string; messageId?: string };
  signatories: { id: string; certificates: { serial: string; sha256: string }[] }[];
  history: { version: number; effectiveFrom: string }[];
}

describe('MIG-9.3, MIG-9.4: who may sign as whom, and signatory lists as signed messages', () => {
  let net: ExchangeNetwork;
  let kz: GatewayUnderTest;
  let az: GatewayUnderTest;
  /** KZ-MVD's day today (Asia/Almaty) and the list's effective date, two days later. */
  let today: string;
  let effectiveFrom: string;

  beforeAll(async () => {
    net = await createExchangeNetwork({ parties: ['KZ', 'AZ'], start: { KZ: false } });
    kz = net.gateway('KZ');
    az = net.gateway('AZ');
    // KZ-MVD's national system may have the gateway sign for one of its two signatories.
    const file = kz.env.MXG_CLIENTS_FILE;
    const clients = parse(readFileSync(file, 'utf8')) as {
      clients: { id: string; signatories: string[] }[];
    };
    clients.clients.find((c) => c.id === 'kz-mvd-system')!.signatories = [KEPT];
    writeFileSync(file, stringify(clients));
    await kz.start();
    today = localDate(new Date(), 'Asia/Almaty');
    effectiveFrom = addDays(today, 2);
  }, 180_000);

  afterAll(async () => {
    await net?.close();
  });

  const settled = (id: string) =>
    eventually(async () => {
      const { body } = await kz.api<Answer>('KZ-MVD', 'GET', `/v1/messages/${id}`);
      return ['delivered', 'rejected'].includes(body.status!) ? body : undefined;
    });

  it('refuses a JSON submission naming a signatory not bound to the client: 403 SIGNATORY_NOT_BOUND, audited, nothing signed', async () => {
    const refused = await kz.api<Answer>('KZ-MVD', 'POST', '/v1/messages', {
      ...registrationRequest(),
      signatory: REMOVED,
    });
    expect(refused).toMatchObject({ status: 403, body: { code: 'SIGNATORY_NOT_BOUND' } });
    const audited = await sql<{ actor_user: string }>(
      kz.db,
      `SELECT actor_user FROM mxg.audit_entries
        WHERE event_type = 'message.submitted' AND outcome = 'failure' AND error_code = $1`,
      ['SIGNATORY_NOT_BOUND'],
    );
    expect(audited).toEqual([{ actor_user: 'kz-mvd-system' }]);
    const sealed = await sql(kz.db, `SELECT id FROM mxg.messages WHERE signatory_id = $1`, [
      REMOVED,
    ]);
    expect(sealed).toEqual([]);

    const bound = await kz.api<Answer>('KZ-MVD', 'POST', '/v1/messages', {
      ...registrationRequest(),
      signatory: KEPT,
    });
    expect(bound.status).toBe(202);
  });

  /** KZ-MVD's list: only KEPT, with the certificate the network's PKI issued them. */
  const listUpdate = (over: Record<string, unknown> = {}) => {
    const example = exampleMessage('signatory-list-update');
    const certificate = readFileSync(
      partyPkiPaths(net.certsDir, 'KZ').signatory(KEPT).certificate,
      'utf8',
    );
    const der = Buffer.from(certificate.replace(/-----[A-Z ]+-----|\s/g, ''), 'base64').toString(
      'base64',
    );
    const body = example.body as { signatories: Record<string, unknown>[] };
    return {
      ...example,
      signatory: KEPT,
      body: {
        ...body,
        effectiveFrom,
        version: 1,
        signatories: [{ ...body.signatories[0], id: KEPT, certificates: [der] }],
        ...over,
      },
    };
  };

  it('applies a list update from its effective date at both gateways, keeps it across a restart, audits it without names', async () => {
    const sent = await kz.api<Answer>('KZ-MVD', 'POST', '/v1/messages', listUpdate());
    expect(sent.status).toBe(202);
    expect(await settled(sent.body.id)).toMatchObject({ status: 'delivered' });

    const at = (gateway: GatewayUnderTest, day: string) =>
      gateway.api<SignatoriesView>(
        'security-officer',
        'GET',
        `/v1/signatories?authority=KZ-MVD&at=${day}`,
      );
    for (const [gateway, direction] of [
      [az, 'received'],
      [kz, 'sent'],
    ] as const) {
      const before = await at(gateway, addDays(effectiveFrom, -1));
      expect(before.status).toBe(200);
      expect(before.body.list).toEqual({ source: 'configuration' });
      expect(before.body.signatories.map((s) => s.id).sort()).toEqual([KEPT, REMOVED]);
      const from = await at(gateway, effectiveFrom);
      expect(from.body.list).toMatchObject({
        source: 'message',
        version: 1,
        direction,
        messageId: sent.body.id,
      });
      expect(from.body.signatories.map((s) => s.id)).toEqual([KEPT]);
      expect(from.body.signatories[0].certificates[0].sha256).toMatch(/^[0-9a-f]{64}$/);
    }

    // signatories.changed on both sides: ids, digests and fingerprints, no person's name.
    for (const gateway of [kz, az]) {
      const [entry] = await sql<{ details: Record<string, unknown> }>(
        gateway.db,
        `SELECT details FROM mxg.audit_entries WHERE event_type = 'signatories.changed'`,
      );
      expect(entry.details).toMatchObject({
        authority: 'KZ-MVD',
        version: 1,
        effectiveFrom,
        signatories: [KEPT],
      });
      expect(JSON.stringify(entry.details)).not.toMatch(/Тестов|Testov/);
    }

    // The history is in the database: a restarted gateway judges by it still.
    await az.stop();
    await az.start();
    expect((await at(az, effectiveFrom)).body.list).toMatchObject({
      source: 'message',
      version: 1,
    });
    // And it cannot be rewritten (append-only, MIG-9.4).
    await expect(sql(az.db, `UPDATE mxg.signatory_list_versions SET version = 7`)).rejects.toThrow(
      /append-only/,
    );
  });

  it('refuses a retroactive list and a stale version at the sender (SIGNATORY_LIST_RETROACTIVE, SIGNATORY_LIST_STALE)', async () => {
    const retroactive = await kz.api<Answer>(
      'KZ-MVD',
      'POST',
      '/v1/messages',
      listUpdate({ version: 2, effectiveFrom: addDays(today, -1) }),
    );
    expect(retroactive).toMatchObject({
      status: 422,
      body: { code: 'SIGNATORY_LIST_RETROACTIVE' },
    });
    const stale = await kz.api<Answer>(
      'KZ-MVD',
      'POST',
      '/v1/messages',
      listUpdate({ note: 'Другой список той же версии' }),
    );
    expect(stale).toMatchObject({ status: 409, body: { code: 'SIGNATORY_LIST_STALE' } });
  });

  it('accepts a message the removed person signed the day before the effective date, refuses one signed the day after', async () => {
    const treaty = loadTreatyConfig(net.configDir, join(net.configDir, '..'));
    const trust = new FileTrustStore(net.certsDir, treaty);
    const keys = new FileKeyStore(net.certsDir, 'KZ');
    const recipient = await loadCertificatePem(
      partyPkiPaths(net.certsDir, 'AZ').gateway.encryption.certificate,
    );
    /** A request the removed signatory signed, sealed by KZ's gateway, at `at`. */
    const sealedAt = async (at: Date): Promise<SealedEnvelope> =>
      sealEnvelope({
        message: migRequest(at),
        signatory: await keys.signatory(REMOVED),
        seal: await keys.seal(),
        recipient,
        trust,
        policy: treaty.agreement('MIG').algorithms,
        signingTime: at,
      });
    const amqp = await net.broker.connectUser('KZ');
    const channel = await amqp.createConfirmChannel();
    /** Delivered to AZ as KZ's gateway would, with AZ's clock at `at`. */
    const deliverAt = async (at: Date) => {
      const sealed = await sealedAt(at);
      az.setClockOffset(at.getTime() - Date.now());
      channel.publish(BROKER_EXCHANGE, 'az', Buffer.from(sealed.envelope), {
        persistent: true,
        messageId: sealed.header.id,
        type: 'mxg.envelope',
      });
      await channel.waitForConfirms();
      return sealed.header.id;
    };
    const outcome = (id: string) =>
      eventually(async () => {
        const [row] = await sql<{ outcome: string; error_code: string | null }>(
          az.db,
          `SELECT outcome, error_code FROM mxg.audit_entries
            WHERE message_id = $1 AND event_type IN ('message.received', 'message.rejected')`,
          [id],
        );
        return row;
      }, 30_000);
    try {
      // 11:00 in Almaty on the day before, and on the day after, the effective date.
      const dayBefore = await deliverAt(new Date(`${addDays(effectiveFrom, -1)}T06:00:00Z`));
      expect(await outcome(dayBefore)).toEqual({ outcome: 'success', error_code: null });
      const dayAfter = await deliverAt(new Date(`${addDays(effectiveFrom, 1)}T06:00:00Z`));
      expect(await outcome(dayAfter)).toEqual({
        outcome: 'failure',
        error_code: 'SIGNATORY_NOT_AUTHORISED',
      });
    } finally {
      az.setClockOffset(0);
      await channel.close();
      await amqp.close();
    }
  });
});
