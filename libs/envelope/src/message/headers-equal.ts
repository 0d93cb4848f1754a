import canonicalize from 'canonicalize';
import type { MessageHeader } from './message-header';

/** The fields of two headers that differ; empty when they are the same header. */
export function headerDifferences(a: MessageHeader, b: MessageHeader): string[] {
  const keys = new Set([...Object.keys(a), ...Object.keys(b)] as (keyof MessageHeader)[]);
  return [...keys].filter((k) => !sameJson(a[k], b[k])).sort();
}

/**
 * Whether `a` and `b` have the same canonical JSON, without serialising what need not be:
 * strings compare as themselves (JSON escaping is one-to-one), null as null, and plain objects
 * member by member (canonical JSON is the sorted members, those with undefined or symbol
 * values left out). Anything else — numbers, arrays, objects with toJSON — is serialised.
 */
function sameJson(a: unknown, b: unknown): boolean {
  if (typeof a === 'string' && typeof b === 'string') return a === b;
  if (a === null && b === null) return true;
  if (isPlainMembers(a) && isPlainMembers(b)) {
    const keys = serialisedKeys(a);
    const others = serialisedKeys(b);
    return (
      keys.length === others.length && keys.every((k, i) => k === others[i] && sameJson(a[k], b[k]))
    );
  }
  return canonicalize(a) === canonicalize(b);
}

function isPlainMembers(value: unknown): value is Record<string, unknown> {
  return (
    typeof value === 'object' &&
    value !== null &&
    !Array.isArray(value) &&
    !((value as { toJSON?: unknown }).toJSON instanceof Function)
  );
}

/** The members canonicalize writes, in its order. */
function serialisedKeys(value: Record<string, unknown>): string[] {
  return Object.keys(value)
    .filter((k) => value[k] !== undefined && typeof value[k] !== 'symbol')
    .sort();
}
