import canonicalize from 'canonicalize';
import { hashLeaf } from '../merkle/rfc6962-hash';
import type { AuditEntry } from './audit-event';

/** Version of the leaf encoding; a new encoding gets a new number, old leaves keep theirs. */
export const AUDIT_LEAF_VERSION = 1;

const str = (value: string | null): string => (value === null ? 'null' : JSON.stringify(value));

/**
 * The bytes of one Merkle leaf (RFC 9162 §2.1.1 `d(n)`): the entry as RFC 8785 (JCS) canonical
 * JSON, so that anyone can re-derive them from an export with any JCS implementation.
 *
 * Written out by hand for the fixed shape — keys in code-point order, strings through
 * JSON.stringify (which RFC 8785 §3.2.2.2 adopts), integers in decimal — because the offline
 * verifier encodes a million entries in seconds and the generic `canonicalize` costs ~4 µs each.
 * `details` is open-ended and goes through `canonicalize`. A spec checks both agree.
 */
export function encodeAuditLeaf(entry: AuditEntry): Buffer {
  const { actor } = entry;
  const json =
    `{"actor":{"authority":${str(actor.authority)},"role":${str(actor.role)},"user":${str(actor.user)}}` +
    `,"agreement":${str(entry.agreement)}` +
    `,"contentDigest":${str(entry.contentDigest)}` +
    `,"correlationId":${str(entry.correlationId)}` +
    `,"details":${canonicalize(entry.details) ?? '{}'}` +
    `,"errorCode":${str(entry.errorCode)}` +
    `,"messageId":${str(entry.messageId)}` +
    `,"outcome":${JSON.stringify(entry.outcome)}` +
    `,"parties":[${entry.parties.map((p) => JSON.stringify(p)).join(',')}]` +
    `,"seq":${entry.seq}` +
    `,"time":"${entry.time.toISOString()}"` +
    `,"type":${JSON.stringify(entry.type)}` +
    `,"v":${AUDIT_LEAF_VERSION}}`;
  return Buffer.from(json, 'utf8');
}

/** The entry as the plain JSON object whose canonical form `encodeAuditLeaf` produces. */
export function auditEntryToJson(entry: AuditEntry): Record<string, unknown> {
  return {
    actor: { ...entry.actor },
    agreement: entry.agreement,
    contentDigest: entry.contentDigest,
    correlationId: entry.correlationId,
    details: entry.details,
    errorCode: entry.errorCode,
    messageId: entry.messageId,
    outcome: entry.outcome,
    parties: [...entry.parties],
    seq: entry.seq,
    time: entry.time.toISOString(),
    type: entry.type,
    v: AUDIT_LEAF_VERSION,
  };
}

export function auditLeafHash(entry: AuditEntry): Buffer {
  return hashLeaf(encodeAuditLeaf(entry));
}
