import { AUDIT_EVENT_TYPES } from '@mxg/audit';
import { MESSAGE_TYPES } from '@mxg/config';
import {
  CLAIM_REFUSAL_CODES,
  ClaimLifecycleError,
  type ClaimRefusalCode,
} from './claim-lifecycle.errors';
import {
  CLAIM_MESSAGE_TYPES,
  CLAIM_RULES,
  CLAIM_SIDES,
  CLAIM_STATES,
  type ClaimAuditEvent,
  type ClaimMessageType,
  type ClaimSide,
  type ClaimState,
  type ClaimTarget,
  claimTransition,
  isClaimMessageType,
} from './claim-lifecycle';
import { FORBIDDEN_CLAIM_TRANSITIONS } from './forbidden-claim-transitions';

const sut = claimTransition;

/** The columns of the matrix: what the message names, then each state of its claim. */
const TARGETS: readonly ClaimTarget[] = [
  { kind: 'none' },
  { kind: 'not-a-claim', type: 'request' },
  ...CLAIM_STATES.map((state) => ({ kind: 'claim' as const, state, agreement: 'RET' })),
];
const targetName = (t: ClaimTarget) =>
  t.kind === 'claim' ? t.state : t.kind === 'none' ? '(none)' : `a ${t.type}`;

/** Every allowed move and its result (RET-3.1, RET-4); `null` from = no claim yet. */
const ALLOWED: readonly (readonly [
  ClaimState | null,
  ClaimMessageType,
  ClaimSide,
  ClaimState,
  ClaimAuditEvent,
])[] = [
  [null, 'reimbursement-claim', 'stay', 'submitted', 'claim.submitted'],
  ['submitted', 'claim-query', 'residence', 'queried', 'claim.queried'],
  ['queried', 'claim-query', 'residence', 'queried', 'claim.queried'],
  ['disputed', 'claim-query', 'residence', 'disputed', 'claim.queried'],
  ['queried', 'claim-reply', 'stay', 'submitted', 'claim.replied'],
  ['disputed', 'claim-reply', 'stay', 'disputed', 'claim.replied'],
  ['submitted', 'claim-dispute', 'residence', 'disputed', 'claim.disputed'],
  ['queried', 'claim-dispute', 'residence', 'disputed', 'claim.disputed'],
  ['disputed', 'claim-dispute', 'residence', 'disputed', 'claim.disputed'],
  ['submitted', 'payment-confirmation', 'residence', 'paid', 'claim.paid'],
  ['queried', 'payment-confirmation', 'residence', 'paid', 'claim.paid'],
  ['disputed', 'payment-confirmation', 'residence', 'paid', 'claim.paid'],
];

const ANSWERS = ['claim-query', 'claim-reply', 'claim-dispute', 'payment-confirmation'] as const;

/**
 * Every refused cell of the matrix (target × type × side), with its code. Read a row as: this
 * type, from this side, naming this target, is refused with this code.
 */
const REFUSED: readonly (readonly [string, ClaimMessageType, ClaimSide, ClaimRefusalCode])[] = [
  // A claim starts an exchange, and goes from the state of stay only.
  ['(none)', 'reimbursement-claim', 'residence', 'CLAIM_WRONG_SIDE'],
  ...TARGETS.filter((t) => t.kind !== 'none').flatMap((t) =>
    CLAIM_SIDES.map(
      (side) => [targetName(t), 'reimbursement-claim', side, 'CLAIM_NOT_AN_ANSWER'] as const,
    ),
  ),
  // An answer needs a claim.
  ...ANSWERS.flatMap((type) =>
    CLAIM_SIDES.flatMap((side) => [
      ['(none)', type, side, 'CLAIM_NOT_FOUND'] as const,
      ['a request', type, side, 'NOT_A_CLAIM'] as const,
    ]),
  ),
  // An answer from the wrong side, in any state of the claim.
  ...ANSWERS.flatMap((type) => {
    const wrong: ClaimSide = type === 'claim-reply' ? 'residence' : 'stay';
    return CLAIM_STATES.map((state) => [state, type, wrong, 'CLAIM_WRONG_SIDE'] as const);
  }),
  // The right side, out of turn: a reply with no query or dispute open.
  ['submitted', 'claim-reply', 'stay', 'CLAIM_NOT_AWAITED'],
  // Paid closes the claim (RET-4).
  ['paid', 'claim-query', 'residence', 'CLAIM_CLOSED'],
  ['paid', 'claim-dispute', 'residence', 'CLAIM_CLOSED'],
  ['paid', 'payment-confirmation', 'residence', 'CLAIM_CLOSED'],
  ['paid', 'claim-reply', 'stay', 'CLAIM_CLOSED'],
];

describe('the claim lifecycle (RET-3.1, RET-4)', () => {
  it('knows the five claim message types, all of them MXG message types', () => {
    expect(CLAIM_MESSAGE_TYPES.every((t) => (MESSAGE_TYPES as readonly string[]).includes(t))).toBe(
      true,
    );
    expect(MESSAGE_TYPES.filter(isClaimMessageType).sort()).toEqual(
      [...CLAIM_MESSAGE_TYPES].sort(),
    );
  });

  it('writes only audit events the audit log declares', () => {
    const events = CLAIM_RULES.flatMap((r) => [r.event, r.receivedEvent ?? r.event]);
    expect(events.every((e) => (AUDIT_EVENT_TYPES as readonly string[]).includes(e))).toBe(true);
    expect(AUDIT_EVENT_TYPES).toContain('claim.overdue');
  });

  it('audits a claim as submitted by its sender and received by its receiver', () => {
    expect(
      sut({
        target: { kind: 'none' },
        type: 'reimbursement-claim',
        side: 'stay',
        agreement: 'RET',
      }),
    ).toMatchObject({ ok: true, event: 'claim.submitted', receivedEvent: 'claim.received' });
  });

  it.each(ALLOWED)(
    '%s --%s from the %s side--> %s, audited as %s',
    (from, type, side, to, event) => {
      const target: ClaimTarget =
        from === null ? { kind: 'none' } : { kind: 'claim', state: from, agreement: 'RET' };
      expect(sut({ target, type, side, agreement: 'RET' })).toMatchObject({
        ok: true,
        state: to,
        event,
        treaty: expect.stringContaining('RET-') as string,
      });
    },
  );

  it.each(REFUSED)('%s: a %s from the %s side is refused with %s', (target, type, side, code) => {
    const named = TARGETS.find((t) => targetName(t) === target)!;
    const moved = sut({ target: named, type, side, agreement: 'RET' });
    expect(moved).toMatchObject({ ok: false, code });
    if (!moved.ok) {
      expect(moved.message).toContain(type);
      expect(moved.message).toContain(side);
    }
  });

  it('covers the whole matrix: every cell is allowed or refused, none both', () => {
    const key = (target: string, type: string, side: string) => `${target}/${type}/${side}`;
    const allowed = ALLOWED.map(([from, type, side]) => key(from ?? '(none)', type, side));
    const refused = REFUSED.map(([target, type, side]) => key(target, type, side));
    const every = TARGETS.flatMap((t) =>
      CLAIM_MESSAGE_TYPES.flatMap((type) =>
        CLAIM_SIDES.map((side) => key(targetName(t), type, side)),
      ),
    );
    expect([...allowed, ...refused].sort()).toEqual([...every].sort());
  });

  it('keeps a disputed claim disputed until it is paid (RET-4: settled by consultation)', () => {
    const disputed: ClaimTarget = { kind: 'claim', state: 'disputed', agreement: 'RET' };
    for (const [type, side] of [
      ['claim-query', 'residence'],
      ['claim-reply', 'stay'],
      ['claim-dispute', 'residence'],
    ] as const) {
      expect(sut({ target: disputed, type, side, agreement: 'RET' })).toMatchObject({
        ok: true,
        state: 'disputed',
      });
    }
  });

  it.each(FORBIDDEN_CLAIM_TRANSITIONS)('forbidden: $name → $code', ({ input, code }) => {
    expect(sut(input)).toMatchObject({ ok: false, code });
  });

  it('names every refusal code it can return, and one error class carries each', () => {
    const returned = new Set<ClaimRefusalCode>(REFUSED.map(([, , , code]) => code));
    returned.add('CLAIM_AGREEMENT_MISMATCH');
    for (const code of returned) expect(CLAIM_REFUSAL_CODES).toContain(code);
    const error = ClaimLifecycleError.from({
      ok: false,
      code: 'CLAIM_CLOSED',
      message: 'closed',
      treaty: 'RET-4',
    });
    expect({ code: error.code, treaty: error.treaty }).toEqual({
      code: 'CLAIM_CLOSED',
      treaty: 'RET-4',
    });
  });
});
