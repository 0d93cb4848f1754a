import { AuditError, AuditErrorCode } from '../audit-error';
import {
  AUDIT_EVENT_TYPES,
  AUDIT_OUTCOMES,
  type AuditActor,
  type AuditDetails,
  type AuditDetailValue,
  type AuditEntry,
  type AuditEventInput,
  type AuditEventType,
  type AuditOutcome,
} from './audit-event';
import { AUDIT_LEAF_VERSION } from './audit-leaf';

/** An event as stored, before the sequencer gives it a place in the log. */
export type NormalizedAuditEvent = Omit<AuditEntry, 'seq' | 'time'>;

// Identifiers, not prose: a narrow alphabet keeps names and free text (personal data, MIG-11.1)
// out of the log by construction, and keeps every value one canonical string.
const IDENTIFIER = /^[A-Za-z0-9][A-Za-z0-9._:@/+=-]{0,127}$/;
const AUTHORITY = /^[A-Z]{2}-[A-Z0-9]{2,12}$/;
const PARTY = /^[A-Z]{2}$/;
const AGREEMENT = /^[A-Z]{2,10}$/;
const DIGEST = /^sha256:[0-9a-f]{64}$/;
const ERROR_CODE = /^[A-Z][A-Z0-9_]{1,99}$/;
const DETAIL_KEY = /^[a-zA-Z][a-zA-Z0-9_.-]{0,63}$/;
const MAX_DETAIL_KEYS = 32;
const MAX_DETAIL_STRING = 256;
const MAX_DETAIL_ITEMS = 64;
const EVENT_TYPES: ReadonlySet<string> = new Set(AUDIT_EVENT_TYPES);
const OUTCOMES: ReadonlySet<string> = new Set(AUDIT_OUTCOMES);

/** Checks and completes what a writer appends; throws AUDIT_ENTRY_INVALID naming the field. */
export function normalizeAuditEvent(input: AuditEventInput): NormalizedAuditEvent {
  const outcome = input.outcome ?? 'success';
  const event: NormalizedAuditEvent = {
    type: input.type,
    actor: {
      authority: input.actor?.authority ?? null,
      role: input.actor?.role ?? null,
      user: input.actor?.user ?? null,
    },
    messageId: input.messageId ?? null,
    correlationId: input.correlationId ?? null,
    parties: [...(input.parties ?? [])],
    agreement: input.agreement ?? null,
    contentDigest: input.contentDigest ?? null,
    outcome,
    errorCode: input.errorCode ?? null,
    details: input.details ?? {},
  };
  checkEvent(event);
  return event;
}

/**
 * The strict inverse of `auditEntryToJson`: an export's entry must have exactly these fields,
 * with exactly these types, or it is not an entry this log could have written.
 */
export function parseAuditEntryJson(value: unknown): AuditEntry {
  const o = object(value, 'entry');
  exactKeys(o, ENTRY_KEYS, 'entry');
  if (o.v !== AUDIT_LEAF_VERSION) invalid('v', `unsupported entry version ${String(o.v)}`);
  const seq = o.seq;
  if (typeof seq !== 'number' || !Number.isSafeInteger(seq) || seq < 0) {
    invalid('seq', 'must be an integer ≥ 0');
  }
  const time = typeof o.time === 'string' ? new Date(o.time) : new Date(NaN);
  if (Number.isNaN(time.getTime()) || time.toISOString() !== o.time) {
    invalid('time', 'must be YYYY-MM-DDTHH:mm:ss.sssZ');
  }
  const actor = object(o.actor, 'actor');
  exactKeys(actor, ['authority', 'role', 'user'], 'actor');
  const entry: AuditEntry = {
    seq,
    time,
    type: o.type as AuditEventType,
    actor: {
      authority: nullableString(actor.authority, 'actor.authority'),
      role: nullableString(actor.role, 'actor.role'),
      user: nullableString(actor.user, 'actor.user'),
    } satisfies AuditActor,
    messageId: nullableString(o.messageId, 'messageId'),
    correlationId: nullableString(o.correlationId, 'correlationId'),
    parties: stringArray(o.parties, 'parties'),
    agreement: nullableString(o.agreement, 'agreement'),
    contentDigest: nullableString(o.contentDigest, 'contentDigest'),
    outcome: o.outcome as AuditOutcome,
    errorCode: nullableString(o.errorCode, 'errorCode'),
    details: object(o.details, 'details') as AuditDetails,
  };
  checkEvent(entry);
  return entry;
}

/**
 * The seq of an entry given as the text the log writes — `JSON.stringify(auditEntryToJson(e))`:
 * no whitespace, keys in order, every string a plain identifier, details of at most 32 scalar
 * values — when that text is one `parseAuditEntryJson` accepts; undefined when it is not in that
 * form (the caller then parses it and calls parseAuditEntryJson, which words the refusal). One
 * regular expression instead of JSON.parse and the checks on the object: the offline verifier's
 * largest cost per entry (#16). It only ever accepts what parseAuditEntryJson accepts — each
 * field's pattern is the one checkEvent applies, a spec holds the two together on mutated texts.
 */
export function canonicalEntrySeq(text: string): number | undefined {
  const m = CANONICAL_ENTRY.exec(text);
  if (m === null) return undefined;
  const errorCode = m[1];
  const outcome = m[2];
  const type = m[5];
  if (!EVENT_TYPES.has(type) || (outcome === 'failure') !== (errorCode !== 'null')) {
    return undefined;
  }
  return isEntryTime(m[4]) ? Number(m[3]) : undefined;
}

// The hour of the last time found valid: the entries of an export come hours at a time.
let validHour = '';

/** parseAuditEntryJson's check of `time` (YYYY-MM-DDTHH:mm:ss.sssZ, digits already matched). */
function isEntryTime(time: string): boolean {
  // Within an hour already valid, it is valid when minutes and seconds are below 60.
  if (time.startsWith(validHour) && validHour !== '') return time[14] < '6' && time[17] < '6';
  const at = new Date(time);
  if (Number.isNaN(at.getTime()) || at.toISOString() !== time) return false;
  validHour = time.slice(0, 14);
  return true;
}

const inner = (pattern: RegExp): string => pattern.source.slice(1, -1);
const nullable = (pattern: RegExp): string => `(?:null|"${inner(pattern)}")`;
// Scalars only, and strings without escapes (so the text's length is the value's); integers of
// at most 15 digits (always safe). Anything else is left to JSON.parse.
const DETAIL_VALUE = `(?:null|true|false|-?(?:0|[1-9][0-9]{0,14})|"[^"\\\\\\u0000-\\u001f]{0,${MAX_DETAIL_STRING}}")`;
const DETAIL = `"${inner(DETAIL_KEY)}":${DETAIL_VALUE}`;
const CANONICAL_ENTRY = new RegExp(
  `^\\{"actor":\\{"authority":${nullable(AUTHORITY)},"role":${nullable(IDENTIFIER)},"user":${nullable(IDENTIFIER)}\\}` +
    `,"agreement":${nullable(AGREEMENT)},"contentDigest":${nullable(DIGEST)}` +
    `,"correlationId":${nullable(IDENTIFIER)}` +
    `,"details":\\{(?:${DETAIL}(?:,${DETAIL}){0,${MAX_DETAIL_KEYS - 1}})?\\}` +
    `,"errorCode":(null|"${inner(ERROR_CODE)}"),"messageId":${nullable(IDENTIFIER)}` +
    `,"outcome":"(success|failure)","parties":\\[(?:"${inner(PARTY)}"(?:,"${inner(PARTY)}")*)?\\]` +
    `,"seq":(0|[1-9][0-9]{0,14}),"time":"([0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}\\.[0-9]{3}Z)"` +
    `,"type":"([a-z][a-z.-]{0,63})","v":${AUDIT_LEAF_VERSION}\\}$`,
);

const ENTRY_KEYS = [
  'actor',
  'agreement',
  'contentDigest',
  'correlationId',
  'details',
  'errorCode',
  'messageId',
  'outcome',
  'parties',
  'seq',
  'time',
  'type',
  'v',
];

function checkEvent(e: NormalizedAuditEvent): void {
  if (!EVENT_TYPES.has(e.type)) invalid('type', `unknown event type ${String(e.type)}`);
  if (!OUTCOMES.has(e.outcome)) invalid('outcome', 'must be success or failure');
  match(e.actor.authority, AUTHORITY, 'actor.authority');
  match(e.actor.role, IDENTIFIER, 'actor.role');
  match(e.actor.user, IDENTIFIER, 'actor.user');
  match(e.messageId, IDENTIFIER, 'messageId');
  match(e.correlationId, IDENTIFIER, 'correlationId');
  match(e.agreement, AGREEMENT, 'agreement');
  match(e.contentDigest, DIGEST, 'contentDigest');
  match(e.errorCode, ERROR_CODE, 'errorCode');
  e.parties.forEach((p, i) => match(p, PARTY, `parties[${i}]`));
  if ((e.outcome === 'failure') !== (e.errorCode !== null)) {
    invalid('errorCode', 'a failure carries an error code, a success none');
  }
  const keys = Object.keys(e.details);
  if (keys.length > MAX_DETAIL_KEYS) invalid('details', `at most ${MAX_DETAIL_KEYS} keys`);
  for (const key of keys) {
    if (!DETAIL_KEY.test(key)) invalid(`details.${key}`, 'key must be an identifier');
    checkDetail(e.details[key], `details.${key}`);
  }
}

function checkDetail(value: AuditDetailValue | undefined, field: string): void {
  if (value === null || typeof value === 'boolean') return;
  if (typeof value === 'number') {
    // Integers only: one decimal spelling everywhere (JSON, jsonb, RFC 8785).
    if (!Number.isSafeInteger(value)) invalid(field, 'numbers must be safe integers');
    return;
  }
  if (typeof value === 'string') {
    if (value.length > MAX_DETAIL_STRING) invalid(field, `at most ${MAX_DETAIL_STRING} characters`);
    return;
  }
  if (Array.isArray(value)) {
    if (value.length > MAX_DETAIL_ITEMS) invalid(field, `at most ${MAX_DETAIL_ITEMS} items`);
    value.forEach((item, i) => {
      if (typeof item !== 'string' && typeof item !== 'number') {
        invalid(`${field}[${i}]`, 'must be a string or an integer');
      }
      checkDetail(item, `${field}[${i}]`);
    });
    return;
  }
  invalid(field, 'must be a string, integer, boolean, null or a list of strings and integers');
}

function match(value: string | null, pattern: RegExp, field: string): void {
  if (value !== null && (typeof value !== 'string' || !pattern.test(value))) {
    invalid(field, `does not match ${String(pattern)}`);
  }
}

function object(value: unknown, field: string): Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    invalid(field, 'must be an object');
  }
  return value as Record<string, unknown>;
}

function exactKeys(o: Record<string, unknown>, keys: readonly string[], field: string): void {
  // No sort per entry: the verifier calls this a million times. Equal counts and every key known
  // means the same set (an object's keys are distinct).
  const actual = Object.keys(o);
  if (actual.length !== keys.length || !sameKeys(actual, keys)) {
    invalid(field, `must have exactly the fields ${keys.join(', ')}`);
  }
}

/** Whether `actual` (distinct keys, as many as `keys`) holds every key: in order, as written, at once. */
function sameKeys(actual: readonly string[], keys: readonly string[]): boolean {
  let inOrder = true;
  for (let i = 0; i < keys.length && inOrder; i++) inOrder = actual[i] === keys[i];
  return inOrder || actual.every((k) => keys.includes(k));
}

function nullableString(value: unknown, field: string): string | null {
  if (value !== null && typeof value !== 'string') invalid(field, 'must be a string or null');
  return value;
}

function stringArray(value: unknown, field: string): string[] {
  if (!Array.isArray(value) || value.some((v) => typeof v !== 'string')) {
    invalid(field, 'must be a list of strings');
  }
  return value as string[];
}

function invalid(field: string, message: string): never {
  throw new AuditError(AuditErrorCode.EntryInvalid, `${field} ${message}`, { field });
}
