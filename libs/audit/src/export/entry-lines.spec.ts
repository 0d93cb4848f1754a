import { auditEntryToJson, auditLeafHash } from '../log/audit-leaf';
import { hashLeafText } from '../merkle/rfc6962-hash';
import type { AuditEntry } from '../log/audit-event';
import {
  checkLines,
  leafHashAsWritten,
  LINE_EMPTY,
  LINE_ENTRY_OK,
  LINE_OTHER,
} from './entry-lines';

const entry = (seq: number, details: AuditEntry['details'] = { attempt: 1 }): AuditEntry => ({
  seq,
  time: new Date('2026-12-06T12:00:00.000Z'),
  type: 'message.published',
  actor: { authority: 'KZ-MVD', role: 'publisher', user: 'client-1' },
  messageId: `msg-${seq}`,
  correlationId: null,
  parties: ['AZ', 'KZ'],
  agreement: 'MIG',
  contentDigest: null,
  outcome: 'success',
  errorCode: null,
  details,
});
const line = (e: AuditEntry, leafHash = auditLeafHash(e)) =>
  JSON.stringify({
    kind: 'entry',
    leafHash: leafHash.toString('base64'),
    entry: auditEntryToJson(e),
  });

describe(checkLines.name, () => {
  it('checks good entry lines and hands back everything else as text, in order', () => {
    const header = '{"kind":"header"}';
    const altered = line(entry(2), auditLeafHash(entry(9)));
    const sut = checkLines(
      Buffer.from(
        [header, line(entry(0)), '', line(entry(1)), altered, '{"kind":"checkpoint"}'].join('\n'),
      ),
      true,
    );
    expect([...sut.kinds]).toEqual([
      LINE_OTHER,
      LINE_ENTRY_OK,
      LINE_EMPTY,
      LINE_ENTRY_OK,
      LINE_OTHER,
      LINE_OTHER,
    ]);
    expect([...sut.seqs.subarray(0, 4)]).toEqual([0, 0, 0, 1]);
    expect(Buffer.from(sut.hashes.subarray(32, 64))).toEqual(auditLeafHash(entry(0)));
    expect(sut.texts).toEqual([header, altered, '{"kind":"checkpoint"}']);
  });

  it('leaves the first line of the file to the verifier, even a good entry', () => {
    const sut = checkLines(Buffer.from(`${line(entry(0))}\n${line(entry(1))}\n`), true);
    expect([...sut.kinds]).toEqual([LINE_OTHER, LINE_ENTRY_OK]);
    expect([...checkLines(Buffer.from(`${line(entry(0))}\n`), false).kinds]).toEqual([
      LINE_ENTRY_OK,
    ]);
  });

  it('returns an entry that fails its own checks as text: bad shape, not JSON', () => {
    const bad = line(entry(0)).replace('"v":1', '"v":2');
    const sut = checkLines(Buffer.from(`x\n${bad}\n{"kind":"entry","leafHash":"`), true);
    expect([...sut.kinds]).toEqual([LINE_OTHER, LINE_OTHER, LINE_OTHER]);
  });
});

describe(`${checkLines.name} on the line's bytes (#16)`, () => {
  it('hashes each entry where it lies and leaves the chunk as it was', () => {
    const text = `${line(entry(0))}\n${line(entry(1, { reason: 'Ünïcödé' }))}\n`;
    const chunk = Buffer.from(text);
    const sut = checkLines(chunk, false);
    expect([...sut.kinds]).toEqual([LINE_ENTRY_OK, LINE_ENTRY_OK]);
    expect(Buffer.from(sut.hashes.subarray(32, 64))).toEqual(
      auditLeafHash(entry(1, { reason: 'Ünïcödé' })),
    );
    expect(chunk.toString()).toBe(text);
  });

  it('hands back as text a line whose entry bytes hash to the leaf it states but are not one JSON value', () => {
    // Hashed as written it matches; parsed whole, the line is a checkpoint (the later key wins).
    const smuggled = `${JSON.stringify(auditEntryToJson(entry(0)))},"kind":"checkpoint"`;
    const bad = `{"kind":"entry","leafHash":"${hashLeafText(smuggled).toString('base64')}","entry":${smuggled}}`;
    const sut = checkLines(Buffer.from(`${bad}\n${line(entry(0))}`), false);
    expect([...sut.kinds]).toEqual([LINE_OTHER, LINE_ENTRY_OK]);
    expect(sut.texts).toEqual([bad]);
  });

  it('takes a short last line, and an empty chunk, without reading past them', () => {
    expect([...checkLines(Buffer.from(`${line(entry(0))}\nx`), false).kinds]).toEqual([
      LINE_ENTRY_OK,
      LINE_OTHER,
    ]);
    expect(checkLines(Buffer.alloc(0), false).kinds).toHaveLength(0);
  });
});

describe(leafHashAsWritten.name, () => {
  it('hashes the line’s own text when it is the canonical entry', () => {
    const e = entry(5);
    const text = line(e);
    expect(leafHashAsWritten(text, auditLeafHash(e).toString('base64'))).toEqual(auditLeafHash(e));
  });

  it('gives up (the caller encodes) when the text is not what the log hashed', () => {
    // jsonb hands details back in its own key order: same entry, other bytes.
    const e = entry(5, { zeta: 1, alpha: 2 });
    const text = JSON.stringify({
      kind: 'entry',
      leafHash: auditLeafHash(e).toString('base64'),
      entry: { ...auditEntryToJson(e), details: { zeta: 1, alpha: 2 } },
    });
    expect(leafHashAsWritten(text, auditLeafHash(e).toString('base64'))).toBeUndefined();
    expect(leafHashAsWritten(` ${line(e)}`, auditLeafHash(e).toString('base64'))).toBeUndefined();
    expect(leafHashAsWritten(line(e), 'short')).toBeUndefined();
    expect(leafHashAsWritten(line(e), 42)).toBeUndefined();
  });
});
