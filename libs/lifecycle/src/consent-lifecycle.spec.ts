import { AUDIT_EVENT_TYPES } from '@mxg/audit';
import { MESSAGE_TYPES } from '@mxg/config';
import {
  CONSENT_REFUSAL_CODES,
  ConsentLifecycleError,
  type ConsentRefusalCode,
} from './consent-lifecycle.errors';
import {
  CONSENT_MESSAGE_TYPES,
  CONSENT_RULES,
  CONSENT_SIDES,
  CONSENT_STATES,
  type ConsentAuditEvent,
  type ConsentMessageType,
  type ConsentSide,
  type ConsentState,
  type ConsentTarget,
  consentTransition,
  isConsentMessageType,
} from './consent-lifecycle';
import { FORBIDDEN_CONSENT_TRANSITIONS } from './forbidden-consent-transitions';

const sut = consentTransition;

/** The columns of the matrix: what the message names, then each state of its consent. */
const TARGETS: readonly ConsentTarget[] = [
  { kind: 'none' },
  { kind: 'not-a-consent', type: 'request' },
  ...CONSENT_STATES.map((state) => ({ kind: 'consent' as const, state, agreement: 'MIG' })),
];
const targetName = (t: ConsentTarget) =>
  t.kind === 'consent' ? t.state : t.kind === 'none' ? '(none)' : `a ${t.type}`;

/** Every allowed move and its result (MIG-11.2, MIG-11.3); `null` from = no consent yet. */
const ALLOWED: readonly (readonly [
  ConsentState | null,
  ConsentMessageType,
  ConsentSide,
  ConsentState,
  ConsentAuditEvent,
])[] = [
  [null, 'consent-request', 'requester', 'requested', 'consent.requested'],
  ['requested', 'consent-grant', 'provider', 'granted', 'consent.granted'],
  ['requested', 'consent-denial', 'provider', 'denied', 'consent.denied'],
  ['granted', 'consent-revocation', 'provider', 'revoked', 'consent.revoked'],
];

/**
 * Every refused cell of the matrix (target × type × side), with its code. Read a row as: this
 * type, from this side, naming this target, is refused with this code.
 */
const REFUSED: readonly (readonly [string, ConsentMessageType, ConsentSide, ConsentRefusalCode])[] =
  [
    // A consent-request starts an exchange; only the requester sends one.
    ['(none)', 'consent-request', 'provider', 'WRONG_SIDE'],
    ...TARGETS.filter((t) => t.kind !== 'none').flatMap((t) =>
      CONSENT_SIDES.map(
        (side) => [targetName(t), 'consent-request', side, 'CONSENT_NOT_AN_ANSWER'] as const,
      ),
    ),
    // An answer needs a consent.
    ...(['consent-grant', 'consent-denial', 'consent-revocation'] as const).flatMap((type) =>
      CONSENT_SIDES.flatMap((side) => [
        ['(none)', type, side, 'CONSENT_NOT_FOUND'] as const,
        ['a request', type, side, 'NOT_A_CONSENT'] as const,
        // The requester never answers its own consent-request, in any state.
        ...(side === 'requester'
          ? CONSENT_STATES.map((state) => [state, type, side, 'WRONG_SIDE'] as const)
          : []),
      ]),
    ),
    // The provider, out of turn.
    ['granted', 'consent-grant', 'provider', 'NOT_AWAITED'],
    ['granted', 'consent-denial', 'provider', 'NOT_AWAITED'],
    ['requested', 'consent-revocation', 'provider', 'NOT_AWAITED'],
    ...(['denied', 'revoked'] as const).flatMap((state) =>
      (['consent-grant', 'consent-denial', 'consent-revocation'] as const).map(
        (type) => [state, type, 'provider', 'CONSENT_CLOSED'] as const,
      ),
    ),
  ];

describe('the consent lifecycle (MIG-11.2, MIG-11.3)', () => {
  it('knows the four consent message types, all of them MXG message types', () => {
    expect(
      CONSENT_MESSAGE_TYPES.every((t) => (MESSAGE_TYPES as readonly string[]).includes(t)),
    ).toBe(true);
    expect(MESSAGE_TYPES.filter(isConsentMessageType)).toEqual([...CONSENT_MESSAGE_TYPES]);
  });

  it('writes only audit events the audit log declares, one per rule', () => {
    const events = CONSENT_RULES.map((r) => r.event);
    expect(events.every((e) => (AUDIT_EVENT_TYPES as readonly string[]).includes(e))).toBe(true);
    expect(new Set(events).size).toBe(CONSENT_RULES.length);
  });

  it.each(ALLOWED)('%s --%s from the %s--> %s, audited as %s', (from, type, side, to, event) => {
    const target: ConsentTarget =
      from === null ? { kind: 'none' } : { kind: 'consent', state: from, agreement: 'MIG' };
    expect(sut({ target, type, side, agreement: 'MIG' })).toEqual({
      ok: true,
      state: to,
      event,
      treaty: expect.stringContaining('MIG-11') as string,
    });
  });

  it.each(REFUSED)('%s: a %s from the %s is refused with %s', (target, type, side, code) => {
    const named = TARGETS.find((t) => targetName(t) === target)!;
    const moved = sut({ target: named, type, side, agreement: 'MIG' });
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
      CONSENT_MESSAGE_TYPES.flatMap((type) =>
        CONSENT_SIDES.map((side) => key(targetName(t), type, side)),
      ),
    );
    expect([...allowed, ...refused].sort()).toEqual([...every].sort());
  });

  it('refuses an answer under another agreement than its consent’s', () => {
    expect(
      sut({
        target: { kind: 'consent', state: 'requested', agreement: 'MIG' },
        type: 'consent-grant',
        side: 'provider',
        agreement: 'RET',
      }),
    ).toMatchObject({ ok: false, code: 'CONSENT_AGREEMENT_MISMATCH' });
  });

  it.each(FORBIDDEN_CONSENT_TRANSITIONS)('forbidden: $name → $code', ({ input, code }) => {
    expect(sut(input)).toMatchObject({ ok: false, code });
  });

  it('names every refusal code it can return, and one error class carries each', () => {
    const returned = new Set(REFUSED.map(([, , , code]) => code));
    returned.add('CONSENT_AGREEMENT_MISMATCH');
    for (const code of returned) expect(CONSENT_REFUSAL_CODES).toContain(code);
    const error = ConsentLifecycleError.from({
      ok: false,
      code: 'CONSENT_CLOSED',
      message: 'closed',
      treaty: 'MIG-11.3',
    });
    expect({ code: error.code, treaty: error.treaty }).toEqual({
      code: 'CONSENT_CLOSED',
      treaty: 'MIG-11.3',
    });
  });
});
