import canonicalize from 'canonicalize';
import type { AuditEntry } from './audit-event';
import { hashLeaf } from '../merkle/rfc6962-hash';
import {
  auditEntryToJson,
  auditLeafHash,
  auditLeafHashOfJson,
  encodeAuditLeaf,
} from './audit-leaf';

const base: AuditEntry = {
  seq: 41,
  time: new Date('2026-11-21T09:30:00.123Z'),
  type: 'message.rejected',
  actor: { authority: 'AZ-DMX', role: 'publisher', user: 'ns-1' },
  messageId: 'msg-1',
  correlationId: null,
  parties: ['AZ', 'KZ'],
  agreement: 'MIG',
  contentDigest: `sha256:${'ab'.repeat(32)}`,
  outcome: 'failure',
  errorCode: 'SIGNATORY_NOT_AUTHORISED',
  details: { zeta: 1, alpha: ['b', 2], 'é-not-ascii': 'ünïcødé "quoted" \u2028', nothing: null },
};

const bare: AuditEntry = {
  ...base,
  actor: { authority: null, role: null, user: null },
  messageId: null,
  parties: [],
  agreement: null,
  contentDigest: null,
  outcome: 'success',
  errorCode: null,
  details: {},
};

describe(encodeAuditLeaf.name, () => {
  it.each([
    ['a full entry', base],
    ['nulls and empty lists', bare],
  ])('produces exactly the RFC 8785 canonical JSON of %s', (_what, entry) => {
    const sut = encodeAuditLeaf(entry).toString('utf8');
    expect(sut).toBe(canonicalize(auditEntryToJson(entry)));
  });

  it('changes with every field, so no edit goes unnoticed', () => {
    const sut = encodeAuditLeaf(base);
    expect(encodeAuditLeaf({ ...base, seq: 42 }).equals(sut)).toBe(false);
    expect(encodeAuditLeaf({ ...base, details: { ...base.details, zeta: 2 } }).equals(sut)).toBe(
      false,
    );
  });
});

describe(auditLeafHashOfJson.name, () => {
  it.each([
    ['a full entry', base],
    ['nulls and empty lists', bare],
  ])(
    'gives the leaf hash of the canonical encoding for %s as an export writes it',
    (_what, entry) => {
      const json = JSON.parse(JSON.stringify(auditEntryToJson(entry))) as Record<string, unknown>;
      const sut = auditLeafHashOfJson(json, entry);
      expect(sut.equals(hashLeaf(Buffer.from(canonicalize(auditEntryToJson(entry)) ?? '')))).toBe(
        true,
      );
    },
  );

  it('still gives the canonical leaf when the keys come in another order, at any level', () => {
    const canonical = auditLeafHash(base);
    const { actor, details, ...rest } = auditEntryToJson(base);
    const reversed = (o: object) => Object.fromEntries(Object.entries(o).reverse());
    expect(auditLeafHashOfJson(reversed({ ...rest, actor, details }), base)).toEqual(canonical);
    expect(
      auditLeafHashOfJson({ ...auditEntryToJson(base), actor: reversed(base.actor) }, base),
    ).toEqual(canonical);
    expect(
      auditLeafHashOfJson({ ...auditEntryToJson(base), details: reversed(base.details) }, base),
    ).toEqual(canonical);
  });

  it('orders integer-like detail keys by code point, as RFC 8785 does, not as JavaScript does', () => {
    const entry: AuditEntry = { ...bare, details: { '10': 1, '9': 2 } };
    const json = JSON.parse(JSON.stringify(auditEntryToJson(entry))) as Record<string, unknown>;
    expect(auditLeafHashOfJson(json, entry)).toEqual(
      hashLeaf(Buffer.from(canonicalize(auditEntryToJson(entry)) ?? '')),
    );
  });
});
