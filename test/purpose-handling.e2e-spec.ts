import { randomUUID } from 'node:crypto';
import { exampleMessage } from '@mxg/messages';
import {
  createExchangePair,
  type ExchangePair,
  type GatewayUnderTest,
} from './support/exchange-pair';
import { sql } from './support/faults';
import {
  audited,
  bodyFor,
  Conversation,
  craftEnvelope,
  deadLetter,
  delivered,
  END,
  errorCodeOf,
  type Exchanged,
  gatewayOf,
  messageAt,
  openReceiptFor,
  publishCrafted,
  requestAt,
} from './support/request-flow';

/**
 * Purpose binding, handling restrictions and audited reads of personal data across two real
 * gateways (issue #12; docs/purpose-and-handling.md): a request's purpose code is held and shown
 * by both gateways for the request and every answer (MIG-11.2); the restrictions an answer
 * carries, and those its provider adds later by `handling-restriction`, are recorded as codes on
 * both sides (MIG-11.2, MIG-11.3) — and only for the provider's own messages; every read of a
 * message's content is on the audit record before it is returned, with who read it and for
 * which purpose (MIG-11.4).
 */

const PURPOSE = exampleMessage('request').body.purpose as string;
const KZ_CLIENT = 'kz-mvd-system'; // the client of KZ-MVD's national system (exchange-pair)

/** What the message views add (ProtectionView). */
interface Protected {
  id: string;
  purpose: string | null;
  handling: {
    restrictions: string[];
    treaty: string[];
    addedBy: { restriction: string; messageId: string; at: string }[];
  } | null;
  body?: unknown;
  code?: string;
  errors?: { field: string }[];
}

interface AuditRow {
  event_type: string;
  actor_authority: string | null;
  actor_role: string | null;
  actor_user: string | null;
  message_id: string | null;
  correlation_id: string | null;
  outcome: string;
  error_code: string | null;
  details: Record<string, unknown>;
}

/** The audit entries of `type` for `messageId` at `gateway`, straight from its table (sequenced or not). */
const auditRows = (gateway: GatewayUnderTest, type: string, messageId: string) =>
  sql<AuditRow>(
    gateway.db,
    `SELECT event_type, actor_authority, actor_role, actor_user, message_id, correlation_id,
            outcome, error_code, details
       FROM mxg.audit_entries WHERE event_type = $1 AND message_id = $2 ORDER BY id`,
    [type, messageId],
  );

const restrictionRows = (gateway: GatewayUnderTest, messageId: string) =>
  sql<{ restriction: string; added_by: string }>(
    gateway.db,
    `SELECT restriction, added_by FROM mxg.handling_restrictions
      WHERE message_id = $1 ORDER BY added_at, restriction`,
    [messageId],
  );

/** What no audit entry may hold: the example person's names, document number, birth date, free text. */
const PERSONAL = [
  'Сейтказиев',
  'SEITKAZIEV',
  'Нұрлан',
  'NURLAN',
  'N12345678',
  '1990-04-17',
  'Шымкент',
  'не подлежат',
];

describe('purpose binding, handling restrictions and audited reads (MIG-11.2..MIG-11.4)', () => {
  let pair: ExchangePair;
  let kz: GatewayUnderTest;
  let az: GatewayUnderTest;
  let conversation: Conversation;
  let request: Exchanged;
  let response: Exchanged;

  beforeAll(async () => {
    pair = await createExchangePair();
    kz = pair.kz;
    az = pair.az;
    conversation = new Conversation(pair);
    request = await conversation.send('request', 'requester');
    // Only no-judicial-use listed: the treaty's purpose-only and no-onward-transfer hold anyway.
    response = await conversation.send('response', 'requested', {
      ...bodyFor('response'),
      handling: {
        restrictions: ['no-judicial-use'],
        conditions: 'Сведения не подлежат опубликованию',
      },
    });
  }, 120_000);
  afterAll(async () => {
    await pair?.close();
  });

  describe('the purpose of a request binds its answers (MIG-11.2)', () => {
    it('is stored with the request on both gateways and shown by the request views', async () => {
      for (const side of ['requester', 'requested'] as const) {
        const { status, body } = await requestAt(pair, side, request.id);
        expect(status).toBe(200);
        expect(body).toMatchObject({ id: request.id, purpose: PURPOSE, state: 'answered' });
        const listed = await gatewayOf(pair, side).api<{
          requests: { id: string; purpose: string }[];
        }>(END[side].authority, 'GET', '/v1/requests?limit=500');
        expect(listed.body.requests.find((r) => r.id === request.id)?.purpose).toBe(PURPOSE);
      }
      for (const [gateway, db] of [
        [kz, 'requester'],
        [az, 'requested'],
      ] as const) {
        expect(
          await sql(gateway.db, `SELECT side, purpose FROM mxg.requests WHERE id = $1`, [
            request.id,
          ]),
        ).toEqual([{ side: db, purpose: PURPOSE }]);
      }
    });

    it('binds the request and its response to it in every message view, on both sides', async () => {
      for (const side of ['requester', 'requested'] as const) {
        for (const id of [request.id, response.id]) {
          const { body } = await messageAt(pair, side, id);
          expect(body).toMatchObject({ id, purpose: PURPOSE });
        }
        const { body } = await requestAt(pair, side, request.id);
        expect((body.messages as unknown as Protected[]).map((m) => [m.id, m.purpose])).toEqual([
          [request.id, PURPOSE],
          [response.id, PURPOSE],
        ]);
      }
      const inbox = await kz.api<{ messages: Protected[] }>('KZ-MVD', 'GET', '/v1/inbox?limit=500');
      expect(inbox.body.messages.find((m) => m.id === response.id)?.purpose).toBe(PURPOSE);
      const read = await kz.api<Protected>('KZ-MVD', 'GET', `/v1/inbox/${response.id}`);
      expect(read).toMatchObject({ status: 200, body: { id: response.id, purpose: PURPOSE } });
    });

    it('binds a message outside a request to none', async () => {
      const notice = new Conversation(pair);
      const sent = await notice.send('notice', 'requester');
      expect((await messageAt(pair, 'requester', sent.id)).body).toMatchObject({ purpose: null });
      const read = await az.api<Protected>('AZ-DMX', 'GET', `/v1/inbox/${sent.id}`);
      expect(read.body).toMatchObject({ id: sent.id, purpose: null });
      // A notice may carry restrictions; this one sets none: the treaty's own are shown.
      expect(read.body.handling).toEqual({
        restrictions: ['purpose-only', 'no-onward-transfer'],
        treaty: ['purpose-only', 'no-onward-transfer'],
        addedBy: [],
      });
    });
  });

  describe('handling restrictions travel signed with the answer (MIG-11.2, MIG-11.3)', () => {
    it('records the codes the response carries on the receiver, and on the sender, free text left out', async () => {
      for (const gateway of [kz, az]) {
        expect(await restrictionRows(gateway, response.id)).toEqual([
          { restriction: 'no-judicial-use', added_by: response.id },
        ]);
      }
      const entry = await audited(kz, { messageId: response.id, type: 'handling.restricted' });
      expect(entry.details).toEqual({
        messages: [response.id],
        restrictions: ['no-judicial-use'],
      });
      await audited(az, { messageId: response.id, type: 'handling.restricted' });
    });

    it('shows the restrictions in force — the treaty’s own and those set — and which message set them', async () => {
      const { body } = await messageAt(pair, 'requester', response.id);
      const handling = (body as unknown as Protected).handling!;
      expect(handling.restrictions).toEqual([
        'purpose-only',
        'no-judicial-use',
        'no-onward-transfer',
      ]);
      expect(handling.treaty).toEqual(['purpose-only', 'no-onward-transfer']);
      expect(handling.addedBy).toEqual([
        { restriction: 'no-judicial-use', messageId: response.id, at: expect.any(String) },
      ]);
      // A message that carries no personal data back shows no handling.
      expect((await messageAt(pair, 'requester', request.id)).body).toMatchObject({
        handling: null,
      });
    });
  });

  describe('a handling-restriction adds restrictions later (MIG-11.2)', () => {
    const later = (messages: string[], restrictions: string[]) => ({
      agreement: 'MIG',
      type: 'handling-restriction',
      to: { authority: END.requester.authority },
      signatory: END.requested.signatory,
      body: { messages, restrictions, conditions: 'Только с письменного согласия' },
    });

    it('is accepted for the provider’s own message, recorded and audited on both sides, and shown with the message', async () => {
      const { status, body } = await az.api<{ id: string }>(
        'AZ-DMX',
        'POST',
        '/v1/messages',
        later([response.id], ['no-judicial-use', 'no-onward-transfer']),
      );
      expect(status).toBe(202);
      await delivered(pair, 'requested', body.id);
      for (const gateway of [kz, az]) {
        expect(await restrictionRows(gateway, response.id)).toEqual([
          { restriction: 'no-judicial-use', added_by: response.id },
          { restriction: 'no-judicial-use', added_by: body.id },
          { restriction: 'no-onward-transfer', added_by: body.id },
        ]);
        const entry = await audited(gateway, { messageId: body.id, type: 'handling.restricted' });
        expect(entry.details).toEqual({
          messages: [response.id],
          restrictions: ['no-judicial-use', 'no-onward-transfer'],
        });
      }
      const view = (await messageAt(pair, 'requester', response.id)).body as unknown as Protected;
      expect(view.handling!.addedBy.map((a) => [a.restriction, a.messageId])).toEqual([
        ['no-judicial-use', response.id],
        ['no-judicial-use', body.id],
        ['no-onward-transfer', body.id],
      ]);
      // The handling-restriction itself answers no request: it is bound to no purpose.
      expect((await messageAt(pair, 'requester', body.id)).body).toMatchObject({ purpose: null });
    });

    it('is refused by the sender’s gateway for a message its authority did not send the addressee (audited)', async () => {
      const unknown = randomUUID();
      // The request AZ-DMX received, and an id no message has.
      for (const named of [request.id, unknown]) {
        const { status, body } = await az.api<{ code: string; message: string }>(
          'AZ-DMX',
          'POST',
          '/v1/messages',
          later([response.id, named], ['no-judicial-use']),
        );
        expect(status).toBe(422);
        expect(body.code).toBe('HANDLING_TARGET_NOT_SENT');
        expect(body.message).toContain(named);
      }
      const refused = await sql<{ n: string }>(
        az.db,
        `SELECT count(*) AS n FROM mxg.audit_entries WHERE event_type = 'message.submitted'
            AND outcome = 'failure' AND error_code = 'HANDLING_TARGET_NOT_SENT'`,
      );
      expect(refused).toEqual([{ n: '2' }]);
      expect(
        await sql(az.db, `SELECT 1 FROM mxg.handling_restrictions WHERE message_id = $1`, [
          request.id,
        ]),
      ).toEqual([]);
    });

    it('is refused by the receiver for a message its sender did not send it: negative receipt, dead letter, message.rejected', async () => {
      // Crafted past AZ's checks: AZ-DMX restricts KZ-MVD's own request.
      const crafted = await craftEnvelope({
        type: 'handling-restriction',
        side: 'requested',
        correlationId: randomUUID(),
        inReplyTo: null,
        body: { messages: [request.id], restrictions: ['no-judicial-use'] },
      });
      const id = crafted.header.id;
      await publishCrafted(pair, crafted);
      const dead = await deadLetter(pair, 'KZ', id);
      expect(errorCodeOf(dead)).toBe('HANDLING_TARGET_NOT_SENT');
      const rejected = await audited(kz, { messageId: id, type: 'message.rejected' });
      expect(rejected.errorCode).toBe('HANDLING_TARGET_NOT_SENT');
      const returned = await deadLetter(pair, 'AZ', `receipt:${id}`);
      expect(await openReceiptFor(returned.content, 'AZ')).toMatchObject({
        messageId: id,
        status: 'rejected',
        code: 'HANDLING_TARGET_NOT_SENT',
      });
      expect(
        await sql(kz.db, `SELECT 1 FROM mxg.handling_restrictions WHERE added_by = $1`, [id]),
      ).toEqual([]);
      expect((await messageAt(pair, 'requester', id)).status).toBe(404);
    });
  });

  describe('every read of personal data is audited before it is returned (MIG-11.4)', () => {
    it('GET /inbox/{id}: who, which message, the bound purpose — on the record when the body arrives', async () => {
      const read = await kz.api<Protected>('KZ-MVD', 'GET', `/v1/inbox/${response.id}`);
      expect(read.status).toBe(200);
      expect(read.body.body).toBeDefined();
      // Read straight after the answer: the entry was committed before the body was sent.
      const entries = await auditRows(kz, 'data.accessed', response.id);
      expect(entries.at(-1)).toEqual({
        event_type: 'data.accessed',
        actor_authority: 'KZ-MVD',
        actor_role: 'publisher',
        actor_user: KZ_CLIENT,
        message_id: response.id,
        correlation_id: request.id,
        outcome: 'success',
        error_code: null,
        details: { view: 'body', purpose: PURPOSE, statedPurpose: null, purposeMatches: null },
      });
    });

    it('records a purpose the national system states, and one other than the bound one as such', async () => {
      const before = (await auditRows(kz, 'data.accessed', response.id)).length;
      const same = await kz.api('KZ-MVD', 'GET', `/v1/inbox/${response.id}`, undefined, {
        'MXG-Purpose': PURPOSE,
      });
      const other = await kz.api('KZ-MVD', 'GET', `/v1/messages/${response.id}/signed`, undefined, {
        'MXG-Purpose': 'judicial-proceedings',
      });
      expect([same.status, other.status]).toEqual([200, 200]);
      expect(Buffer.isBuffer(other.body) && other.body.length).toBeGreaterThan(0);
      const entries = (await auditRows(kz, 'data.accessed', response.id)).slice(before);
      expect(entries.map((e) => e.details)).toEqual([
        { view: 'body', purpose: PURPOSE, statedPurpose: PURPOSE, purposeMatches: true },
        {
          view: 'signed',
          purpose: PURPOSE,
          statedPurpose: 'judicial-proceedings',
          purposeMatches: false,
        },
      ]);
    });

    it('refuses a stated purpose that is not a code, and audits the refusal', async () => {
      const before = (await auditRows(kz, 'data.accessed', response.id)).length;
      const { status, body } = await kz.api<Protected>(
        'KZ-MVD',
        'GET',
        `/v1/inbox/${response.id}`,
        undefined,
        { 'MXG-Purpose': 'curiosity' },
      );
      expect(status).toBe(400);
      expect(body).toMatchObject({ code: 'VALIDATION_FAILED', errors: [{ field: 'MXG-Purpose' }] });
      expect(body.body).toBeUndefined();
      const [entry] = (await auditRows(kz, 'data.accessed', response.id)).slice(before);
      expect(entry).toMatchObject({
        outcome: 'failure',
        error_code: 'VALIDATION_FAILED',
        details: { view: 'body', purpose: PURPOSE },
      });
      expect(JSON.stringify(entry)).not.toContain('curiosity');
    });

    it('audits the sender’s reads of its own signed original too, bound to the request’s purpose', async () => {
      const { status } = await az.api('AZ-DMX', 'GET', `/v1/messages/${response.id}/signed`);
      expect(status).toBe(200);
      const [entry] = (await auditRows(az, 'data.accessed', response.id)).slice(-1);
      expect(entry).toMatchObject({
        actor_authority: 'AZ-DMX',
        actor_role: 'publisher',
        actor_user: 'az-dmx-system',
        details: { view: 'signed', purpose: PURPOSE },
      });
    });

    it('does not count routing data as a read of personal data', async () => {
      const before = (await auditRows(kz, 'data.accessed', response.id)).length;
      expect((await kz.api('KZ-MVD', 'GET', `/v1/messages/${response.id}`)).status).toBe(200);
      expect((await kz.api('KZ-MVD', 'GET', '/v1/inbox')).status).toBe(200);
      expect((await kz.api('KZ-MVD', 'GET', `/v1/requests/${request.id}`)).status).toBe(200);
      expect((await kz.api('KZ-MVD', 'GET', `/v1/messages/${response.id}/receipt`)).status).toBe(
        200,
      );
      expect(await auditRows(kz, 'data.accessed', response.id)).toHaveLength(before);
    });

    it('keeps everything personal out of the entries: ids, codes and the purpose only', async () => {
      for (const gateway of [kz, az]) {
        const rows = await sql(
          gateway.db,
          `SELECT * FROM mxg.audit_entries
            WHERE event_type IN ('data.accessed', 'handling.restricted')`,
        );
        expect(rows.length).toBeGreaterThan(0);
        const text = JSON.stringify(rows);
        for (const value of PERSONAL) expect(text).not.toContain(value);
      }
    });

    it('returns nothing when the read cannot be audited', async () => {
      await sql(
        kz.db,
        `CREATE FUNCTION mxg.refuse_reads() RETURNS trigger LANGUAGE plpgsql AS $$
           BEGIN RAISE EXCEPTION 'audit log unavailable for reads'; END $$;
         CREATE TRIGGER refuse_reads BEFORE INSERT ON mxg.audit_entries FOR EACH ROW
           WHEN (NEW.event_type = 'data.accessed') EXECUTE FUNCTION mxg.refuse_reads()`,
      );
      try {
        const inbox = await kz.api<Protected>('KZ-MVD', 'GET', `/v1/inbox/${response.id}`);
        const signed = await kz.api('KZ-MVD', 'GET', `/v1/messages/${response.id}/signed`);
        for (const answer of [inbox, signed]) {
          expect(answer.status).toBeGreaterThanOrEqual(500);
          expect(Buffer.isBuffer(answer.body)).toBe(false);
          expect(answer.body).not.toHaveProperty('body');
          expect(JSON.stringify(answer.body)).not.toContain('SEITKAZIEV');
        }
      } finally {
        await sql(
          kz.db,
          `DROP TRIGGER refuse_reads ON mxg.audit_entries; DROP FUNCTION mxg.refuse_reads()`,
        );
      }
      // Reads work again once the log takes entries.
      expect((await kz.api('KZ-MVD', 'GET', `/v1/inbox/${response.id}`)).status).toBe(200);
    });
  });
});
