import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createExchangePair, eventually, registrationRequest } from './support/exchange-pair';
import type { ExchangePair, GatewayUnderTest } from './support/exchange-pair';
import { mxg, partyAuditKeys } from './support/audit-fixtures';
import { publishCraftedNotice } from './support/destruction-notice';
import { sql } from './support/faults';
import { type AuditView, auditEntries, audited } from './support/request-flow';

/**
 * MIG-11.5 across two real gateways (docs/retention.md): KZ-MVD sends AZ-DMX requests; each
 * gateway stamps a due date on its copy when it stores it, from a short test policy (1 day by
 * default, 2 for `residence-and-work`, which the request carries). Moving both gateways' clocks
 * 3 days on makes them due: AZ destroys its received copy by crypto-shredding — key, ciphertext
 * and envelope gone, the `messages` row, receipts and audit trail kept — and sends KZ a signed
 * destruction notice, which KZ records on its own copy. A legal hold keeps a message past its
 * due date until lifted; a security officer can destroy one early; refusals have their codes.
 */

const DAY_MS = 24 * 60 * 60 * 1000;
const SWEEP_MS = '200';

interface View {
  id: string;
  status: string;
  digest: string;
  destroyed: { at: string; reason: string } | null;
  destroyedByRecipient: { at: string; notice: string } | null;
}

interface RetentionView {
  categories: string[];
  rule: string;
  retainUntil: string | null;
  hold: { at: string; reference: string; by: string } | null;
}

const TEST_POLICY = `agreements:
  - agreement: MIG
    default: { days: 1 }
    categories:
      residence-and-work: { days: 2 }
    noticeSignatories:
      KZ-MVD: kz-mvd-migration-head
      KZ-MTSZN: kz-mtszn-committee-head
      AZ-DMX: az-dmx-information-head
  - agreement: RET
    default: { days: 1 }
`;

describe('retention and destruction (MIG-11.5)', () => {
  let pair: ExchangePair;
  let kz: GatewayUnderTest;
  let az: GatewayUnderTest;

  beforeAll(async () => {
    pair = await createExchangePair({ start: { kz: false, az: false } });
    ({ kz, az } = pair);
    writeFileSync(join(pair.configDir, 'retention.yaml'), TEST_POLICY);
    await kz.start({ MXG_RETENTION_SWEEP_MS: SWEEP_MS });
    await az.start({ MXG_RETENTION_SWEEP_MS: SWEEP_MS });
  }, 120_000);

  afterAll(async () => {
    await pair?.close();
  });

  const view = async (g: GatewayUnderTest, id: string) => {
    const { status, body } = await g.api<View>('security-officer', 'GET', `/v1/messages/${id}`);
    expect(status).toBe(200);
    return body;
  };
  const retention = async (g: GatewayUnderTest, id: string) =>
    (await g.api<RetentionView>('security-officer', 'GET', `/v1/messages/${id}/retention`)).body;
  const count = async (g: GatewayUnderTest, text: string, id: string) =>
    (await sql<{ n: number }>(g.db, text, [id]))[0].n;
  /** What of a message's content a database still holds: key, ciphertext, envelope payloads. */
  const remains = async (g: GatewayUnderTest, id: string) => ({
    keys: await count(
      g,
      `SELECT count(*)::int AS n FROM mxg.message_keys WHERE message_id = $1`,
      id,
    ),
    contents: await count(
      g,
      `SELECT count(*)::int AS n FROM mxg.message_contents WHERE message_id = $1`,
      id,
    ),
    outboxPayloads: await count(
      g,
      `SELECT count(*)::int AS n FROM mxg.outbox
        WHERE message_id = $1 AND kind IN ('envelope', 'dead-letter') AND payload IS NOT NULL`,
      id,
    ),
  });
  const destroyedAt = (g: GatewayUnderTest, id: string, what = '') =>
    eventually(
      async () => {
        const v = await view(g, id);
        return v.destroyed ? v : undefined;
      },
      20_000,
      `${g.party} destroys ${id} ${what}`,
    );

  /** KZ-MVD sends AZ-DMX a request; returns its id once KZ holds AZ's receipt. */
  const exchange = async (): Promise<string> => {
    const { status, body } = await kz.api<View>(
      'KZ-MVD',
      'POST',
      '/v1/messages',
      registrationRequest(),
    );
    expect(status).toBe(202);
    await eventually(
      async () => ((await view(kz, body.id)).status === 'delivered' ? true : undefined),
      20_000,
      `${body.id} delivered`,
    );
    return body.id;
  };

  let due: string; // destroyed by the schedule
  let held: string; // held past its due date, destroyed once released
  let dueDigest: string;

  it('stamps each copy with its due date when it is stored: the longest period of its categories', async () => {
    due = await exchange();
    held = await exchange();
    dueDigest = (await view(kz, due)).digest;
    for (const g of [kz, az]) {
      const stored = await sql<{ recorded_at: Date }>(
        g.db,
        `SELECT recorded_at FROM mxg.messages WHERE id = $1`,
        [due],
      );
      expect(await retention(g, due)).toEqual({
        categories: ['registration', 'residence-and-work'],
        rule: 'category:residence-and-work',
        retainUntil: new Date(stored[0].recorded_at.getTime() + 2 * DAY_MS).toISOString(),
        hold: null,
        destroyed: null,
      });
    }
    // Before it is due, AZ holds its content; it is readable.
    expect(await remains(az, due)).toMatchObject({ contents: 1 });
    expect((await az.api('AZ-DMX', 'GET', `/v1/inbox/${due}`)).status).toBe(200);
  });

  it('a legal hold is put by a security officer only, with a reference code, audited', async () => {
    const refused = await az.api('AZ-DMX', 'PUT', `/v1/messages/${held}/hold`, {
      reference: 'CASE-2026/17',
    });
    expect(refused.status).toBe(403);
    expect(refused.body).toMatchObject({ code: 'AUTH_FORBIDDEN' });
    const freeText = await az.api('security-officer', 'PUT', `/v1/messages/${held}/hold`, {
      reference: 'the case of Mr X',
    });
    expect(freeText.status).toBe(400);
    expect(freeText.body).toMatchObject({ code: 'VALIDATION_FAILED' });
    await audited(
      az,
      { type: 'data.held' },
      (e) => e.errorCode === 'VALIDATION_FAILED' && e.details.requestedId === held,
      'the refused hold',
    );

    const { status, body } = await az.api<RetentionView>(
      'security-officer',
      'PUT',
      `/v1/messages/${held}/hold`,
      { reference: 'CASE-2026/17' },
    );
    expect(status).toBe(200);
    expect(body.hold).toMatchObject({ reference: 'CASE-2026/17', by: 'security-officer' });
    const entry = await audited(az, { messageId: held, type: 'data.held' });
    expect(entry).toMatchObject({ outcome: 'success', details: { reference: 'CASE-2026/17' } });

    // A held message is not destroyed early either.
    const early = await az.api('security-officer', 'POST', `/v1/messages/${held}/destroy`, {
      reason: 'purpose-fulfilled',
    });
    expect(early.status).toBe(409);
    expect(early.body).toMatchObject({ code: 'MESSAGE_HELD' });
    await audited(
      az,
      { messageId: held, type: 'data.destroyed' },
      (e) => e.outcome === 'failure' && e.errorCode === 'MESSAGE_HELD',
    );
  });

  let notice: string;

  it('destroys what is due: key, ciphertext and envelope gone, routing row and audit trail kept, the provider notified', async () => {
    // Three days on, at both gateways: both copies of `due` and `held` are due.
    kz.setClockOffset(3 * DAY_MS);
    az.setClockOffset(3 * DAY_MS);

    const destroyed = await destroyedAt(az, due);
    expect(destroyed).toMatchObject({
      digest: dueDigest,
      destroyed: { reason: 'retention-expired' },
    });
    expect(await remains(az, due)).toEqual({ keys: 0, contents: 0, outboxPayloads: 0 });
    // The routing row, with its digest, and the receipt AZ sent stay.
    expect(await count(az, `SELECT count(*)::int AS n FROM mxg.messages WHERE id = $1`, due)).toBe(
      1,
    );
    expect(
      await count(az, `SELECT count(*)::int AS n FROM mxg.receipts WHERE message_id = $1`, due),
    ).toBe(1);

    // Reads of its content answer 410 with a specific code.
    for (const path of [`/v1/inbox/${due}`, `/v1/messages/${due}/signed`]) {
      const read = await az.api('AZ-DMX', 'GET', path);
      expect(read.status).toBe(410);
      expect(read.body).toMatchObject({ code: 'MESSAGE_DESTROYED' });
    }

    // The destruction is on AZ's record: the message's digest, codes and ids only.
    const entry = await audited(az, { messageId: due, type: 'data.destroyed' });
    expect(entry).toMatchObject({
      outcome: 'success',
      contentDigest: dueDigest,
      details: {
        reason: 'retention-expired',
        rule: 'category:residence-and-work',
        reference: null,
        direction: 'incoming',
      },
    });
    notice = String(entry.details.notice);
    expect(notice).toMatch(/^[0-9a-f-]{36}$/);

    // The signed notice went through the normal exchange: KZ's receipt came back …
    await eventually(
      async () => ((await view(az, notice)).status === 'delivered' ? true : undefined),
      20_000,
      'the notice delivered',
    );
    // … and KZ recorded it on its own copy, audited.
    const atKz = await eventually(async () => {
      const v = await view(kz, due);
      return v.destroyedByRecipient ? v : undefined;
    });
    expect(atKz.destroyedByRecipient).toEqual({ at: destroyed.destroyed!.at, notice });
    expect(await view(kz, notice)).toMatchObject({ status: 'received' });
    await audited(
      kz,
      { messageId: due, type: 'data.recipient-destroyed' },
      (e) => e.details.notice === notice && e.details.reason === 'retention-expired',
    );
    // KZ's own copy was due too: destroyed by KZ's schedule, with no notice (it sent it).
    const kzEntry = await audited(kz, { messageId: due, type: 'data.destroyed' });
    expect(kzEntry.details).toMatchObject({ direction: 'outgoing', notice: null });
    expect(await remains(kz, due)).toEqual({ keys: 0, contents: 0, outboxPayloads: 0 });
  });

  it('keeps a held message past its due date, and destroys it once the hold is lifted', async () => {
    // The sweep that destroyed `due` claimed every message due then — `held` was due before
    // `due` was destroyed — and left the held one.
    expect((await view(az, held)).destroyed).toBeNull();
    expect(await remains(az, held)).toMatchObject({ contents: 1 });
    const { retainUntil } = await retention(az, held);
    expect(Date.parse(retainUntil!)).toBeLessThan(Date.now() + 3 * DAY_MS);
    // KZ's own copy was not held: destroyed.
    expect((await view(kz, held)).destroyed).toMatchObject({ reason: 'retention-expired' });

    const wrongRole = await az.api('auditor', 'DELETE', `/v1/messages/${held}/hold`);
    expect(wrongRole.status).toBe(403);
    const released = await az.api<RetentionView>(
      'security-officer',
      'DELETE',
      `/v1/messages/${held}/hold`,
    );
    expect(released.status).toBe(200);
    expect(released.body.hold).toBeNull();
    await audited(az, { messageId: held, type: 'data.released' }, (e) => e.outcome === 'success');

    await destroyedAt(az, held, 'after its hold is lifted');
    expect(await remains(az, held)).toEqual({ keys: 0, contents: 0, outboxPayloads: 0 });
    await eventually(async () => {
      const v = await view(kz, held);
      return v.destroyedByRecipient ? v : undefined;
    });

    const again = await az.api('security-officer', 'DELETE', `/v1/messages/${held}/hold`);
    expect(again.status).toBe(409);
    expect(again.body).toMatchObject({ code: 'MESSAGE_NOT_HELD' });
  });

  it('a security officer destroys a message early, for a reason from the closed list; refusals have codes', async () => {
    const early = await exchange(); // stored now: due only in 2 days
    expect((await view(az, early)).destroyed).toBeNull();

    const noReason = await az.api('security-officer', 'POST', `/v1/messages/${early}/destroy`, {
      reason: 'because I said so',
    });
    expect(noReason.status).toBe(400);
    expect(noReason.body).toMatchObject({ code: 'VALIDATION_FAILED' });
    await audited(
      az,
      { type: 'data.destroyed' },
      (e) => e.errorCode === 'VALIDATION_FAILED' && e.details.requestedId === early,
      'the refused destruction',
    );
    const auditor = await az.api('auditor', 'POST', `/v1/messages/${early}/destroy`, {
      reason: 'received-in-error',
    });
    expect(auditor.status).toBe(403);
    expect(auditor.body).toMatchObject({ code: 'AUTH_FORBIDDEN' });
    expect(await remains(az, early)).toMatchObject({ contents: 1 });

    const { status, body } = await az.api<View>(
      'security-officer',
      'POST',
      `/v1/messages/${early}/destroy`,
      {
        reason: 'received-in-error',
        reference: 'ORDER-5',
      },
    );
    expect(status).toBe(200);
    expect(body.destroyed).toMatchObject({ reason: 'received-in-error' });
    expect(await remains(az, early)).toEqual({ keys: 0, contents: 0, outboxPayloads: 0 });
    const entry = await audited(
      az,
      { messageId: early, type: 'data.destroyed' },
      (e) => e.outcome === 'success',
    );
    expect(entry.details).toMatchObject({
      reason: 'received-in-error',
      rule: 'early',
      reference: 'ORDER-5',
    });
    expect((entry as AuditView & { actor: unknown }).actor).toMatchObject({
      role: 'security-officer',
      user: 'security-officer',
    });
    await audited(
      kz,
      { messageId: early, type: 'data.recipient-destroyed' },
      (e) => e.details.reason === 'received-in-error' && e.details.notice === entry.details.notice,
    );

    const twice = await az.api('security-officer', 'POST', `/v1/messages/${early}/destroy`, {
      reason: 'received-in-error',
    });
    expect(twice.status).toBe(409);
    expect(twice.body).toMatchObject({ code: 'MESSAGE_ALREADY_DESTROYED' });
    const hold = await az.api('security-officer', 'PUT', `/v1/messages/${early}/hold`, {
      reference: 'CASE-1',
    });
    expect(hold.status).toBe(409);
    expect(hold.body).toMatchObject({ code: 'MESSAGE_ALREADY_DESTROYED' });

    // A destruction notice is the proof of a destruction: kept.
    const kept = await kz.api('security-officer', 'POST', `/v1/messages/${notice}/destroy`, {
      reason: 'purpose-fulfilled',
    });
    expect(kept.status).toBe(409);
    expect(kept.body).toMatchObject({ code: 'MESSAGE_KEPT' });
  });

  it('only the gateway sends destruction notices: a national system cannot', async () => {
    const { status, body } = await az.api('AZ-DMX', 'POST', '/v1/messages', {
      agreement: 'MIG',
      type: 'destruction-notice',
      to: { authority: 'KZ-MVD' },
      signatory: 'az-dmx-information-head',
      body: {
        messages: [
          {
            id: due,
            digest: dueDigest,
            destroyedAt: new Date().toISOString(),
            reasonCode: 'retention-expired',
          },
        ],
      },
    });
    expect(status).toBe(422);
    expect(body).toMatchObject({ code: 'MESSAGE_TYPE_RESERVED' });
  });

  it('refuses a notice naming a message the provider never sent to its author, with a negative receipt', async () => {
    const unknown = '7d0f4a55-2f4b-4c61-9d61-3a4c7e1f0b9e';
    const at = new Date(Date.now() + 3 * DAY_MS);
    const crafted = await publishCraftedNotice(
      pair,
      [
        {
          id: unknown,
          digest: dueDigest,
          destroyedAt: at.toISOString(),
          reasonCode: 'retention-expired',
        },
      ],
      at,
    );
    const entry = await audited(
      kz,
      { messageId: crafted, type: 'message.rejected' },
      () => true,
      'the crafted notice refused',
    );
    expect(entry.errorCode).toBe('DESTRUCTION_NOTICE_UNKNOWN_MESSAGE');
    expect(
      await count(kz, `SELECT count(*)::int AS n FROM mxg.messages WHERE id = $1`, crafted),
    ).toBe(0);
    // The negative receipt is on KZ's outbox for AZ.
    expect(
      await count(
        kz,
        `SELECT count(*)::int AS n FROM mxg.outbox WHERE message_id = $1 AND kind = 'receipt'`,
        crafted,
      ),
    ).toBe(1);
    // A real message of KZ's, named with a wrong digest, is refused as well.
    const wrongDigest = await publishCraftedNotice(
      pair,
      [
        {
          id: due,
          digest: `sha256:${'0'.repeat(64)}`,
          destroyedAt: at.toISOString(),
          reasonCode: 'retention-expired',
        },
      ],
      at,
    );
    const second = await audited(kz, { messageId: wrongDigest, type: 'message.rejected' });
    expect(second.errorCode).toBe('DESTRUCTION_NOTICE_UNKNOWN_MESSAGE');
  });

  /** Each destruction entry of a log names a message its gateway still has a row for. */
  it('every destruction entry names a message whose routing row and digest remain', async () => {
    for (const g of [kz, az]) {
      const entries: AuditView[] = await auditEntries(g, { type: 'data.destroyed' });
      const successes = entries.filter((e) => e.outcome === 'success');
      expect(successes.length).toBeGreaterThanOrEqual(2);
      for (const e of successes) {
        const [row] = await sql<{ digest: string; destroyed_at: Date | null }>(
          g.db,
          `SELECT digest, destroyed_at FROM mxg.messages WHERE id = $1`,
          [e.messageId],
        );
        expect(row).toMatchObject({ digest: e.contentDigest });
        expect(row.destroyed_at).not.toBeNull();
      }
    }
  });
  // Last: `mxg` runs synchronously and blocks this process's event loop for seconds, so an HTTP
  // connection kept alive across it may have been closed by the gateway meanwhile.
  it('both audit logs, destruction entries included, pass mxg audit verify', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'mxg-retention-audit-'));
    try {
      const cas = (await Promise.all([partyAuditKeys('KZ'), partyAuditKeys('AZ')])).flatMap((k) => [
        '--ca',
        k.caPath,
      ]);
      for (const g of [kz, az]) {
        const out = join(dir, `${g.id}.jsonl`);
        const env = { MXG_CONFIG_DIR: pair.configDir, DATABASE_URL: g.db.appUrl };
        // Exported once the log's checkpoints cover the destruction entries.
        await eventually(
          () => {
            const exported = mxg(['audit', 'export', '--gateway', g.id, '--out', out], env);
            expect(exported.status).toBe(0);
            const done = readFileSync(out, 'utf8').includes('"data.destroyed"');
            return Promise.resolve(done ? true : undefined);
          },
          30_000,
          `${g.id}'s export with its destruction entries`,
        );
        const result = mxg(['audit', 'verify', out, ...cas, '--no-require-witness']);
        expect(`${result.stdout}${result.stderr}`).toMatch(/^audit verify: VALID/);
        expect(result.status).toBe(0);
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
