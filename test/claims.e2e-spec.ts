import { addDays } from '@mxg/config';
import {
  createExchangePair,
  eventually,
  type ExchangePair,
  type GatewayUnderTest,
} from './support/exchange-pair';
import { pagedThrough } from './support/paging';
import {
  answerSubmission,
  claimBody,
  type ClaimBody,
  claimSubmission,
  craftClaimEnvelope,
  dateIn,
  plusCent,
  preSignedClaim,
  ratesCsv,
  recompute,
  RESIDENCE,
  shiftFor,
  STAY,
} from './support/claim-flow';
import {
  auditEntries,
  audited,
  deadLetter,
  errorCodeOf,
  openReceiptFor,
  publishCrafted,
  submissionDigest,
  type Submitted,
} from './support/request-flow';

/**
 * RET reimbursement claims between the two shipped gateways (docs/settlements.md): KZ-RET, of
 * the state where the minor stayed, claims the costs of the return from AZ-RET, of the minor's
 * state of residence (RET-3.1). Both gateways check every claim with the same `checkClaim`
 * (RET-3.2 … RET-3.7) — the sender before sealing (422, every problem), the receiver before
 * storing (negative receipt) — and both keep the claims register: late flag (RET-3.2), payment
 * due 30 days after the receiver's signed receipt (RET-4), queries, disputes, payment.
 */

const DAY_MS = 24 * 60 * 60 * 1000;

interface ClaimView {
  id: string;
  claimNumber: string;
  side: string;
  state: string;
  late: boolean;
  disputed: boolean;
  totalUsd: string;
  receivedOn: string | null;
  dueOn: string | null;
  overdue: boolean;
  paidOn: string | null;
  paidUsd: string | null;
  code?: string;
}

interface Refusal {
  code: string;
  errors?: { field: string; rule: string; message: string; treaty?: string }[];
}

describe('RET reimbursement claims between two gateway processes (RET-3.1 … RET-3.7, RET-4)', () => {
  let pair: ExchangePair;
  let numbers = 0;
  const nextNumber = () => `KZ-RET-2026-${String(9000 + ++numbers)}`;
  /** The shipped example, moved so that the return was five days ago at KZ-RET: not late. */
  const validBody = () => claimBody(nextNumber());

  beforeAll(async () => {
    pair = await createExchangePair({ start: { kz: false, az: false } });
    // The overdue sweep (RET-4) looks every 200 ms, so the test does not wait a minute.
    await pair.kz.start({ MXG_CLAIM_OVERDUE_SWEEP_MS: '200' });
    await pair.az.start({ MXG_CLAIM_OVERDUE_SWEEP_MS: '200' });
    // RET-3.7: the National Bank of Kazakhstan's official rates, imported on both gateways.
    for (const g of [pair.kz, pair.az]) {
      const imported = await g.api(
        'security-officer',
        'POST',
        '/v1/rates',
        Buffer.from(ratesCsv(shiftFor(5))),
        { 'content-type': 'text/csv' },
      );
      expect(imported.status).toBe(200);
    }
  }, 120_000);
  afterAll(async () => {
    await pair?.close();
  });

  const at = (party: 'KZ' | 'AZ'): GatewayUnderTest => (party === 'KZ' ? pair.kz : pair.az);
  const authorityAt = (party: 'KZ' | 'AZ') =>
    party === 'KZ' ? STAY.authority : RESIDENCE.authority;

  const submitClaim = (body: ClaimBody) =>
    pair.kz.api<Submitted & Refusal & { warnings: { rule: string }[] }>(
      STAY.authority,
      'POST',
      '/v1/messages',
      claimSubmission(body),
    );

  const answer = (
    type: string,
    from: 'stay' | 'residence',
    inReplyTo: string,
    body: Record<string, unknown>,
  ) =>
    (from === 'stay' ? pair.kz : pair.az).api<Submitted & Refusal>(
      from === 'stay' ? STAY.authority : RESIDENCE.authority,
      'POST',
      '/v1/messages',
      answerSubmission(type, from, inReplyTo, body),
    );

  const messageStatus = async (party: 'KZ' | 'AZ', id: string) =>
    (await at(party).api<Submitted>(authorityAt(party), 'GET', `/v1/messages/${id}`)).body.status;

  /** Waits until the sender's message `id` has the receiver's receipt: `delivered` or `rejected`. */
  const settled = (party: 'KZ' | 'AZ', id: string, status = 'delivered') =>
    eventually(
      async () => ((await messageStatus(party, id)) === status ? true : undefined),
      30_000,
      `message ${id} ${status} at ${party}`,
    );

  const claimAt = (party: 'KZ' | 'AZ', id: string) =>
    at(party).api<ClaimView>(authorityAt(party), 'GET', `/v1/claims/${id}`);

  const listed = async (party: 'KZ' | 'AZ', status: string) => {
    const { status: http, body } = await at(party).api<{ claims: ClaimView[] }>(
      authorityAt(party),
      'GET',
      `/v1/claims?status=${status}&limit=500`,
    );
    expect(http).toBe(200);
    return body.claims.map((c) => c.id);
  };

  /** Sends a valid claim and waits until AZ stored it and KZ holds AZ's receipt. */
  async function sendClaim(body: ClaimBody = validBody()): Promise<string> {
    const { status, body: answered } = await submitClaim(body);
    expect({ status, code: answered.code }).toEqual({ status: 202, code: undefined });
    await settled('KZ', answered.id);
    return answered.id;
  }

  /** Sends an answer in a claim and waits until the other gateway stored it. */
  async function sendAnswer(
    type: string,
    from: 'stay' | 'residence',
    inReplyTo: string,
    body: Record<string, unknown>,
  ): Promise<string> {
    const { status, body: answered } = await answer(type, from, inReplyTo, body);
    expect({ status, code: answered.code, message: answered.message }).toMatchObject({
      status: 202,
    });
    await settled(from === 'stay' ? 'KZ' : 'AZ', answered.id);
    return answered.id;
  }

  const bothInState = async (id: string, expected: Partial<ClaimView>) => {
    for (const party of ['KZ', 'AZ'] as const) {
      expect((await claimAt(party, id)).body).toMatchObject(expected);
    }
  };

  describe('a valid claim', () => {
    let id: string;
    let body: ClaimBody;

    beforeAll(async () => {
      body = validBody();
      id = await sendClaim(body);
    });

    it('is received by AZ and listed due at both gateways, dueOn = receivedOn + 30 days in AZ-RET’s calendar, from AZ’s signed receipt (RET-4)', async () => {
      const received = await claimAt('AZ', id);
      expect(received.status).toBe(200);
      expect(received.body).toMatchObject({
        claimNumber: body.claimNumber,
        side: 'residence',
        state: 'submitted',
        late: false,
        disputed: false,
        totalUsd: body.total.amount,
        overdue: false,
      });
      const receivedOn = received.body.receivedOn!;
      // AZ-RET counts in Asia/Baku; the claim arrived within the last minute.
      expect([
        dateIn('Asia/Baku'),
        dateIn('Asia/Baku', 0, new Date(Date.now() - 60_000)),
      ]).toContain(receivedOn);
      expect(received.body.dueOn).toBe(addDays(receivedOn, 30));
      // The sender recorded the same dates from the receipt.
      const sent = await eventually(async () => {
        const { body: c } = await claimAt('KZ', id);
        return c.dueOn === null ? undefined : c;
      });
      expect(sent).toMatchObject({
        side: 'stay',
        state: 'submitted',
        receivedOn,
        dueOn: received.body.dueOn,
      });
      expect(await listed('AZ', 'due')).toContain(id);
      expect(await listed('KZ', 'due')).toContain(id);
      expect(await listed('AZ', 'open')).toContain(id);
      expect(await listed('AZ', 'paid')).not.toContain(id);
    });

    it('is audited claim.submitted at KZ and claim.received at AZ, with ids, dates and amounts — no names', async () => {
      const sent = await audited(pair.kz, { messageId: id, type: 'claim.submitted' });
      const received = await audited(pair.az, { messageId: id, type: 'claim.received' });
      expect(sent.details).toMatchObject({ claimNumber: body.claimNumber, late: false });
      expect(received.details).toMatchObject({
        claimNumber: body.claimNumber,
        dueOn: (await claimAt('AZ', id)).body.dueOn,
      });
      const minor = (body.returnAct as unknown as { minor: { surname: string } }).minor.surname;
      for (const g of [pair.kz, pair.az]) {
        const text = JSON.stringify(await auditEntries(g, { messageId: id }));
        expect(text).not.toContain(minor);
      }
      expect(JSON.stringify((await claimAt('AZ', id)).body)).not.toContain(minor);
    });

    it('shows its calculation (RET-3.6) at both gateways: HTML with every line’s USD amount and «Итого», PDF, no names; 406 for another format', async () => {
      const minor = (body.returnAct as unknown as { minor: { surname: string } }).minor.surname;
      for (const party of ['KZ', 'AZ'] as const) {
        const html = await at(party).api<Buffer>(
          authorityAt(party),
          'GET',
          `/v1/claims/${id}/calculation`,
          undefined,
          { accept: 'text/html' },
        );
        expect(html.status).toBe(200);
        expect(html.headers.get('content-type')).toMatch(/^text\/html/);
        const text = html.body.toString('utf8');
        expect(text).toContain('Итого');
        expect(text).toContain(body.claimNumber);
        for (const line of body.lines) expect(text).toContain(line.usd);
        expect(text).toContain(body.total.amount);
        expect(text).not.toContain(minor);
        const pdf = await at(party).api<Buffer>('auditor', 'GET', `/v1/claims/${id}/calculation`);
        expect(pdf.status).toBe(200);
        expect(pdf.headers.get('content-type')).toMatch(/^application\/pdf/);
        expect(pdf.body.subarray(0, 5).toString('latin1')).toBe('%PDF-');
      }
      const json = await pair.az.api<Refusal>(
        RESIDENCE.authority,
        'GET',
        `/v1/claims/${id}/calculation`,
        undefined,
        { accept: 'application/json' },
      );
      expect({ status: json.status, code: json.body.code }).toEqual({
        status: 406,
        code: 'CALCULATION_FORMAT_UNSUPPORTED',
      });
      // Only the two authorities of the claim (and overseers) see it.
      const other = await pair.az.api<Refusal>('AZ-DMX', 'GET', `/v1/claims/${id}/calculation`);
      expect({ status: other.status, code: other.body.code }).toEqual({
        status: 404,
        code: 'CLAIM_UNKNOWN',
      });
    });

    it('refuses a second claim with the same claimNumber from KZ: 409 CLAIM_NUMBER_TAKEN', async () => {
      const again = claimBody(body.claimNumber);
      const { status, body: refused } = await submitClaim(again);
      expect({ status, code: refused.code }).toEqual({ status: 409, code: 'CLAIM_NUMBER_TAKEN' });
    });
  });

  describe('refused by the sender before sealing: 422 with every problem, audited, nothing stored', () => {
    async function refusedBySender(body: ClaimBody, codes: string[]) {
      const before = await listed('KZ', 'open');
      const { status, body: refused } = await submitClaim(body);
      expect(status).toBe(422);
      expect(refused.code).toBe('CLAIM_INVALID');
      expect([...new Set(refused.errors!.map((e) => e.rule))].sort()).toEqual([...codes].sort());
      expect(refused.errors!.every((e) => e.treaty?.startsWith('RET-'))).toBe(true);
      expect(await listed('KZ', 'open')).toEqual(before);
      // Audited by code under the submission's digest (no content).
      const digest = submissionDigest(claimSubmission(body));
      const entry = await audited(
        pair.kz,
        { type: 'message.submitted' },
        (e) => e.contentDigest === digest,
      );
      expect(entry).toMatchObject({ outcome: 'failure', errorCode: 'CLAIM_INVALID' });
      return refused.errors!;
    }

    it('one cent off in a line (the total following it): LINE_USD_MISMATCH on that line (RET-3.6)', async () => {
      const body = validBody();
      body.lines[2].usd = plusCent(body.lines[2].usd);
      body.total.amount = plusCent(body.total.amount);
      const [problem] = await refusedBySender(body, ['LINE_USD_MISMATCH']);
      expect(problem.field).toContain('lines[2]');
    });

    it('one cent off, pre-signed by KZ-RET’s signatory (application/pkcs7-mime): checked the same, LINE_USD_MISMATCH', async () => {
      const body = validBody();
      body.lines[3].usd = plusCent(body.lines[3].usd);
      body.total.amount = plusCent(body.total.amount);
      const { status, body: refused } = await pair.kz.api<Refusal>(
        STAY.authority,
        'POST',
        '/v1/messages',
        await preSignedClaim(body),
      );
      expect({ status, code: refused.code }).toEqual({ status: 422, code: 'CLAIM_INVALID' });
      expect(refused.errors!.map((e) => e.rule)).toEqual(['LINE_USD_MISMATCH']);
    });

    it('a wrong total: TOTAL_MISMATCH (RET-3.6 «Итого»)', async () => {
      const body = validBody();
      body.total.amount = plusCent(body.total.amount);
      await refusedBySender(body, ['TOTAL_MISMATCH']);
    });

    it('a missing required document — the accommodation’s proof of payment: DOCUMENT_MISSING (RET-3.2 d)', async () => {
      const body = validBody();
      const proof = body.documents.find((d) => d.kind === 'payment-proof')!;
      body.documents = body.documents.filter((d) => d !== proof);
      body.attachments = body.attachments.filter((a) => a.id !== proof.attachment);
      await refusedBySender(body, ['DOCUMENT_MISSING']);
    });

    it('a per-diem line above KZ’s cap: CAP_EXCEEDED (RET-3.3, RET-3.4)', async () => {
      const body = validBody();
      const perDiem = body.lines.find((l) => l.kind === 'per-diem')!;
      perDiem.amount = '99999.00';
      recompute(body);
      await refusedBySender(body, ['CAP_EXCEEDED']);
    });

    it('several problems at once: every one is reported', async () => {
      const body = validBody();
      body.lines[0].usd = plusCent(body.lines[0].usd);
      const proof = body.documents.find((d) => d.kind === 'payment-proof')!;
      body.documents = body.documents.filter((d) => d !== proof);
      body.attachments = body.attachments.filter((a) => a.id !== proof.attachment);
      await refusedBySender(body, ['LINE_USD_MISMATCH', 'TOTAL_MISMATCH', 'DOCUMENT_MISSING']);
    });

    it('a rate that differs from the imported official table (POST /rates): RATE_MISMATCH (RET-3.7)', async () => {
      const body = validBody();
      const line = body.lines.find((l) => l.currency === 'EUR')!;
      line.rate!.value = '520.00';
      recompute(body); // the arithmetic is right; the rate is not the National Bank's
      await refusedBySender(body, ['RATE_MISMATCH']);
    });

    it('a claim in the wrong direction — AZ-RET claiming from KZ-RET for a minor who stayed in KZ: CLAIM_WRONG_DIRECTION', async () => {
      const { status, body: refused } = await pair.az.api<Refusal>(
        RESIDENCE.authority,
        'POST',
        '/v1/messages',
        {
          ...claimSubmission(validBody()),
          to: { authority: STAY.authority },
          signatory: RESIDENCE.signatory,
        },
      );
      expect({ status, code: refused.code }).toEqual({ status: 422, code: 'CLAIM_INVALID' });
      expect(refused.errors!.map((e) => e.rule)).toContain('CLAIM_WRONG_DIRECTION');
    });
  });

  describe('crafted past the sender’s checks: refused by the receiver’s own check with a negative receipt', () => {
    async function refusedByReceiver(body: ClaimBody, code: string) {
      const crafted = await craftClaimEnvelope(body);
      const id = crafted.header.id;
      await publishCrafted(pair, crafted);
      expect(errorCodeOf(await deadLetter(pair, 'AZ', id))).toBe(code);
      const rejected = await audited(pair.az, { messageId: id, type: 'message.rejected' });
      expect(rejected.errorCode).toBe(code);
      expect(rejected.details.problems).toContain(code);
      const returned = await deadLetter(pair, 'KZ', `receipt:${id}`);
      expect(await openReceiptFor(returned.content, 'KZ')).toMatchObject({
        messageId: id,
        status: 'rejected',
        code,
      });
      expect((await claimAt('AZ', id)).status).toBe(404);
      expect(
        (await auditEntries(pair.az, { messageId: id })).filter((e) => e.type.startsWith('claim.')),
      ).toEqual([]);
    }

    it('one cent off in a line → LINE_USD_MISMATCH at AZ', async () => {
      const body = validBody();
      body.lines[1].usd = plusCent(body.lines[1].usd);
      body.total.amount = plusCent(body.total.amount);
      await refusedByReceiver(body, 'LINE_USD_MISMATCH');
    });

    it('a rate other than the table AZ imported → RATE_MISMATCH at AZ', async () => {
      const body = validBody();
      body.lines.find((l) => l.currency === 'RUB')!.rate!.value = '5.30';
      recompute(body);
      await refusedByReceiver(body, 'RATE_MISMATCH');
    });
  });

  describe('accepted by the sender, refused by the receiver’s own rate table', () => {
    it('AZ answers with a negative receipt (RATE_MISMATCH): the message is rejected at KZ, its claim gone there and its number free again', async () => {
      // A return forty days back (late, flagged only): KZ has no rates imported for those days
      // (RATE_NOT_COVERED, a warning), AZ has — with another RUB rate than the claim's. Forty
      // days keeps these rows clear of every other claim's dates in this file.
      const shift = shiftFor(40);
      const imported = await pair.az.api(
        'security-officer',
        'POST',
        '/v1/rates',
        Buffer.from(
          ratesCsv(shift, (row) => {
            if (row[2] === 'RUB') row[4] = '5.30';
          }),
        ),
        { 'content-type': 'text/csv' },
      );
      expect(imported.status).toBe(200);
      const body = claimBody(nextNumber(), shift);
      const { status, body: sent } = await submitClaim(body);
      expect(status).toBe(202);
      await settled('KZ', sent.id, 'rejected');
      const rejected = await audited(pair.az, { messageId: sent.id, type: 'message.rejected' });
      expect(rejected.errorCode).toBe('RATE_MISMATCH');
      expect((await claimAt('AZ', sent.id)).status).toBe(404);
      await eventually(async () =>
        (await claimAt('KZ', sent.id)).status === 404 ? true : undefined,
      );
      // The claim number is KZ's to use again, for a corrected claim.
      const corrected = claimBody(body.claimNumber, shift);
      corrected.lines.find((l) => l.currency === 'RUB')!.rate!.value = '5.30';
      recompute(corrected);
      const again = await sendClaim(corrected);
      await bothInState(again, { claimNumber: body.claimNumber, state: 'submitted' });
    });
  });

  describe('a late claim (RET-3.2: sent more than 15 calendar days after the return)', () => {
    it('is sent with a CLAIM_LATE warning and flagged late on both gateways', async () => {
      const body = claimBody(nextNumber(), shiftFor(20));
      // Its rates are those of twenty days ago: imported too.
      for (const g of [pair.kz, pair.az]) {
        const imported = await g.api(
          'security-officer',
          'POST',
          '/v1/rates',
          Buffer.from(ratesCsv(shiftFor(20))),
          { 'content-type': 'text/csv' },
        );
        expect(imported.status).toBe(200);
      }
      const { status, body: sent } = await submitClaim(body);
      expect(status).toBe(202);
      expect(sent.warnings.map((w) => w.rule)).toContain('CLAIM_LATE');
      await settled('KZ', sent.id);
      await bothInState(sent.id, { late: true, state: 'submitted' });
    });
  });

  describe('a claim’s life: query and reply, dispute, payment (RET-4)', () => {
    let id: string;
    let body: ClaimBody;
    let query: string;
    let dispute: string;

    beforeAll(async () => {
      body = validBody();
      id = await sendClaim(body);
    });

    it('a query from AZ-RET makes it queried on both; KZ-RET’s reply makes it submitted again', async () => {
      query = await sendAnswer('claim-query', 'residence', id, {
        question: 'Просим представить посадочные талоны к строке 3.',
        lines: [3],
      });
      await bothInState(id, { state: 'queried' });
      await audited(pair.kz, { messageId: query, type: 'claim.queried' });
      const reply = await sendAnswer('claim-reply', 'stay', query, {
        answer: 'Посадочные талоны приложены к строке 3.',
      });
      await bothInState(id, { state: 'submitted', disputed: false });
      await audited(pair.az, { messageId: reply, type: 'claim.replied' });
    });

    it('refuses answers in the wrong direction: a query from the claiming state, a reply from the paying state (CLAIM_WRONG_SIDE)', async () => {
      const fromStay = await answer('claim-dispute', 'stay', query, { reason: 'Не согласны.' });
      expect({ status: fromStay.status, code: fromStay.body.code }).toEqual({
        status: 422,
        code: 'CLAIM_WRONG_SIDE',
      });
      const fromResidence = await answer('claim-reply', 'residence', id, { answer: 'Ответ.' });
      expect({ status: fromResidence.status, code: fromResidence.body.code }).toEqual({
        status: 422,
        code: 'CLAIM_WRONG_SIDE',
      });
      const payment = await answer('payment-confirmation', 'stay', query, {
        claimNumber: body.claimNumber,
        paidOn: dateIn('Asia/Almaty'),
        currency: 'USD',
        amount: body.total.amount,
        reference: 'П/п 1',
      });
      expect(payment.body.code).toBe('CLAIM_WRONG_SIDE');
    });

    it('a dispute keeps the claim open and disputed; a reply in the dispute keeps it disputed', async () => {
      dispute = await sendAnswer('claim-dispute', 'residence', id, {
        reason: 'Суточные сверх норм государства пребывания.',
        lines: [5],
        disputedAmount: body.lines[4].usd,
      });
      await bothInState(id, { state: 'disputed', disputed: true });
      expect(await listed('AZ', 'disputed')).toContain(id);
      expect(await listed('KZ', 'open')).toContain(id);
      await audited(pair.az, { messageId: dispute, type: 'claim.disputed' });
      await sendAnswer('claim-reply', 'stay', dispute, {
        answer: 'Нормы суточных приложены.',
      });
      await bothInState(id, { state: 'disputed', disputed: true });
    });

    it('a payment-confirmation closes it on both: listed paid, no longer open; a second payment is refused (CLAIM_CLOSED)', async () => {
      const paidOn = dateIn('Asia/Baku');
      const payment = await sendAnswer('payment-confirmation', 'residence', id, {
        claimNumber: body.claimNumber,
        paidOn,
        currency: 'USD',
        amount: body.total.amount,
        reference: 'Платёжное поручение № 345',
      });
      await bothInState(id, { state: 'paid', paidOn, paidUsd: body.total.amount });
      for (const party of ['KZ', 'AZ'] as const) {
        expect(await listed(party, 'paid')).toContain(id);
        expect(await listed(party, 'open')).not.toContain(id);
        expect(await listed(party, 'disputed')).not.toContain(id);
      }
      await audited(pair.kz, { messageId: payment, type: 'claim.paid' });
      await audited(pair.az, { messageId: payment, type: 'claim.paid' });
      const again = await answer('payment-confirmation', 'residence', id, {
        claimNumber: body.claimNumber,
        paidOn,
        currency: 'USD',
        amount: body.total.amount,
        reference: 'Повторно',
      });
      expect({ status: again.status, code: again.body.code }).toEqual({
        status: 409,
        code: 'CLAIM_CLOSED',
      });
    });
  });

  describe('overdue (RET-4: unpaid 30 days after receipt)', () => {
    it('is listed overdue and audited claim.overdue once on each gateway after both clocks move 31 days on', async () => {
      const id = await sendClaim();
      await eventually(async () => ((await claimAt('KZ', id)).body.dueOn ? true : undefined));
      expect(await listed('AZ', 'overdue')).not.toContain(id);
      for (const g of [pair.kz, pair.az]) g.setClockOffset(31 * DAY_MS);
      for (const party of ['KZ', 'AZ'] as const) {
        const entry = await audited(at(party), { messageId: id, type: 'claim.overdue' });
        expect(entry).toMatchObject({ errorCode: 'PAYMENT_DEADLINE_PASSED', outcome: 'failure' });
        expect(await listed(party, 'overdue')).toContain(id);
        expect(await listed(party, 'due')).not.toContain(id);
        expect((await claimAt(party, id)).body.overdue).toBe(true);
      }
      // Recorded once: the sweeps that ran while the listings above were read added none.
      for (const party of ['KZ', 'AZ'] as const) {
        const entries = await auditEntries(at(party), { messageId: id, type: 'claim.overdue' });
        expect(entries).toHaveLength(1);
      }
    });
  });
  it('#17 pages the claims like every list: newest first, each once, by cursor', async () => {
    const whole = await at('KZ').api<{ claims: ClaimView[]; next: string | null }>(
      authorityAt('KZ'),
      'GET',
      '/v1/claims?limit=500',
    );
    expect(whole.body.next).toBeNull();
    expect(whole.body.claims.length).toBeGreaterThan(2);
    const paged = await pagedThrough<ClaimView>(
      at('KZ'),
      authorityAt('KZ'),
      '/v1/claims',
      'claims',
      2,
    );
    expect(paged.items.map((c) => c.id)).toEqual(whole.body.claims.map((c) => c.id));
    expect(paged.pages).toBe(Math.ceil(whole.body.claims.length / 2));
  });
});
