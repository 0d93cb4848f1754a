import type { ContentType } from './attachment-kinds';

const startsWith = (bytes: Uint8Array, prefix: readonly number[]) =>
  bytes.length >= prefix.length && prefix.every((b, i) => bytes[i] === b);
const ascii = (text: string) => [...text].map((c) => c.charCodeAt(0));

/** Magic numbers: the first bytes every file of a type begins with. */
const SIGNATURES: readonly (readonly [ContentType, readonly number[]])[] = [
  ['image/jpeg', [0xff, 0xd8, 0xff]],
  ['image/png', [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]],
  ['application/pdf', ascii('%PDF-')],
  // The first field of the first (Type-1) record: "1.001:" (traditional encoding).
  ['application/x-ansi-nist-itl', ascii('1.001:')],
  ['application/x-iso-19794-2', [...ascii('FMR'), 0x00]],
  ['application/x-iso-19794-4', [...ascii('FIR'), 0x00]],
];

/** The content type `bytes` are, by their magic number; `undefined` if none is recognised. */
export function sniffContentType(bytes: Uint8Array): ContentType | undefined {
  return SIGNATURES.find(([, magic]) => startsWith(bytes, magic))?.[0];
}
