import { randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { MessageType } from '@mxg/config';
import { mxg, partyAuditKeys } from './support/audit-fixtures';
import {
  createExchangePair,
  eventually,
  type ExchangePair,
  type GatewayUnderTest,
} from './support/exchange-pair';
import { sql } from './support/faults';
import {
  type AuditView,
  auditEntries,
  audited,
  Conversation,
  craftEnvelope,
  deadLetter,
  delivered,
  errorCodeOf,
  messageAt,
  openReceiptFor,
  publishCrafted,
  submissionDigest,
  type Submitted,
} from './support/request-flow';

/**
 * Consent for onward sharing (MIG-11.3) and for a new purpose (MIG-11.2) across two real
 * gateway processes (docs/consent.md): KZ-MVD provides information to AZ-DMX; AZ-DMX asks
 * KZ-MVD's consent to pass it on or use it otherwise; KZ-MVD grants, denies or revokes; both
 * registries follow, every step audited on both sides; AZ-DMX's national system records each
 * disclosure before making it, and AZ's gateway refuses it unless a valid matching grant exists.
 */

const DAY_MS = 24 * 60 * 60 * 1000;
/** The provider (it sent the information) and the requester of consent (it received it). */
const PROVIDER = { party: 'KZ', authority: 'KZ-MVD', signatory: 'kz-mvd-deputy-minister' };
const REQUESTER = { party: 'AZ', authority: 'AZ-DMX', signatory: 'az-dmx-deputy-head' };

const dateIn = (timeZone: string, instant: Date) =>
  new Intl.DateTimeFormat('en-CA', {
    timeZone,
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
  }).format(instant);
const plusDays = (date: string, days: number) =>
  new Date(Date.parse(`${date}T00:00:00Z`) + days * DAY_MS).toISOString().slice(0, 10);
/** The provider authority's calendar date today (KZ-MVD: Asia/Almaty), + `days`. */
const providerDate = (days: number) => plusDays(dateIn('Asia/Almaty', new Date()), days);

interface ConsentView {
  id: string;
  side: string;
  state: string;
  use: string;
  messages: string[];
  recipientId: string | null;
  purpose: string | null;
  grantMessageId: string | null;
  denialMessageId: string | null;
  revocationMessageId: string | null;
  validUntil: string | null;
  code?: string;
}

interface Disclosure {
  id?: string;
  consent?: string;
  grantMessageId?: string | null;
  validUntil?: string | null;
  code?: string;
  message?: string;
}

describe('consent for onward sharing and a new purpose, through two gateway processes (MIG-11.2, MIG-11.3)', () => {
  let pair: ExchangePair;
  /** Information KZ-MVD sent AZ-DMX: two notices (MIG-8). */
  let n1: string;
  let n2: string;

  beforeAll(async () => {
    pair = await createExchangePair();
    const one = new Conversation(pair);
    const two = new Conversation(pair);
    [n1, n2] = (
      await Promise.all([one.send('notice', 'requester'), two.send('notice', 'requester')])
    ).map((m) => m.id);
  }, 120_000);
  afterAll(async () => {
    await pair?.close();
  });

  const at = (party: 'KZ' | 'AZ'): GatewayUnderTest => (party === 'KZ' ? pair.kz : pair.az);

  /** What the requester's national system submits to ask for consent. */
  const consentRequest = (body: Record<string, unknown>) => ({
    agreement: 'MIG',
    type: 'consent-request' as MessageType,
    to: { authority: PROVIDER.authority },
    signatory: REQUESTER.signatory,
    body: { justification: 'Сведения необходимы для производства по делу', ...body },
  });
  /** What the provider's national system submits to answer consent-request `consent`. */
  const answer = (type: MessageType, consent: string, body: Record<string, unknown>) => ({
    agreement: 'MIG',
    type,
    to: { authority: REQUESTER.authority },
    signatory: PROVIDER.signatory,
    inReplyTo: consent,
    body,
  });

  const submit = (party: 'KZ' | 'AZ', submission: unknown) =>
    at(party).api<Submitted>(
      party === 'KZ' ? PROVIDER.authority : REQUESTER.authority,
      'POST',
      '/v1/messages',
      submission,
    );

  /** Submits and waits until the other gateway stored it and its receipt came back. */
  async function send(party: 'KZ' | 'AZ', submission: unknown): Promise<string> {
    const { status, body } = await submit(party, submission);
    if (status !== 202) throw new Error(`refused: ${status} ${JSON.stringify(body)}`);
    await delivered(pair, party === 'KZ' ? 'requester' : 'requested', body.id);
    return body.id;
  }

  const consentAt = (party: 'KZ' | 'AZ', id: string) =>
    at(party).api<ConsentView>(
      party === 'KZ' ? PROVIDER.authority : REQUESTER.authority,
      'GET',
      `/v1/consents/${id}`,
    );

  const disclose = (intent: Record<string, unknown>) =>
    pair.az.api<Disclosure>(REQUESTER.authority, 'POST', '/v1/disclosures', intent);

  /** Both gateways hold consent `id` in `state`, and audited `event` for message `messageId`. */
  async function bothAt(id: string, state: string, event: string, messageId: string) {
    for (const party of ['KZ', 'AZ'] as const) {
      const { status, body } = await consentAt(party, id);
      expect({ party, status, state: body.state }).toEqual({ party, status: 200, state });
      const entry = await audited(at(party), { type: event, messageId });
      expect({ party, outcome: entry.outcome, consent: entry.details.consent }).toEqual({
        party,
        outcome: 'success',
        consent: id,
      });
    }
  }

  /**
   * Waits for the `disclosure.onward` entry AZ's gateway wrote for message `messageId` that
   * `which` picks (entries are listed once sequenced).
   */
  const disclosureEntry = (messageId: string, which: (e: AuditView) => boolean, what: string) =>
    audited(pair.az, { type: 'disclosure.onward', messageId }, which, what);

  const ONWARD_GP = { messages: [() => n1], use: 'onward-transfer', recipient: 'AZ-GP' };
  const intent = (i: typeof ONWARD_GP | Record<string, unknown>) => ({
    ...i,
    messages: (i.messages as (() => string)[]).map((m) => m()),
  });

  let granted: string; // c1: onward to AZ-GP, n1 and n2, granted until tomorrow at KZ-MVD
  let revoked: string; // c2: onward to AZ-SUD, granted, then revoked
  let denied: string; // c3: new purpose judicial-proceedings, denied
  let grantId: string;
  const steps: string[] = [];

  describe('the done-when of #12: every disclosure decided from the registry, every step audited', () => {
    it('refuses a disclosure without any consent: 403 CONSENT_REQUIRED, audited as a disclosure.onward failure for the message', async () => {
      const { status, body } = await disclose(intent(ONWARD_GP));
      expect({ status, code: body.code }).toEqual({ status: 403, code: 'CONSENT_REQUIRED' });
      const [entry] = await eventually(async () => {
        const found = await auditEntries(pair.az, { type: 'disclosure.onward', messageId: n1 });
        return found.length > 0 ? found : undefined;
      });
      expect(entry).toMatchObject({
        outcome: 'failure',
        errorCode: 'CONSENT_REQUIRED',
        details: { consent: null, use: 'onward-transfer', recipient: 'AZ-GP' },
      });
    });

    it('a consent-request is registered as requested on both gateways and audited consent.requested on both; a disclosure is still refused while it is pending', async () => {
      granted = await send(
        'AZ',
        consentRequest({
          messages: [n1, n2],
          use: 'onward-transfer',
          recipient: { id: 'AZ-GP', name: 'Генеральная прокуратура' },
        }),
      );
      steps.push(granted);
      await bothAt(granted, 'requested', 'consent.requested', granted);
      for (const party of ['KZ', 'AZ'] as const) {
        const { body } = await consentAt(party, granted);
        expect(body).toMatchObject({
          side: party === 'AZ' ? 'requester' : 'provider',
          messages: [n1, n2],
          use: 'onward-transfer',
          recipientId: 'AZ-GP',
          purpose: null,
        });
      }
      const { status, body } = await disclose(intent(ONWARD_GP));
      expect({ status, code: body.code }).toEqual({ status: 403, code: 'CONSENT_REQUIRED' });
    });

    it('a grant moves both registries to granted (consent.granted on both); a matching disclosure is then accepted: 201 with the grant, audited as a success with its id', async () => {
      grantId = await send('KZ', answer('consent-grant', granted, { validUntil: providerDate(1) }));
      steps.push(grantId);
      await bothAt(granted, 'granted', 'consent.granted', grantId);
      expect((await consentAt('AZ', granted)).body).toMatchObject({
        grantMessageId: grantId,
        validUntil: providerDate(1),
      });

      const { status, body } = await disclose(intent(ONWARD_GP));
      expect({ status, body }).toEqual({
        status: 201,
        body: expect.objectContaining({
          id: expect.any(String) as string,
          consent: granted,
          grantMessageId: grantId,
          validUntil: providerDate(1),
        }) as Disclosure,
      });
      const entry = await disclosureEntry(
        n1,
        (e) => e.details.disclosure === body.id,
        'of the accepted disclosure',
      );
      expect(entry).toMatchObject({
        outcome: 'success',
        errorCode: null,
        details: { consent: granted, grant: grantId, recipient: 'AZ-GP' },
      });
    });

    it.each([
      ['another third party', { ...ONWARD_GP, recipient: 'AZ-MVD' }],
      [
        'a new purpose the grant does not name',
        { messages: [() => n1], use: 'new-purpose', purpose: 'identity-verification' },
      ],
    ])(
      'refuses a disclosure to %s: 403 CONSENT_MISMATCH, audited with the grant it does not match',
      async (_what, other) => {
        const { status, body } = await disclose(intent(other));
        expect({ status, code: body.code }).toEqual({ status: 403, code: 'CONSENT_MISMATCH' });
        const entry = await disclosureEntry(
          n1,
          (e) =>
            e.errorCode === 'CONSENT_MISMATCH' &&
            e.details.use === other.use &&
            e.details.recipient === ((other as { recipient?: string }).recipient ?? null),
          'of the mismatched disclosure',
        );
        expect(entry).toMatchObject({ outcome: 'failure', details: { consent: granted } });
      },
    );

    it('a revocation moves both registries to revoked (consent.revoked on both); the disclosure it allowed before is then refused: CONSENT_REVOKED', async () => {
      revoked = await send(
        'AZ',
        consentRequest({
          messages: [n2],
          use: 'onward-transfer',
          recipient: { id: 'AZ-SUD', name: 'Суд' },
        }),
      );
      const grant = await send(
        'KZ',
        answer('consent-grant', revoked, { validUntil: providerDate(30) }),
      );
      const onward = { messages: [n2], use: 'onward-transfer', recipient: 'AZ-SUD' };
      expect((await disclose(onward)).status).toBe(201);

      const revocation = await send(
        'KZ',
        answer('consent-revocation', revoked, { reason: 'Основания отпали' }),
      );
      steps.push(revoked, grant, revocation);
      await bothAt(revoked, 'revoked', 'consent.revoked', revocation);
      expect((await consentAt('KZ', revoked)).body).toMatchObject({
        grantMessageId: grant,
        revocationMessageId: revocation,
      });
      const { status, body } = await disclose(onward);
      expect({ status, code: body.code }).toEqual({ status: 403, code: 'CONSENT_REVOKED' });
      const entry = await disclosureEntry(
        n2,
        (e) => e.errorCode === 'CONSENT_REVOKED',
        'of the disclosure after revocation',
      );
      expect(entry).toMatchObject({ outcome: 'failure', details: { consent: revoked, grant } });
    });

    it('a denial is recorded on both registries (consent.denied on both); a use for that purpose is refused: CONSENT_DENIED', async () => {
      denied = await send(
        'AZ',
        consentRequest({ messages: [n1], use: 'new-purpose', purpose: 'judicial-proceedings' }),
      );
      const denial = await send(
        'KZ',
        answer('consent-denial', denied, { reason: 'Противоречит законодательству' }),
      );
      steps.push(denied, denial);
      await bothAt(denied, 'denied', 'consent.denied', denial);
      const { status, body } = await disclose({
        messages: [n1],
        use: 'new-purpose',
        purpose: 'judicial-proceedings',
      });
      expect({ status, code: body.code }).toEqual({ status: 403, code: 'CONSENT_DENIED' });
    });

    it('lists the registry: a national system its own consents by state, use and message; an auditor every one; paged', async () => {
      const list = (client: string, query: Record<string, string>) =>
        pair.az.api<{ consents: ConsentView[]; next: string | null }>(
          client,
          'GET',
          `/v1/consents?${new URLSearchParams(query).toString()}`,
        );
      const ids = async (client: string, query: Record<string, string>) =>
        (await list(client, query)).body.consents.map((c) => c.id);
      expect(await ids('AZ-DMX', {})).toEqual([granted, revoked, denied]);
      expect(await ids('AZ-DMX', { state: 'revoked' })).toEqual([revoked]);
      expect(await ids('AZ-DMX', { use: 'new-purpose' })).toEqual([denied]);
      expect(await ids('AZ-DMX', { message: n2 })).toEqual([granted, revoked]);
      expect(await ids('auditor', {})).toEqual([granted, revoked, denied]);
      const first = await list('AZ-DMX', { limit: '2' });
      expect(first.body.consents.map((c) => c.id)).toEqual([granted, revoked]);
      expect(await ids('AZ-DMX', { limit: '2', cursor: first.body.next! })).toEqual([denied]);
      expect((await list('AZ-DMX', { state: 'lost' })).body).toMatchObject({
        code: 'VALIDATION_FAILED',
      });
      // Another authority of the provider's party sees none of KZ-MVD's consents.
      expect((await pair.kz.api('KZ-MTSZN', 'GET', `/v1/consents/${granted}`)).body).toMatchObject({
        code: 'CONSENT_UNKNOWN',
      });
    });
  });

  describe('misuse of the consent exchange', () => {
    describe('by the sender: refused at the API before it is sealed, audited message.submitted with the code, nothing stored', () => {
      const stored = async (gateway: GatewayUnderTest) =>
        (await sql<{ n: number }>(gateway.db, 'SELECT count(*)::int AS n FROM mxg.messages'))[0].n;

      async function refusedAtSender(
        party: 'KZ' | 'AZ',
        submission: unknown,
        status: number,
        code: string,
      ) {
        const gateway = at(party);
        const before = await stored(gateway);
        const answerOf = await submit(party, submission);
        expect({ status: answerOf.status, code: answerOf.body.code }).toEqual({ status, code });
        const entry = await audited(
          gateway,
          { type: 'message.submitted' },
          (e) => e.contentDigest === submissionDigest(submission),
        );
        expect({ outcome: entry.outcome, errorCode: entry.errorCode }).toEqual({
          outcome: 'failure',
          errorCode: code,
        });
        expect(await stored(gateway)).toBe(before);
      }

      it('a revocation of a denied consent → 409 CONSENT_CLOSED', () =>
        refusedAtSender('KZ', answer('consent-revocation', denied, {}), 409, 'CONSENT_CLOSED'));

      it('a second grant of a granted consent → 409 NOT_AWAITED', () =>
        refusedAtSender(
          'KZ',
          answer('consent-grant', granted, { validUntil: providerDate(5) }),
          409,
          'NOT_AWAITED',
        ));

      it('a grant whose validUntil has passed → 422 CONSENT_VALIDITY_PAST', async () => {
        const fresh = await send(
          'AZ',
          consentRequest({ messages: [n2], use: 'new-purpose', purpose: 'identity-verification' }),
        );
        steps.push(fresh);
        await refusedAtSender(
          'KZ',
          answer('consent-grant', fresh, { validUntil: providerDate(-1) }),
          422,
          'CONSENT_VALIDITY_PAST',
        );
        expect((await consentAt('KZ', fresh)).body.state).toBe('requested');
      });

      it('a grant for something that is no consent-request (a notice received) → 422 NOT_A_CONSENT', async () => {
        const notice = await new Conversation(pair).send('notice', 'requested'); // AZ → KZ
        await refusedAtSender(
          'KZ',
          answer('consent-grant', notice.id, { validUntil: providerDate(5) }),
          422,
          'NOT_A_CONSENT',
        );
      });

      it('the requester grants its own consent-request (answering the grant it received) → 422 WRONG_SIDE', () =>
        refusedAtSender(
          'AZ',
          {
            agreement: 'MIG',
            type: 'consent-grant',
            to: { authority: PROVIDER.authority },
            signatory: REQUESTER.signatory,
            inReplyTo: grantId,
            body: { validUntil: providerDate(5) },
          },
          422,
          'WRONG_SIDE',
        ));

      it('a consent-request naming messages its authority never received from the addressee → 422 CONSENT_SUBJECT_UNKNOWN', async () => {
        // One unknown id, and one message AZ-DMX sent itself (not information KZ-MVD provided).
        const own = await new Conversation(pair).send('notice', 'requested');
        for (const named of [[n1, randomUUID()], [own.id]]) {
          await refusedAtSender(
            'AZ',
            consentRequest({
              messages: named,
              use: 'new-purpose',
              purpose: 'identity-verification',
            }),
            422,
            'CONSENT_SUBJECT_UNKNOWN',
          );
        }
      });

      it('a grant and a denial of one consent submitted at once: the consent row lock takes them one after the other — exactly one accepted, the other refused (NOT_AWAITED after a grant, CONSENT_CLOSED after a denial), both registries in the accepted one’s state', async () => {
        const contested = await send(
          'AZ',
          consentRequest({ messages: [n1], use: 'new-purpose', purpose: 'entry-ban-decision' }),
        );
        steps.push(contested);
        const answers = await Promise.all([
          submit('KZ', answer('consent-grant', contested, { validUntil: providerDate(10) })),
          submit('KZ', answer('consent-denial', contested, { reason: 'Нет оснований' })),
        ]);
        const accepted = answers.filter((a) => a.status === 202);
        expect(accepted).toHaveLength(1);
        const winner = accepted[0].body.id;
        steps.push(winner);
        // The later one is decided on the state the first left: after a grant a denial is not
        // awaited; after a denial the consent is closed.
        const granted1st = answers[0].status === 202;
        expect(answers.filter((a) => a.status !== 202).map((a) => [a.status, a.body.code])).toEqual(
          [[409, granted1st ? 'NOT_AWAITED' : 'CONSENT_CLOSED']],
        );
        await delivered(pair, 'requester', winner);
        const state = granted1st ? 'granted' : 'denied';
        await bothAt(contested, state, `consent.${state}`, winner);
      });

      it('a consent-request without its third party → 400 VALIDATION_FAILED naming body.recipient FIELD_REQUIRED', async () => {
        const { status, body } = await submit(
          'AZ',
          consentRequest({ messages: [n1], use: 'onward-transfer' }),
        );
        expect({ status, code: body.code }).toEqual({ status: 400, code: 'VALIDATION_FAILED' });
        expect((body as unknown as { errors: unknown[] }).errors).toEqual([
          expect.objectContaining({ field: 'body.recipient', rule: 'FIELD_REQUIRED' }),
        ]);
      });

      it('a disclosure of messages the caller’s authority never received → 422 DISCLOSURE_SUBJECT_UNKNOWN, audited', async () => {
        const { status, body } = await disclose({
          messages: [randomUUID()],
          use: 'onward-transfer',
          recipient: 'AZ-GP',
        });
        expect({ status, code: body.code }).toEqual({
          status: 422,
          code: 'DISCLOSURE_SUBJECT_UNKNOWN',
        });
        await audited(
          pair.az,
          { type: 'disclosure.onward' },
          (e) => e.errorCode === 'DISCLOSURE_SUBJECT_UNKNOWN' && e.messageId === null,
        );
        const missing = await disclose({ messages: [n1], use: 'onward-transfer' });
        expect({ status: missing.status, code: missing.body.code }).toEqual({
          status: 400,
          code: 'VALIDATION_FAILED',
        });
      });
    });

    describe('by the receiver: a crafted envelope that skipped the sender’s checks is dead-lettered with the code, audited, answered with a negative receipt, and changes nothing', () => {
      async function refusedAtReceiver(
        crafted: Awaited<ReturnType<typeof craftEnvelope>>,
        code: string,
      ) {
        const receivingParty = crafted.header.to.party as 'KZ' | 'AZ';
        const sendingParty = crafted.header.from.party;
        const receiver = at(receivingParty);
        const id = crafted.header.id;
        await publishCrafted(pair, crafted);
        expect(errorCodeOf(await deadLetter(pair, receivingParty, id))).toBe(code);
        const rejected = await audited(receiver, { messageId: id, type: 'message.rejected' });
        expect(rejected.errorCode).toBe(code);
        const returned = await deadLetter(pair, sendingParty, `receipt:${id}`);
        expect(await openReceiptFor(returned.content, sendingParty)).toMatchObject({
          messageId: id,
          status: 'rejected',
          code,
        });
        const entries = (await auditEntries(receiver, { messageId: id })).filter((e) =>
          e.type.startsWith('consent.'),
        );
        expect(entries).toEqual([]);
      }

      const digestOf = async (party: 'requester' | 'requested', id: string) =>
        (await messageAt(pair, party, id)).body.digest;

      it('a revocation of a denied consent, from the provider → CONSENT_CLOSED at the requester’s gateway', async () => {
        const crafted = await craftEnvelope({
          type: 'consent-revocation',
          side: 'requester', // KZ-MVD → AZ-DMX
          correlationId: denied,
          inReplyTo: { id: denied, digest: await digestOf('requester', denied) },
          body: {},
        });
        await refusedAtReceiver(crafted, 'CONSENT_CLOSED');
        expect((await consentAt('AZ', denied)).body.state).toBe('denied');
      });

      it('a grant sent by the requester of its own consent-request → WRONG_SIDE at the provider’s gateway', async () => {
        const crafted = await craftEnvelope({
          type: 'consent-grant',
          side: 'requested', // AZ-DMX → KZ-MVD
          correlationId: granted,
          inReplyTo: { id: grantId, digest: await digestOf('requested', grantId) },
          body: { validUntil: providerDate(9) },
        });
        await refusedAtReceiver(crafted, 'WRONG_SIDE');
        expect((await consentAt('KZ', granted)).body).toMatchObject({
          state: 'granted',
          grantMessageId: grantId,
        });
      });

      it('a consent-request naming a message the provider never sent the requester → CONSENT_SUBJECT_UNKNOWN, no consent registered', async () => {
        const crafted = await craftEnvelope({
          type: 'consent-request',
          side: 'requested', // AZ-DMX → KZ-MVD
          correlationId: null,
          inReplyTo: null,
          body: {
            messages: [n1, randomUUID()],
            use: 'new-purpose',
            purpose: 'identity-verification',
            justification: 'Для проверки',
          },
        });
        await refusedAtReceiver(crafted, 'CONSENT_SUBJECT_UNKNOWN');
        expect((await consentAt('KZ', crafted.header.id)).status).toBe(404);
      });
    });
  });
  describe('expiry, and the record both gateways keep', () => {
    it('refuses the disclosure the grant allowed once its validUntil has passed at the provider: CONSENT_EXPIRED (both gateways’ clocks moved two days on, for good: a checkpoint never goes back in time)', async () => {
      pair.kz.setClockOffset(2 * DAY_MS);
      pair.az.setClockOffset(2 * DAY_MS);
      const { status, body } = await disclose(intent(ONWARD_GP));
      expect({ status, code: body.code }).toEqual({ status: 403, code: 'CONSENT_EXPIRED' });
      const entry = await disclosureEntry(
        n1,
        (e) => e.errorCode === 'CONSENT_EXPIRED',
        'of the disclosure after expiry',
      );
      expect(entry).toMatchObject({
        outcome: 'failure',
        details: { consent: granted, grant: grantId },
      });
      // The grant is still `granted` on both registries: expiry is read from the date, no state.
      for (const party of ['KZ', 'AZ'] as const) {
        expect((await consentAt(party, granted)).body.state).toBe('granted');
      }
    });

    it('keeps every consent step in both audit logs and every disclosure outcome in the discloser’s, and mxg audit verify passes on both', async () => {
      for (const party of ['KZ', 'AZ'] as const) {
        const consentEntries = (await auditEntries(at(party), {})).filter((e) =>
          e.type.startsWith('consent.'),
        );
        expect(consentEntries.map((e) => e.messageId).sort()).toEqual([...steps].sort());
      }
      const outcomes = (await auditEntries(pair.az, { type: 'disclosure.onward' })).map(
        (e: AuditView) => e.errorCode ?? 'success',
      );
      expect([...new Set(outcomes)].sort()).toEqual(
        [
          'success',
          'CONSENT_REQUIRED',
          'CONSENT_MISMATCH',
          'CONSENT_REVOKED',
          'CONSENT_DENIED',
          'CONSENT_EXPIRED',
          'DISCLOSURE_SUBJECT_UNKNOWN',
          'VALIDATION_FAILED',
        ].sort(),
      );
      expect(await auditEntries(pair.kz, { type: 'disclosure.onward' })).toEqual([]);

      const dir = mkdtempSync(join(tmpdir(), 'mxg-consent-audit-'));
      const cas = [
        '--ca',
        (await partyAuditKeys('KZ')).caPath,
        '--ca',
        (await partyAuditKeys('AZ')).caPath,
      ];
      for (const party of ['KZ', 'AZ'] as const) {
        const gateway = at(party);
        const last = steps.at(-1)!;
        const file = join(dir, `${gateway.id}.jsonl`);
        // The export reaches the latest checkpoint: wait for one that covers the last step, cosigned.
        const verified = await eventually(
          () => {
            const exported = mxg(['audit', 'export', '--gateway', gateway.id, '--out', file], {
              MXG_CONFIG_DIR: pair.configDir,
              DATABASE_URL: gateway.db.appUrl,
            });
            if (exported.status !== 0 || !readFileSync(file, 'utf8').includes(last))
              return Promise.resolve(undefined);
            const result = mxg(['audit', 'verify', file, ...cas], {
              MXG_CONFIG_DIR: pair.configDir,
            });
            return Promise.resolve(result.status === 0 ? result : undefined);
          },
          60_000,
          `a verifying export of ${party}'s audit log with the last consent step`,
        );
        expect(verified.stdout).toMatch(/^audit verify: VALID/);
      }
    }, 90_000);
  });
});
