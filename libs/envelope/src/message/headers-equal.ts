import canonicalize from 'canonicalize';
import type { MessageHeader } from './message-header';

/** The fields of two headers that differ; empty when they are the same header. */
export function headerDifferences(a: MessageHeader, b: MessageHeader): string[] {
  const keys = new Set([...Object.keys(a), ...Object.keys(b)] as (keyof MessageHeader)[]);
  return [...keys].filter((k) => !sameJson(a[k], b[k])).sort();
}

/** Equal canonical JSON; two strings (most header fields) need no serialising to tell. */
function sameJson(a: unknown, b: unknown): boolean {
  if (typeof a === 'string' && typeof b === 'string') return a === b;
  return canonicalize(a) === canonicalize(b);
}
