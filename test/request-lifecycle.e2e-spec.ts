import { randomUUID } from 'node:crypto';
import {
  FORBIDDEN_REQUEST_TRANSITIONS,
  type ForbiddenRequestTransition,
  type RequestRefusalCode,
  type RequestState,
} from '@mxg/lifecycle';
import { createExchangePair, eventually, type ExchangePair } from './support/exchange-pair';
import { sql } from './support/faults';
import { pagedThrough } from './support/paging';
import {
  allowedMoves,
  auditEntries,
  audited,
  bodyFor,
  Conversation,
  craftEnvelope,
  dateFromToday,
  deadLetter,
  END,
  errorCodeOf,
  type Exchanged,
  gatewayOf,
  isClosed,
  listedAt,
  messageAt,
  type Move,
  moveKey,
  moveName,
  OPENING,
  openReceiptFor,
  otherSide,
  pathTo,
  planConversations,
  publishCrafted,
  requestAt,
  type RequestView,
  SIDES,
  submissionDigest,
} from './support/request-flow';

/**
 * A request's life end to end (issue #11, docs/requests.md): KZ-MVD's national system asks
 * AZ-DMX's through two real gateway processes, each applying REQUEST_RULES — the sender before
 * it seals, the receiver before it stores — so that both hold the same state after every
 * delivered message (MIG-8..MIG-11), and the 30-day deadline of MIG-10.3 is counted from the
 * requested gateway's signed receipt.
 */

const DAY_MS = 24 * 60 * 60 * 1000;

/** docs/requests.md: a message that does not fit now is a conflict; one that never fits, 422. */
const CONFLICTS: readonly RequestRefusalCode[] = [
  'REQUEST_CLOSED',
  'NOT_AWAITED',
  'AWAITING_REQUESTER',
];
const httpStatusOf = (code: RequestRefusalCode) => (CONFLICTS.includes(code) ? 409 : 422);

/** The calendar date at `instant` in `timeZone` (YYYY-MM-DD), by the platform's tz database. */
const dateIn = (timeZone: string, instant: Date) =>
  new Intl.DateTimeFormat('en-CA', {
    timeZone,
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
  }).format(instant);

const plusDays = (date: string, days: number) =>
  new Date(Date.parse(`${date}T00:00:00Z`) + days * DAY_MS).toISOString().slice(0, 10);

/** What a gateway shows of a conversation's request: enough to see that nothing changed. */
async function recordAt(pair: ExchangePair, side: 'requester' | 'requested', id: string) {
  const { status, body } = await requestAt(pair, side, id);
  return {
    status,
    state: body.state,
    messages: body.messages?.map((m) => m.id),
    dueOn: body.dueOn,
    postponedUntil: body.postponedUntil,
    closedAt: body.closedAt,
  };
}

const recordsAt = async (pair: ExchangePair, id: string) => ({
  requester: await recordAt(pair, 'requester', id),
  requested: await recordAt(pair, 'requested', id),
});

describe('a request’s life through two gateway processes (MIG-8..MIG-11, MIG-10.3)', () => {
  let pair: ExchangePair;

  beforeAll(async () => {
    pair = await createExchangePair();
  }, 90_000);
  afterAll(async () => {
    await pair?.close();
  });

  describe('every move REQUEST_RULES allows, sent by one gateway and received by the other', () => {
    const plan = planConversations();

    it('plans conversations that take every rule from every state it allows, each ending with a move that closes the request', () => {
      const taken = new Set([OPENING, ...plan.flat()].map(moveKey));
      expect([...taken].sort()).toEqual(allowedMoves().map(moveKey).sort());
      expect(plan.map((moves) => isClosed(moves[moves.length - 1].to))).toEqual(
        plan.map(() => true),
      );
    });

    /**
     * Sends the conversation's messages one by one; after each is delivered, both gateways show
     * the rule's target state and have the rule's audit entry for the message. A confidential
     * request (MIG-11.1) and every message of its exchange travel sealed without the clear
     * routing header: the receiver checks their header after decryption, and the request moves
     * exactly as an ordinary one does.
     */
    async function walkChecked(moves: readonly Move[], confidential: boolean): Promise<void> {
      const conversation = new Conversation(pair);
      for (const move of [OPENING, ...moves]) {
        const name = moveName(move);
        const body = bodyFor(move.rule.type, move.rule);
        if (move === OPENING) body.confidential = confidential;
        const sent = await conversation.send(move.rule.type, move.rule.side, body);
        for (const side of SIDES) {
          const { status, body } = await requestAt(pair, side, conversation.id);
          expect({ move: name, at: side, status, state: body.state }).toEqual({
            move: name,
            at: side,
            status: 200,
            state: move.to,
          });
          const entry = await audited(
            gatewayOf(pair, side),
            { correlationId: conversation.id, type: move.rule.event },
            (e) => e.messageId === sent.id,
            `for ${name} at the ${side}`,
          );
          expect(entry.outcome).toBe('success');
        }
      }
      const last = moves[moves.length - 1];
      for (const side of SIDES) {
        const { body } = await requestAt(pair, side, conversation.id);
        expect(body).toMatchObject({
          id: conversation.id,
          agreement: 'MIG',
          side,
          requester: { party: 'KZ', authority: 'KZ-MVD' },
          requested: { party: 'AZ', authority: 'AZ-DMX' },
          confidential,
          state: last.to,
          closedAt: expect.any(String),
          overdue: false,
        });
        expect(body.messages.map(({ id, type, direction }) => ({ id, type, direction }))).toEqual(
          conversation.messages.map((m: Exchanged) => ({
            id: m.id,
            type: m.type,
            direction: m.side === side ? 'outgoing' : 'incoming',
          })),
        );
      }
    }

    it('moves the request to each rule’s state on both gateways after each delivered message, and audits the rule’s request.* event on both — confidential (MIG-11.1) or not', async () => {
      // Every conversation confidential, and the first once more as an ordinary request.
      const walks = [
        ...plan.map((moves) => ({ moves, confidential: true })),
        { moves: plan[0], confidential: false },
      ];
      const outcomes = await Promise.allSettled(
        walks.map(({ moves, confidential }) => walkChecked(moves, confidential)),
      );
      const failures = outcomes.flatMap((o, i) =>
        o.status === 'rejected'
          ? [
              `${walks[i].confidential ? 'confidential: ' : ''}${walks[i].moves.map(moveName).join(' → ')}: ${String(o.reason)}`,
            ]
          : [],
      );
      expect(failures).toEqual([]);
    }, 150_000);
  });

  describe('forbidden moves (FORBIDDEN_REQUEST_TRANSITIONS) are refused by both gateways', () => {
    /** Where a misuse is tried: a request in a state, a notice, or no conversation at all. */
    type Where = RequestState | 'notice' | 'none';
    const whereOf = ({ input: { target } }: ForbiddenRequestTransition): Where =>
      target.kind === 'request' ? target.state : target.kind === 'none' ? 'none' : 'notice';

    /**
     * Misuses a national system cannot put to its own gateway: an earlier check of the submit
     * refuses them before the request lifecycle is asked.
     */
    const NOT_SUBMITTABLE: Readonly<Record<string, string>> = {
      'a response to no request':
        'an answer names a message received here (ANSWERED_MESSAGE_NOT_FOUND first)',
      'a withdraw of no request':
        'an answer names a message received here (ANSWERED_MESSAGE_NOT_FOUND first)',
      'a response under RET to a MIG request':
        'RET provides for no response between these authorities (MESSAGE_TYPE_NOT_ALLOWED first)',
      'a request sent by the requested side':
        'a request names no request: whoever sends one is its requester',
      'a refusal that does not say whether it is partial':
        'the refusal body schema requires `partial` (VALIDATION_FAILED first, MIG-10.4)',
    };
    /** … and those no peer can put to the receiving gateway either. */
    const NOT_DELIVERABLE: Readonly<Record<string, string>> = {
      'a response under RET to a MIG request':
        'RET provides for no response between these authorities (refused as an envelope first)',
      'a request sent by the requested side':
        'a request names no request: whoever sends one is its requester',
      'a refusal that does not say whether it is partial':
        'the receiver checks the body against its schema first (MESSAGE_BODY_INVALID)',
    };
    const submittable = FORBIDDEN_REQUEST_TRANSITIONS.filter((f) => !(f.name in NOT_SUBMITTABLE));
    const deliverable = FORBIDDEN_REQUEST_TRANSITIONS.filter((f) => !(f.name in NOT_DELIVERABLE));

    /** One conversation per place a misuse is tried, in the state it names. */
    const fixtures = new Map<Where, Conversation>();
    const fixture = (where: Where): Conversation => {
      const found = fixtures.get(where);
      if (!found) throw new Error(`no conversation ${where}`);
      return found;
    };

    beforeAll(async () => {
      const places = new Set(FORBIDDEN_REQUEST_TRANSITIONS.map(whereOf));
      const start = async (where: Where, walk: (c: Conversation) => Promise<unknown>) => {
        const conversation = new Conversation(pair);
        fixtures.set(where, conversation);
        await walk(conversation);
      };
      await Promise.all([
        start('notice', (c) => c.send('notice', 'requester')),
        ...[...places]
          .filter((where): where is RequestState => where !== 'none' && where !== 'notice')
          .map((state) => start(state, (c) => c.walk(pathTo(state)))),
      ]);
    }, 90_000);

    it('replays at least fifteen named misuses through each gateway, and names why each other one cannot be', () => {
      expect(submittable.length).toBeGreaterThanOrEqual(15);
      expect(deliverable.length).toBeGreaterThanOrEqual(15);
      const names = FORBIDDEN_REQUEST_TRANSITIONS.map((f) => f.name);
      expect(names).toEqual(expect.arrayContaining(Object.keys(NOT_SUBMITTABLE)));
      expect(names).toEqual(expect.arrayContaining(Object.keys(NOT_DELIVERABLE)));
    });

    describe('by the sender: refused through the API before it is sealed, audited, nothing sent', () => {
      it.each(submittable)('$name → $code', async (misuse) => {
        const { type, side, partial } = misuse.input;
        const conversation = fixture(whereOf(misuse));
        const sender = gatewayOf(pair, side);
        const stored = async () =>
          (await sql<{ n: number }>(sender.db, 'SELECT count(*)::int AS n FROM mxg.messages'))[0].n;
        const before = { records: await recordsAt(pair, conversation.id), stored: await stored() };

        const submission = conversation.submission(type, side, bodyFor(type, { partial }));
        const { status, body } = await conversation.submit(side, submission);

        expect({ status, code: body.code }).toEqual({
          status: httpStatusOf(misuse.code),
          code: misuse.code,
        });
        expect(body.message).toEqual(expect.stringContaining(type));
        const entry = await audited(
          sender,
          { type: 'message.submitted', authority: END[side].authority },
          (e) => e.contentDigest === submissionDigest(submission),
        );
        expect({ outcome: entry.outcome, errorCode: entry.errorCode }).toEqual({
          outcome: 'failure',
          errorCode: misuse.code,
        });
        expect({
          records: await recordsAt(pair, conversation.id),
          stored: await stored(),
        }).toEqual(before);
      });
    });

    describe('by the receiver: a crafted envelope that skipped the sender’s checks is dead-lettered with the code, audited, answered with a negative receipt, and changes nothing', () => {
      /** The conversation a misuse names, and the message it answers there (MIG-8). */
      async function namedBy(misuse: ForbiddenRequestTransition) {
        const where = whereOf(misuse);
        if (where === 'none') {
          // A request nobody holds: a conversation and an answered message that do not exist.
          return {
            correlationId: randomUUID(),
            inReplyTo: { id: randomUUID(), digest: `sha256:${'0'.repeat(64)}` },
          };
        }
        const conversation = fixture(where);
        const answered = conversation.lastReceivedBy(misuse.input.side);
        if (!answered) throw new Error(`the ${misuse.input.side} received nothing ${where}`);
        const { body } = await messageAt(pair, misuse.input.side, answered.id);
        return {
          correlationId: conversation.id,
          inReplyTo: { id: answered.id, digest: body.digest },
        };
      }

      it.each(deliverable)('$name → $code', async (misuse) => {
        const { type, side, partial } = misuse.input;
        const receiving = otherSide(side);
        const receiver = gatewayOf(pair, receiving);
        const { correlationId, inReplyTo } = await namedBy(misuse);
        const before = await recordAt(pair, receiving, correlationId);

        const crafted = await craftEnvelope({
          type,
          side,
          correlationId,
          inReplyTo,
          body: bodyFor(type, { partial }),
        });
        const id = crafted.header.id;
        await publishCrafted(pair, crafted);

        const dead = await deadLetter(pair, END[receiving].party, id);
        expect(errorCodeOf(dead)).toBe(misuse.code);
        const rejected = await audited(receiver, { messageId: id, type: 'message.rejected' });
        expect(rejected.errorCode).toBe(misuse.code);

        // The signed negative receipt goes back; the sender's gateway never sent the message.
        const returned = await deadLetter(pair, END[side].party, `receipt:${id}`);
        expect(errorCodeOf(returned)).toBe('RECEIPT_UNKNOWN_MESSAGE');
        expect(await openReceiptFor(returned.content, END[side].party)).toMatchObject({
          messageId: id,
          status: 'rejected',
          code: misuse.code,
          from: END[receiving].party,
          to: END[side].party,
        });

        expect((await messageAt(pair, receiving, id)).status).toBe(404);
        const inbox = await receiver.api<{ messages: { id: string }[] }>(
          END[receiving].authority,
          'GET',
          '/v1/inbox',
        );
        expect(inbox.body.messages.map((m) => m.id)).not.toContain(id);
        expect(await recordAt(pair, receiving, correlationId)).toEqual(before);
        const requestEntries = (await auditEntries(receiver, { messageId: id })).filter((e) =>
          e.type.startsWith('request.'),
        );
        expect(requestEntries).toEqual([]);
      });
    });
  });

  describe('MIG-8: a notice opens no request, and nothing answers it', () => {
    it('a notice from either party is delivered and opens no request on either gateway', async () => {
      const fromKz = new Conversation(pair);
      const fromAz = new Conversation(pair);
      const notices = [
        await fromKz.send('notice', 'requester'),
        await fromAz.send('notice', 'requested'),
      ];
      for (const notice of notices) {
        for (const side of SIDES) {
          expect(await requestAt(pair, side, notice.id)).toMatchObject({
            status: 404,
            body: { code: 'REQUEST_UNKNOWN' },
          });
          const listed = await listedAt(pair, side, {});
          expect(listed.map((r) => r.id)).not.toContain(notice.id);
          const entries = await auditEntries(gatewayOf(pair, side), { messageId: notice.id });
          expect(entries.filter((e) => e.type.startsWith('request.'))).toEqual([]);
        }
      }
    });

    it('a response or a refusal naming a notice is refused by the sender with NOT_A_REQUEST, whichever party sent the notice', async () => {
      const fromAz = new Conversation(pair);
      await fromAz.send('notice', 'requested');
      const fromKz = new Conversation(pair);
      await fromKz.send('notice', 'requester');
      const attempts = [
        { conversation: fromAz, side: 'requester' as const },
        { conversation: fromKz, side: 'requested' as const },
      ].flatMap(({ conversation, side }) => [
        { conversation, side, submission: conversation.submission('response', side) },
        {
          conversation,
          side,
          submission: conversation.submission(
            'refusal',
            side,
            bodyFor('refusal', { partial: false }),
          ),
        },
      ]);
      for (const { conversation, side, submission } of attempts) {
        const { status, body } = await conversation.submit(side, submission);
        expect({ type: submission.type, from: side, status, code: body.code }).toEqual({
          type: submission.type,
          from: side,
          status: 422,
          code: 'NOT_A_REQUEST',
        });
      }
    });
  });

  describe('MIG-10.3: 30 calendar days from receipt at the requested authority', () => {
    const until = dateFromToday(50);
    /** Left unanswered past its deadline. */
    let late: Conversation;
    /** Answered in time: its clock stopped (MIG-10.3). */
    let answered: Conversation;
    let due: { receivedOn: string; dueOn: string };

    beforeAll(async () => {
      late = new Conversation(pair);
      answered = new Conversation(pair);
      await Promise.all([late.walk([]), answered.walk(pathTo('answered'))]);
    }, 60_000);

    it('the requester’s dueOn is the requested gateway’s: the Baku date of its signed receipt + 30 days', async () => {
      const signed = await pair.kz.api<Buffer>('KZ-MVD', 'GET', `/v1/messages/${late.id}/receipt`);
      expect(signed.status).toBe(200);
      const receipt = await openReceiptFor(signed.body, 'KZ');
      const receivedOn = dateIn('Asia/Baku', new Date(receipt.receivedAt));
      due = { receivedOn, dueOn: plusDays(receivedOn, 30) };
      // AZ-DMX's gateway states the deadline under its seal; KZ learns it from there.
      expect(receipt).toMatchObject({ messageId: late.id, status: 'accepted', from: 'AZ', ...due });

      for (const side of SIDES) {
        const view = await eventually(
          async () => {
            const { body } = await requestAt(pair, side, late.id);
            return body.dueOn === null ? undefined : body;
          },
          10_000,
          `the deadline at the ${side}`,
        );
        expect({ at: side, receivedOn: view.receivedOn, dueOn: view.dueOn }).toEqual({
          at: side,
          ...due,
        });
      }
    });

    it('a delay notice and a postponement leave dueOn where it was; the postponement’s until-date shows beside it (MIG-10.1, MIG-10.2)', async () => {
      await late.send('delay-notice', 'requested', bodyFor('delay-notice'));
      await late.send('postponement', 'requested', bodyFor('postponement', { until }));
      for (const side of SIDES) {
        const { body } = await requestAt(pair, side, late.id);
        expect({ at: side, ...body }).toMatchObject({
          at: side,
          state: 'postponed',
          ...due,
          postponedUntil: until,
          delayNoticedAt: expect.any(String),
          overdue: false,
        });
        const listed = async (query: Record<string, string>) =>
          (await listedAt(pair, side, query)).map((r) => r.id).includes(late.id);
        expect({
          at: side,
          dueByDueOn: await listed({ dueBefore: due.dueOn }),
          dueByTheDayBefore: await listed({ dueBefore: plusDays(due.dueOn, -1) }),
          postponed: await listed({ state: 'postponed' }),
          open: await listed({ state: 'open' }),
          asThisSide: await listed({ role: side }),
          asTheOther: await listed({ role: otherSide(side) }),
        }).toEqual({
          at: side,
          dueByDueOn: true,
          dueByTheDayBefore: false,
          postponed: true,
          open: false,
          asThisSide: true,
          asTheOther: false,
        });
      }
    });

    it('once its due day has passed at the requested authority, an unanswered request is overdue on both gateways: listed, shown and audited request.overdue; an answered one is not', async () => {
      for (const side of SIDES) gatewayOf(pair, side).setClockOffset(31 * DAY_MS);

      for (const side of SIDES) {
        const gateway = gatewayOf(pair, side);
        const entry = await audited(gateway, { type: 'request.overdue', messageId: late.id });
        expect(entry).toMatchObject({ correlationId: late.id, details: { dueOn: due.dueOn } });

        const overdue = await listedAt(pair, side, { overdue: 'true' });
        const listed = overdue.find((r) => r.id === late.id);
        expect(listed).toMatchObject<Partial<RequestView>>({
          state: 'postponed',
          overdue: true,
          dueOn: due.dueOn,
          postponedUntil: until,
        });
        expect(overdue.map((r) => r.id)).not.toContain(answered.id);
        expect((await requestAt(pair, side, late.id)).body.overdue).toBe(true);
        expect((await requestAt(pair, side, answered.id)).body.overdue).toBe(false);
        expect(
          await auditEntries(gateway, { type: 'request.overdue', messageId: answered.id }),
        ).toEqual([]);
      }
    });

    it('overdue=false lists the requests that are not overdue: the answered one, not the late one', async () => {
      for (const side of SIDES) {
        const ids = (await listedAt(pair, side, { overdue: 'false' })).map((r) => r.id);
        expect({
          at: side,
          answered: ids.includes(answered.id),
          late: ids.includes(late.id),
        }).toEqual({ at: side, answered: true, late: false });
      }
    });

    it('#17 pages the requests like every list: soonest due first, each once, by cursor', async () => {
      for (const side of SIDES) {
        const whole = await listedAt(pair, side, {});
        expect(whole.length).toBeGreaterThan(2);
        const paged = await pagedThrough<{ id: string }>(
          gatewayOf(pair, side),
          END[side].authority,
          '/v1/requests',
          'requests',
          2,
        );
        expect(paged.items.map((r) => r.id)).toEqual(whole.map((r) => r.id));
      }
    });
  });
});
