import canonicalize from 'canonicalize';
import type { MessageHeader } from './message-header';

/** The fields of two headers that differ; empty when they are the same header. */
export function headerDifferences(a: MessageHeader, b: MessageHeader): string[] {
  const keys = new Set([...Object.keys(a), ...Object.keys(b)] as (keyof MessageHeader)[]);
  return [...keys].filter((k) => canonicalize(a[k]) !== canonicalize(b[k])).sort();
}
