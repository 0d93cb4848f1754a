import type { AuditEntry } from './audit-event';
import { canonicalEntrySeq, parseAuditEntryJson } from './audit-entry-validation';
import { auditEntryToJson } from './audit-leaf';

const entry = (overrides: Partial<AuditEntry> = {}): AuditEntry => ({
  seq: 41,
  time: new Date('2026-12-06T12:00:00.123Z'),
  type: 'message.published',
  actor: { authority: 'KZ-MVD', role: 'publisher', user: 'client-1' },
  messageId: 'msg-41',
  correlationId: 'corr-41',
  parties: ['KZ', 'AZ'],
  agreement: 'MIG',
  contentDigest: `sha256:${'ab'.repeat(32)}`,
  outcome: 'success',
  errorCode: null,
  details: { attempt: 1, queue: 'mxg.az.inbox', retried: false, note: null, delta: -3 },
  ...overrides,
});
const text = (e: AuditEntry) => JSON.stringify(auditEntryToJson(e));

/** What the slow path makes of a text: the seq parseAuditEntryJson accepts, or undefined. */
function slowSeq(t: string): number | undefined {
  try {
    return parseAuditEntryJson(JSON.parse(t)).seq;
  } catch {
    return undefined;
  }
}

describe(canonicalEntrySeq.name, () => {
  const shapes: Record<string, AuditEntry> = {
    typical: entry(),
    'seq 0, nulls everywhere': entry({
      seq: 0,
      actor: { authority: null, role: null, user: null },
      messageId: null,
      correlationId: null,
      agreement: null,
      contentDigest: null,
      parties: [],
      details: {},
    }),
    'a failure with its code': entry({ outcome: 'failure', errorCode: 'DUPLICATE_MESSAGE' }),
    'a large seq': entry({ seq: 2 ** 40 + 7 }),
    'non-ASCII detail': entry({ details: { reason: 'Ünïcödé ok' } }),
  };

  it.each(Object.entries(shapes))('reads the seq of the log’s own text (%s)', (_, e) => {
    expect(canonicalEntrySeq(text(e))).toBe(e.seq);
    expect(slowSeq(text(e))).toBe(e.seq);
  });

  it('leaves to JSON.parse what it does not read: escapes, lists, spaces, other orders', () => {
    for (const t of [
      text(entry({ details: { quote: 'a"b' } })),
      text(entry({ details: { list: ['a', 1] } })),
      text(entry()).replace('"seq":41', '"seq": 41'),
      text(entry()).replace('"v":1}', '"v":1} '),
      JSON.stringify({ ...auditEntryToJson(entry()), details: { queue: 'q', attempt: 1 } }).replace(
        /"seq":41,"time":("[^"]+")/,
        '"time":$1,"seq":41',
      ),
    ]) {
      expect(canonicalEntrySeq(t)).toBeUndefined();
    }
  });

  it('refuses what parseAuditEntryJson refuses, field by field', () => {
    const refused = [
      entry({ outcome: 'failure' }), // no error code
      entry({ errorCode: 'X_Y' }), // success with a code
      entry({ type: 'message.exploded' as AuditEntry['type'] }),
      entry({ parties: ['KZZ'] }),
      entry({ actor: { authority: 'kz-mvd', role: 'publisher', user: 'u' } }),
      entry({ messageId: 'has space' }),
      entry({ contentDigest: 'sha256:00' }),
      entry({ details: { 'bad key': 1 } }),
      entry({ details: { long: 'x'.repeat(257) } }),
    ].map(text);
    refused.push(
      text(entry()).replace(
        '"time":"2026-12-06T12:00:00.123Z"',
        '"time":"2026-13-06T12:00:00.123Z"',
      ),
    );
    refused.push(text(entry()).replace('"v":1', '"v":2'));
    // Minutes and seconds are checked within an hour already seen, too (2026-12-06T12 above).
    refused.push(text(entry()).replace('12:00:00.123Z', '12:60:00.123Z'));
    refused.push(text(entry()).replace('12:00:00.123Z', '12:00:60.123Z'));
    refused.push(text(entry()).replace('12:00:00.123Z', '24:00:00.000Z'));
    refused.push(text(entry()).replace('"seq":41', '"seq":041'));
    for (const t of refused) {
      expect(canonicalEntrySeq(t)).toBeUndefined();
      expect(slowSeq(t)).toBeUndefined();
    }
  });

  // The property the verifier rests on: whatever it reads, parseAuditEntryJson reads alike.
  it('never reads a seq parseAuditEntryJson would not: every one-character change of the texts', () => {
    const alphabet = [
      '"',
      '\\',
      ',',
      ':',
      '{',
      '}',
      '[',
      ']',
      ' ',
      '0',
      '9',
      '-',
      'a',
      'Z',
      '.',
      'é',
      '\u0001',
    ];
    let read = 0;
    for (const e of Object.values(shapes)) {
      const t = text(e);
      for (let at = 0; at < t.length; at++) {
        const variants = [t.slice(0, at) + t.slice(at + 1)];
        for (const c of alphabet) {
          variants.push(t.slice(0, at) + c + t.slice(at + 1), t.slice(0, at) + c + t.slice(at));
        }
        for (const v of variants) {
          const seq = canonicalEntrySeq(v);
          if (seq === undefined) continue;
          read++;
          expect([v, slowSeq(v)]).toEqual([v, seq]);
        }
      }
    }
    expect(read).toBeGreaterThan(1000); // the mutations it reads are checked, not just refused
  });
});
