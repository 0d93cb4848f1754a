import { AUDIT_EVENT_TYPES } from '@mxg/audit';
import { DEAD_LETTER_DECISIONS } from './dead-letter-decisions';
import { DEAD_LETTER_STATUSES } from './dead-letter.types';

describe('DEAD_LETTER_DECISIONS', () => {
  it('is the table of every move of a dead letter: from held, once, each with its audit event', () => {
    expect(DEAD_LETTER_DECISIONS).toEqual({
      replay: { from: 'held', to: 'replayed', audit: 'dead-letter.replayed' },
      discard: { from: 'held', to: 'discarded', audit: 'dead-letter.discarded' },
    });
  });

  it('moves to every status but held, and writes only known audit events', () => {
    const moves = Object.values(DEAD_LETTER_DECISIONS);
    expect(new Set(moves.map((m) => m.to))).toEqual(
      new Set(DEAD_LETTER_STATUSES.filter((s) => s !== 'held')),
    );
    for (const move of moves) expect(AUDIT_EVENT_TYPES).toContain(move.audit);
  });
});
