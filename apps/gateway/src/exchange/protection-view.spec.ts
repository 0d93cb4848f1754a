import type { MessageRecord } from './exchange.types';
import { ProtectionView } from './protection-view';

const at = new Date('2026-03-01T12:00:00Z');

const message = (type: MessageRecord['type']): MessageRecord => ({
  id: '11111111-1111-4111-8111-111111111111',
  direction: 'incoming',
  type,
  agreement: 'MIG',
  from: { party: 'AZ', authority: 'AZ-DMX' },
  to: { party: 'KZ', authority: 'KZ-MVD' },
  correlationId: '22222222-2222-4222-8222-222222222222',
  inReplyTo: null,
  digest: `sha256:${'0'.repeat(64)}`,
  signatoryId: 'az-dmx-deputy-head',
  createdAt: at,
  recordedAt: at,
  status: 'received',
  statusCode: null,
  statusAt: at,
  attempts: 0,
  receiptDueAt: null,
  submittedBy: null,
  requestDigest: null,
  destroyedAt: null,
  destroyedReason: null,
  recipientDestroyedAt: null,
  recipientDestructionNotice: null,
});

describe(ProtectionView.name, () => {
  it('shows the treaty’s own restrictions in force on an answer that set none (MIG-11.2, MIG-11.3)', () => {
    expect(
      ProtectionView.of(message('response'), {
        purpose: 'identity-verification',
        restrictions: [],
      }),
    ).toEqual({
      purpose: 'identity-verification',
      handling: {
        restrictions: ['purpose-only', 'no-onward-transfer'],
        treaty: ['purpose-only', 'no-onward-transfer'],
        addedBy: [],
      },
    });
  });

  it('adds every recorded code once, in the closed list’s order, and says which message set it', () => {
    const later = '33333333-3333-4333-8333-333333333333';
    const view = ProtectionView.of(message('response'), {
      purpose: 'identity-verification',
      restrictions: [
        { restriction: 'no-onward-transfer', addedBy: message('response').id, addedAt: at },
        { restriction: 'no-judicial-use', addedBy: later, addedAt: at },
        { restriction: 'no-onward-transfer', addedBy: later, addedAt: at },
      ],
    });
    expect(view.handling!.restrictions).toEqual([
      'purpose-only',
      'no-judicial-use',
      'no-onward-transfer',
    ]);
    expect(view.handling!.addedBy).toEqual([
      {
        restriction: 'no-onward-transfer',
        messageId: message('response').id,
        at: at.toISOString(),
      },
      { restriction: 'no-judicial-use', messageId: later, at: at.toISOString() },
      { restriction: 'no-onward-transfer', messageId: later, at: at.toISOString() },
    ]);
  });

  it('shows no handling for a type that carries no personal data back, unless restricted later', () => {
    expect(ProtectionView.of(message('refusal'), undefined)).toEqual({
      purpose: null,
      handling: null,
    });
    const restricted = ProtectionView.of(message('request'), {
      purpose: 'identity-verification',
      restrictions: [{ restriction: 'no-judicial-use', addedBy: 'x', addedAt: at }],
    });
    expect(restricted.handling?.restrictions).toContain('no-judicial-use');
  });
});
