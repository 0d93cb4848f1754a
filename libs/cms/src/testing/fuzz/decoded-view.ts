import type { DecodedEnvelopedData } from '../../parse-enveloped-data';
import type { DecodedSignedData } from '../../parse-signed-data';

/** Bytes as hex and Maps as entries, so that views, copies and Buffers compare by content. */
export function plain(value: unknown): unknown {
  if (value instanceof Uint8Array) return Buffer.from(value).toString('hex');
  if (value instanceof Date)
    return Number.isNaN(value.getTime()) ? 'Invalid Date' : value.toISOString();
  if (value instanceof Map) return [...value.entries()].map(plain);
  if (Array.isArray(value)) return value.map(plain);
  if (value && typeof value === 'object') {
    return Object.fromEntries(
      Object.entries(value)
        .filter(([, v]) => v !== undefined)
        .map(([k, v]) => [k, plain(v)]),
    );
  }
  return value;
}

export const signedView = (d: DecodedSignedData): unknown =>
  plain({ info: d.info, signers: d.signers, certificates: d.certificates.map((c) => c.der) });

export const envelopedView = (d: DecodedEnvelopedData): unknown => plain(d);

/** What a decoder makes of an input: its reading, or the code it refused with. */
export type Outcome = { readonly value: unknown } | { readonly refused: string };

/**
 * Runs `decode`; a refusal must be one of `codes` on an error of class `type` — anything
 * else thrown (a TypeError, a RangeError, a plain Error) is rethrown as the bug it is.
 */
export function outcome<T>(
  decode: () => T,
  view: (value: T) => unknown,
  type: abstract new (...args: never[]) => Error,
  codes: readonly string[],
): Outcome {
  let value: T;
  try {
    value = decode();
  } catch (error) {
    const code = (error as { code?: unknown }).code;
    if (error instanceof type && typeof code === 'string' && codes.includes(code)) {
      return { refused: code };
    }
    throw error;
  }
  return { value: view(value) };
}
