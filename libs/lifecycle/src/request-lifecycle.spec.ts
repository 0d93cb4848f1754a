import { FORBIDDEN_REQUEST_TRANSITIONS } from './forbidden-request-transitions';
import {
  REQUEST_REFUSAL_CODES,
  RequestLifecycleError,
  type RequestRefusalCode,
} from './request-lifecycle.errors';
import {
  REQUEST_AUDIT_EVENTS,
  REQUEST_MESSAGE_TYPES,
  REQUEST_RULES,
  REQUEST_SIDES,
  REQUEST_STATES,
  type RequestAuditEvent,
  type RequestMessageType,
  type RequestSide,
  type RequestState,
  type RequestTarget,
  type RequestTransitionInput,
  requestTransition,
  stopsDeadline,
} from './request-lifecycle';

const sut = requestTransition;

/** The columns of the matrix below: what the message names, then each state of its request. */
const TARGETS: readonly RequestTarget[] = [
  { kind: 'none' },
  { kind: 'not-a-request', type: 'notice' },
  ...REQUEST_STATES.map((state) => ({ kind: 'request' as const, state, agreement: 'MIG' })),
];

const targetName = (t: RequestTarget) =>
  t.kind === 'request' ? t.state : t.kind === 'none' ? '(none)' : `a ${t.type}`;

/** Every allowed move and its result (MIG-8..MIG-11); `null` from = no request yet. */
const ALLOWED: readonly (readonly [
  RequestState | null,
  RequestMessageType,
  RequestSide,
  boolean | undefined,
  RequestState | null,
  RequestAuditEvent | null,
])[] = [
  [null, 'request', 'requester', undefined, 'open', 'request.opened'],
  [null, 'notice', 'requester', undefined, null, null],
  [null, 'notice', 'requested', undefined, null, null],
  ['open', 'response', 'requested', undefined, 'answered', 'request.answered'],
  ['postponed', 'response', 'requested', undefined, 'answered', 'request.answered'],
  ['partially-refused', 'response', 'requested', undefined, 'answered', 'request.answered'],
  ['open', 'refusal', 'requested', false, 'refused', 'request.refused'],
  ['awaiting-clarification', 'refusal', 'requested', false, 'refused', 'request.refused'],
  ['awaiting-confirmation', 'refusal', 'requested', false, 'refused', 'request.refused'],
  ['awaiting-decision', 'refusal', 'requested', false, 'refused', 'request.refused'],
  ['postponed', 'refusal', 'requested', false, 'refused', 'request.refused'],
  ['partially-refused', 'refusal', 'requested', false, 'refused', 'request.refused'],
  ['open', 'refusal', 'requested', true, 'partially-refused', 'request.partially-refused'],
  ['postponed', 'refusal', 'requested', true, 'partially-refused', 'request.partially-refused'],
  [
    'partially-refused',
    'refusal',
    'requested',
    true,
    'partially-refused',
    'request.partially-refused',
  ],
  ...(['open', 'postponed', 'partially-refused'] as const).flatMap(
    (from) =>
      [
        [
          from,
          'clarification-request',
          'requested',
          undefined,
          'awaiting-clarification',
          'request.clarification-requested',
        ],
        [from, 'postponement', 'requested', undefined, 'postponed', 'request.postponed'],
        [from, 'conditions', 'requested', undefined, 'awaiting-decision', 'request.conditions-set'],
        [
          from,
          'confirmation-request',
          'requested',
          undefined,
          'awaiting-confirmation',
          'request.confirmation-requested',
        ],
        [
          from,
          'confidentiality-notice',
          'requested',
          undefined,
          'awaiting-decision',
          'request.confidentiality-notified',
        ],
      ] as const,
  ),
  ...(
    [
      'open',
      'awaiting-clarification',
      'awaiting-confirmation',
      'awaiting-decision',
      'postponed',
      'partially-refused',
    ] as const
  ).flatMap(
    (from) =>
      [
        [from, 'delay-notice', 'requested', undefined, from, 'request.delay-notified'],
        [from, 'withdraw', 'requester', undefined, 'withdrawn', 'request.withdrawn'],
      ] as const,
  ),
  ['awaiting-clarification', 'clarification', 'requester', undefined, 'open', 'request.clarified'],
  ['awaiting-confirmation', 'confirmation', 'requester', undefined, 'open', 'request.confirmed'],
  ['awaiting-decision', 'proceed', 'requester', undefined, 'open', 'request.proceeded'],
];

const CODES: Readonly<Record<string, RequestRefusalCode>> = {
  NF: 'REQUEST_NOT_FOUND',
  NR: 'NOT_A_REQUEST',
  NA: 'NOT_AN_ANSWER',
  WS: 'WRONG_SIDE',
  CL: 'REQUEST_CLOSED',
  NW: 'NOT_AWAITED',
  AR: 'AWAITING_REQUESTER',
  EX: 'REFUSAL_EXTENT_MISSING',
};

/**
 * The whole cross product: every type × side (× a refusal's extent) against every column of
 * TARGETS. `ok` = allowed, its result in ALLOWED; otherwise the refusal code (CODES). Columns:
 *   none  notice  open  aw-clar  aw-conf  aw-dec  postponed  part-ref  answered  refused  withdrawn
 */
const MATRIX: readonly [RequestMessageType, RequestSide, boolean | undefined, string][] = [
  ['request', 'requester', undefined, 'ok NA NA NA NA NA NA NA NA NA NA'],
  ['request', 'requested', undefined, 'WS NA NA NA NA NA NA NA NA NA NA'],
  ['notice', 'requester', undefined, 'ok NA NA NA NA NA NA NA NA NA NA'],
  ['notice', 'requested', undefined, 'ok NA NA NA NA NA NA NA NA NA NA'],
  ['response', 'requested', undefined, 'NF NR ok AR AR AR ok ok CL CL CL'],
  ['response', 'requester', undefined, 'NF NR WS WS WS WS WS WS WS WS WS'],
  ['refusal', 'requested', false, 'NF NR ok ok ok ok ok ok CL CL CL'],
  ['refusal', 'requested', true, 'NF NR ok AR AR AR ok ok CL CL CL'],
  ['refusal', 'requested', undefined, 'NF NR EX EX EX EX EX EX EX EX EX'],
  ['refusal', 'requester', false, 'NF NR WS WS WS WS WS WS WS WS WS'],
  ['refusal', 'requester', true, 'NF NR WS WS WS WS WS WS WS WS WS'],
  ['refusal', 'requester', undefined, 'NF NR WS WS WS WS WS WS WS WS WS'],
  ['clarification-request', 'requested', undefined, 'NF NR ok AR AR AR ok ok CL CL CL'],
  ['clarification-request', 'requester', undefined, 'NF NR WS WS WS WS WS WS WS WS WS'],
  ['delay-notice', 'requested', undefined, 'NF NR ok ok ok ok ok ok CL CL CL'],
  ['delay-notice', 'requester', undefined, 'NF NR WS WS WS WS WS WS WS WS WS'],
  ['postponement', 'requested', undefined, 'NF NR ok AR AR AR ok ok CL CL CL'],
  ['postponement', 'requester', undefined, 'NF NR WS WS WS WS WS WS WS WS WS'],
  ['conditions', 'requested', undefined, 'NF NR ok AR AR AR ok ok CL CL CL'],
  ['conditions', 'requester', undefined, 'NF NR WS WS WS WS WS WS WS WS WS'],
  ['confirmation-request', 'requested', undefined, 'NF NR ok AR AR AR ok ok CL CL CL'],
  ['confirmation-request', 'requester', undefined, 'NF NR WS WS WS WS WS WS WS WS WS'],
  ['confidentiality-notice', 'requested', undefined, 'NF NR ok AR AR AR ok ok CL CL CL'],
  ['confidentiality-notice', 'requester', undefined, 'NF NR WS WS WS WS WS WS WS WS WS'],
  ['clarification', 'requester', undefined, 'NF NR NW ok NW NW NW NW CL CL CL'],
  ['clarification', 'requested', undefined, 'NF NR WS WS WS WS WS WS WS WS WS'],
  ['confirmation', 'requester', undefined, 'NF NR NW NW ok NW NW NW CL CL CL'],
  ['confirmation', 'requested', undefined, 'NF NR WS WS WS WS WS WS WS WS WS'],
  ['proceed', 'requester', undefined, 'NF NR NW NW NW ok NW NW CL CL CL'],
  ['proceed', 'requested', undefined, 'NF NR WS WS WS WS WS WS WS WS WS'],
  ['withdraw', 'requester', undefined, 'NF NR ok ok ok ok ok ok CL CL CL'],
  ['withdraw', 'requested', undefined, 'NF NR WS WS WS WS WS WS WS WS WS'],
];

const CELLS = MATRIX.flatMap(([type, side, partial, row]) =>
  row.split(' ').map((cell, column) => {
    const target = TARGETS[column];
    const input: RequestTransitionInput = { target, type, side, agreement: 'MIG', partial };
    return {
      input,
      cell,
      name: `${type}${extent(partial)} by the ${side} → ${targetName(target)}`,
    };
  }),
);

function extent(partial: boolean | undefined): string {
  return partial === undefined ? '' : partial ? ' (partial)' : ' (in full)';
}

function allowedResult(input: RequestTransitionInput) {
  const from = input.target.kind === 'request' ? input.target.state : null;
  const row = ALLOWED.find(
    ([f, type, side, partial]) =>
      f === from && type === input.type && side === input.side && partial === input.partial,
  );
  if (row === undefined) throw new Error(`test table: ${input.type} from ${from} is not ALLOWED`);
  return row;
}

describe(requestTransition.name, () => {
  it('the matrix covers every type, side and target exactly once', () => {
    const rows = MATRIX.map(([type, side, partial]) => `${type}/${side}/${partial}`);
    expect(new Set(rows).size).toBe(rows.length);
    for (const type of REQUEST_MESSAGE_TYPES) {
      for (const side of REQUEST_SIDES) {
        expect(rows).toContain(`${type}/${side}/${type === 'refusal' ? 'false' : 'undefined'}`);
      }
    }
    expect(MATRIX.every(([, , , row]) => row.split(' ').length === TARGETS.length)).toBe(true);
    expect(CELLS.filter((c) => c.cell === 'ok')).toHaveLength(ALLOWED.length);
  });

  describe('allowed moves (MIG-8..MIG-11)', () => {
    it.each(CELLS.filter((c) => c.cell === 'ok').map((c) => [c.name, c.input] as const))(
      '%s',
      (_name, input) => {
        const [, , , , state, event] = allowedResult(input);
        expect(sut(input)).toMatchObject({ ok: true, state, event });
      },
    );
  });

  describe('refused moves, by code', () => {
    it.each(
      CELLS.filter((c) => c.cell !== 'ok').map((c) => [c.name, c.input, CODES[c.cell]] as const),
    )('%s', (_name, input, code) => {
      expect(code).toBeDefined();
      expect(sut(input)).toMatchObject({ ok: false, code });
    });
  });

  it('refuses every answer under another agreement than its request, in every state', () => {
    const answers = CELLS.filter(
      (c) => c.input.target.kind === 'request' && !['request', 'notice'].includes(c.input.type),
    );
    expect(answers.length).toBeGreaterThan(200);
    for (const { input } of answers) {
      expect(sut({ ...input, agreement: 'RET' })).toMatchObject({
        ok: false,
        code: 'AGREEMENT_MISMATCH',
      });
    }
  });

  it("names the request's state, the type, the side and the article in every refusal", () => {
    for (const { input } of CELLS) {
      const result = sut(input);
      if (result.ok) continue;
      expect(result.message).toContain(`a ${input.type} from the ${input.side}`);
      expect(result.message).toContain(`(${result.treaty})`);
      expect(result.treaty).toMatch(/^MIG-\d/);
      if (input.target.kind === 'request') expect(result.message).toContain(input.target.state);
    }
  });

  it('explains what a waiting request waits for', () => {
    const result = sut({
      target: { kind: 'request', state: 'awaiting-decision', agreement: 'MIG' },
      type: 'response',
      side: 'requested',
      agreement: 'MIG',
    });
    expect(result).toEqual({
      ok: false,
      code: 'AWAITING_REQUESTER',
      message:
        'a response from the requested authority answering a request that is awaiting-decision: the ' +
        "requested authority sent conditions or confidentiality-notice and waits for the requester's " +
        'proceed or withdraw; until then it may send a delay-notice or refuse in full (MIG-10.2, MIG-11.1)',
      treaty: 'MIG-10.2, MIG-11.1',
    });
  });

  it('walks one request from receipt to its answer, both sides taking turns', () => {
    let state: RequestState | null = null;
    const events: (RequestAuditEvent | null)[] = [];
    const steps: [RequestMessageType, RequestSide, boolean?][] = [
      ['request', 'requester'],
      ['confirmation-request', 'requested'],
      ['confirmation', 'requester'],
      ['refusal', 'requested', true],
      ['postponement', 'requested'],
      ['delay-notice', 'requested'],
      ['response', 'requested'],
    ];
    for (const [type, side, partial] of steps) {
      const target: RequestTarget =
        state === null ? { kind: 'none' } : { kind: 'request', state, agreement: 'MIG' };
      const result = sut({ target, type, side, agreement: 'MIG', partial });
      if (!result.ok) throw new Error(result.message);
      state = result.state;
      events.push(result.event);
    }
    expect(state).toBe('answered');
    expect(events).toEqual([
      'request.opened',
      'request.confirmation-requested',
      'request.confirmed',
      'request.partially-refused',
      'request.postponed',
      'request.delay-notified',
      'request.answered',
    ]);
  });

  it('reads whatever table it is given: a narrower one refuses what it leaves out', () => {
    const withoutResponses = REQUEST_RULES.filter((r) => r.type !== 'response');
    const open = { kind: 'request', state: 'open', agreement: 'MIG' } as const;
    const input = { target: open, type: 'response', side: 'requested', agreement: 'MIG' } as const;
    expect(sut(input, withoutResponses)).toMatchObject({ ok: false, code: 'NOT_AWAITED' });
    const noOpening = REQUEST_RULES.filter((r) => r.type !== 'request');
    expect(
      sut(
        { target: { kind: 'none' }, type: 'request', side: 'requester', agreement: 'MIG' },
        noOpening,
      ),
    ).toMatchObject({ ok: false, code: 'NOT_AWAITED' });
  });

  it('writes every audit event of REQUEST_AUDIT_EVENTS from some rule', () => {
    expect(new Set(REQUEST_RULES.map((r) => r.event))).toEqual(new Set(REQUEST_AUDIT_EVENTS));
  });
});

describe('FORBIDDEN_REQUEST_TRANSITIONS', () => {
  it.each(FORBIDDEN_REQUEST_TRANSITIONS.map((c) => [c.name, c.input, c.code] as const))(
    '%s',
    (_name, input, code) => {
      expect(sut(input)).toMatchObject({ ok: false, code });
    },
  );

  it('names at least fifteen distinct cases, covering every code of a request’s own exchange', () => {
    const names = FORBIDDEN_REQUEST_TRANSITIONS.map((c) => c.name);
    expect(new Set(names).size).toBe(names.length);
    expect(names.length).toBeGreaterThanOrEqual(15);
    const codes = new Set(FORBIDDEN_REQUEST_TRANSITIONS.map((c) => c.code));
    // AGREEMENT_TERMINATED is the agreement's (MIG-17), checked by its own function.
    expect([...codes].sort()).toEqual(
      REQUEST_REFUSAL_CODES.filter((c) => c !== 'AGREEMENT_TERMINATED').sort(),
    );
  });
});

describe(stopsDeadline.name, () => {
  it.each(REQUEST_STATES.map((s) => [s, ['answered', 'refused', 'withdrawn'].includes(s)]))(
    'MIG-10.3: %s stops the clock: %s',
    (state, stops) => {
      expect(stopsDeadline(state)).toBe(stops);
    },
  );
});

describe(RequestLifecycleError.name, () => {
  it('carries the refusal’s code, message and article', () => {
    const refusal = sut({
      target: { kind: 'none' },
      type: 'response',
      side: 'requested',
      agreement: 'MIG',
    });
    if (refusal.ok) throw new Error('expected a refusal');
    const error = RequestLifecycleError.from(refusal);
    expect(error.code).toBe('REQUEST_NOT_FOUND');
    expect(error.message).toBe(`REQUEST_NOT_FOUND: ${refusal.message}`);
    expect(error.treaty).toBe('MIG-8');
  });
});
