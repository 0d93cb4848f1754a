import { moveMessageStatement } from './move-message.statement';

const ID = '0b0d6a1e-3c1f-4f7a-9d0e-2b8a4c6f1e20';
const AT = new Date('2026-11-22T10:00:00.000Z');

describe(moveMessageStatement.name, () => {
  const sut = moveMessageStatement;

  it('binds the trigger’s target and from-statuses from the lifecycle table', () => {
    const { text, parameters } = sut({ id: ID, trigger: 'give-up', at: AT, change: {} });

    expect(parameters).toContain('failed');
    expect(parameters).toContainEqual(['published']);
    expect(text).not.toMatch(/'failed'|'published'/);
    expect(text).not.toContain('audit_entries');
  });

  it('writes the transition’s audit event, joined to the moved message only', () => {
    const { text, parameters } = sut({
      id: ID,
      trigger: 'acknowledge',
      at: AT,
      change: { audit: [{ messageId: ID, parties: ['KZ', 'AZ'] }] },
    });

    expect(parameters).toContain('message.delivered');
    expect(text).toMatch(/a AS \(INSERT INTO audit_entries /);
    expect(text).toContain('SELECT id::text FROM moved');
  });

  it('refuses an audit entry of another message', () => {
    expect(() =>
      sut({
        id: ID,
        trigger: 'acknowledge',
        at: AT,
        change: { audit: [{ messageId: '9b0d6a1e-3c1f-4f7a-9d0e-2b8a4c6f1e20', parties: ['KZ'] }] },
      }),
    ).toThrow(RangeError);
  });
});
