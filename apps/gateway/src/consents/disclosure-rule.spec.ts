import type { ConsentRecord } from '../exchange/store/consent.types';
import { decideDisclosure, type DisclosureIntent } from './disclosure-rule';

const M1 = '11111111-1111-4111-8111-111111111111';
const M2 = '22222222-2222-4222-8222-222222222222';
const AT = new Date('2026-12-01T10:00:00Z');

function consent(over: Partial<ConsentRecord>): ConsentRecord {
  return {
    id: over.id ?? 'c',
    agreement: 'MIG',
    side: 'requester',
    requester: { party: 'AZ', authority: 'AZ-DMX' },
    provider: { party: 'KZ', authority: 'KZ-MVD' },
    messages: [M1, M2],
    use: 'onward-transfer',
    recipientId: 'AZ-GP',
    purpose: null,
    state: 'granted',
    stateAt: AT,
    requestedAt: AT,
    grantMessageId: 'g',
    denialMessageId: null,
    revocationMessageId: null,
    validUntil: '2026-12-10',
    ...over,
  };
}

const ONWARD: DisclosureIntent = {
  messages: [M1],
  use: 'onward-transfer',
  recipient: 'AZ-GP',
  purpose: null,
};
const NEW_PURPOSE: DisclosureIntent = {
  messages: [M1],
  use: 'new-purpose',
  recipient: null,
  purpose: 'judicial-proceedings',
};

/** The provider's date, the same for every consent here. */
const on = (date: string) => () => date;

describe('the disclosure rule (MIG-11.2, MIG-11.3)', () => {
  it.each([
    ['no consent at all', [], ONWARD, 'CONSENT_REQUIRED'],
    [
      'a consent still requested',
      [consent({ state: 'requested', validUntil: null })],
      ONWARD,
      'CONSENT_REQUIRED',
    ],
    [
      'a denied consent',
      [consent({ state: 'denied', validUntil: null })],
      ONWARD,
      'CONSENT_DENIED',
    ],
    ['a revoked grant', [consent({ state: 'revoked' })], ONWARD, 'CONSENT_REVOKED'],
    [
      'a grant for another third party',
      [consent({ recipientId: 'AZ-MVD' })],
      ONWARD,
      'CONSENT_MISMATCH',
    ],
    [
      'a grant for onward transfer, asked for a new purpose',
      [consent({})],
      NEW_PURPOSE,
      'CONSENT_MISMATCH',
    ],
    [
      'a new-purpose grant for another purpose',
      [consent({ use: 'new-purpose', recipientId: null, purpose: 'identity-verification' })],
      NEW_PURPOSE,
      'CONSENT_MISMATCH',
    ],
    [
      'a grant that covers only one of the messages',
      [consent({ messages: [M2] })],
      { ...ONWARD, messages: [M1, M2] },
      'CONSENT_MISMATCH',
    ],
    [
      'an onward grant naming the third party’s purpose, used for another',
      [consent({ purpose: 'identity-verification' })],
      { ...ONWARD, purpose: 'judicial-proceedings' },
      'CONSENT_MISMATCH',
    ],
  ] as const)('refuses with %s', (_name, candidates, intent, code) => {
    expect(decideDisclosure(candidates, intent, on('2026-12-05'))).toMatchObject({
      ok: false,
      code,
    });
  });

  it('a grant holds through the end of its validUntil at the provider, and not a day longer', () => {
    const grant = consent({});
    expect(decideDisclosure([grant], ONWARD, on('2026-12-10'))).toEqual({
      ok: true,
      consent: grant,
    });
    expect(decideDisclosure([grant], ONWARD, on('2026-12-11'))).toEqual({
      ok: false,
      code: 'CONSENT_EXPIRED',
      consent: grant,
    });
  });

  it('accepts under a matching grant: a subset of its messages, the same third party or purpose', () => {
    const onward = consent({});
    const purpose = consent({
      id: 'p',
      use: 'new-purpose',
      recipientId: null,
      purpose: 'judicial-proceedings',
    });
    expect(decideDisclosure([onward, purpose], ONWARD, on('2026-12-05'))).toEqual({
      ok: true,
      consent: onward,
    });
    expect(decideDisclosure([onward, purpose], NEW_PURPOSE, on('2026-12-05'))).toEqual({
      ok: true,
      consent: purpose,
    });
  });

  it('a valid grant wins over an older revoked or denied one for the same terms', () => {
    const revoked = consent({ id: 'old', state: 'revoked' });
    const granted = consent({ id: 'new' });
    expect(decideDisclosure([revoked, granted], ONWARD, on('2026-12-05'))).toMatchObject({
      ok: true,
      consent: { id: 'new' },
    });
  });

  it('names the most recently changed answered consent when none is valid', () => {
    const revoked = consent({ id: 'revoked', state: 'revoked' });
    const denied = consent({ id: 'denied', state: 'denied' });
    expect(decideDisclosure([revoked, denied], ONWARD, on('2026-12-05'))).toMatchObject({
      code: 'CONSENT_REVOKED',
      consent: { id: 'revoked' },
    });
  });
});
