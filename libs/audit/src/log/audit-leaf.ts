import canonicalize from 'canonicalize';
import { hashLeafText } from '../merkle/rfc6962-hash';
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
  return Buffer.from(auditLeafText(entry), 'utf8');
}

function auditLeafText(entry: AuditEntry): string {
  const { actor } = entry;
  return (
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
    `,"v":${AUDIT_LEAF_VERSION}}`
  );
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
  return hashLeafText(auditLeafText(entry));
}

/**
 * The leaf hash of an entry read from an export, given both its JSON object as parsed and the
 * entry `parseAuditEntryJson` made of it. When the object's keys are in code-point order at every
 * level — as every export writes them — `JSON.stringify` of it *is* its RFC 8785 form (JCS adopts
 * ECMAScript's string and number serialisation, and the validated values hold only strings, safe
 * integers, booleans and null), and V8's native serialiser is several times faster than
 * `encodeAuditLeaf`: the offline verifier's largest cost per entry. Any other order is encoded the
 * slow way; both give the same bytes (a spec checks it).
 */
export function auditLeafHashOfJson(json: Record<string, unknown>, entry: AuditEntry): Buffer {
  const actor = json.actor as Record<string, unknown>;
  const details = json.details as Record<string, unknown>;
  return sortedKeys(json) && sortedKeys(actor) && sortedKeys(details)
    ? hashLeafText(JSON.stringify(json))
    : auditLeafHash(entry);
}

function sortedKeys(o: Record<string, unknown>): boolean {
  let previous: string | undefined;
  for (const key in o) {
    if (previous !== undefined && key <= previous) return false;
    previous = key;
  }
  return true;
}
