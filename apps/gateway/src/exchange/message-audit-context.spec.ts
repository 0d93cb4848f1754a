import { messageAuditContext, publisherActor, transitionEvent } from './message-audit-context';

const message = {
  id: '0b0d6a1e-3c1f-4f7a-9d0e-2b8a4c6f1e20',
  correlationId: '1b0d6a1e-3c1f-4f7a-9d0e-2b8a4c6f1e20',
  agreement: 'MIG',
  digest: `sha256:${'ab'.repeat(32)}`,
  from: { party: 'KZ', authority: 'KZ-MVD' },
  to: { party: 'AZ', authority: 'AZ-DMX' },
};

describe(messageAuditContext.name, () => {
  const sut = messageAuditContext;

  it('names the message by ids, parties, agreement and digest, and who acted', () => {
    const client = { id: 'kz-mvd-system', authority: 'KZ-MVD', roles: [], signatories: [] };

    expect(sut(message, publisherActor(client))).toEqual({
      actor: { authority: 'KZ-MVD', role: 'publisher', user: 'kz-mvd-system' },
      messageId: message.id,
      correlationId: message.correlationId,
      parties: ['KZ', 'AZ'],
      agreement: 'MIG',
      contentDigest: message.digest,
    });
  });

  it('gives a transition’s entry the lifecycle table’s event, whatever else it carries', () => {
    const context = sut(message, { authority: 'KZ-MVD', role: 'gateway', user: null });

    expect(transitionEvent('publish', context, { details: { attempt: 1 } })).toMatchObject({
      type: 'message.published',
      messageId: message.id,
      details: { attempt: 1 },
    });
  });
});
