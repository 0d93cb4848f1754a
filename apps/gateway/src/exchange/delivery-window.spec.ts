import { deliverableUntil } from './delivery-window';

describe(deliverableUntil.name, () => {
  it('#10.6 ends when the receiver’s window is over by a clock lagging ours by the skew, plus the receipt’s way back', () => {
    const sealedAt = new Date('2026-11-23T10:00:00.000Z');
    const sut = deliverableUntil(sealedAt, {
      maxEnvelopeAgeSeconds: 86_400,
      maxClockSkewSeconds: 300,
      receiptTimeoutSeconds: 30,
    });
    expect(sut.toISOString()).toBe('2026-11-24T10:05:30.000Z');
  });
});
