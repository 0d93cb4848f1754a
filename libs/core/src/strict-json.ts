import { MxgError } from './mxg-error';

/**
 * How deep arrays and objects may nest. No treaty form comes near it (a MIG-6 person record is
 * three levels inside a message); everything that walks a document recursively afterwards
 * (validation, RFC 8785 canonicalisation, the inbox's JSON answer) stays far from the stack
 * limits that ≈ 10,000 levels reach.
 */
export const MAX_JSON_DEPTH = 64;

/**
 * Member names that are JavaScript's object machinery rather than data: `__proto__` is dropped
 * or turned into a prototype by ordinary object code, and `constructor` / `prototype` are the
 * other half of every prototype-pollution shape. No treaty form uses them.
 */
export const FORBIDDEN_JSON_KEYS: readonly string[] = ['__proto__', 'constructor', 'prototype'];

/** Why a JSON text was refused; `syntax` and `encoding` are MALFORMED_JSON, the rest JSON_NOT_REPRESENTABLE. */
export type JsonProblemRule =
  | 'syntax'
  | 'encoding'
  | 'max-depth'
  | 'duplicate-key'
  | 'forbidden-key'
  | 'inexact-number'
  | 'lone-surrogate'
  | 'noncharacter';

export type JsonErrorCode = 'MALFORMED_JSON' | 'JSON_NOT_REPRESENTABLE';

/** Where (a JSON Pointer, RFC 6901) and why; never the offending value, which may be personal data. */
export interface JsonProblem {
  readonly field: string;
  readonly rule: JsonProblemRule;
  readonly message: string;
}

export class JsonError extends MxgError {
  constructor(
    override readonly code: JsonErrorCode,
    readonly problem: JsonProblem,
  ) {
    super(code, `${problem.field || '/'}: ${problem.message}`, { errors: [problem] });
  }
}

const UTF8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });
const NUMBER = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/y;
const DECIMAL = /^(-?)(\d+)(?:\.(\d+))?(?:[eE]([+-]?\d+))?$/;

/**
 * Parses JSON the way a signature needs it: the value returned is exactly the value the bytes
 * spell, or the bytes are refused. `JSON.parse` alone silently keeps the last of duplicate
 * keys, rounds numbers to the nearest double (2^53 + 1, 1e400 → Infinity), and Node's UTF-8
 * decoding replaces invalid bytes with U+FFFD — each of which would have MXG sign something the
 * client did not send. So the text must be I-JSON (RFC 7493), which RFC 8785 canonicalisation
 * requires of its input anyway:
 *
 * - UTF-8 without a byte order mark (RFC 8259 §8.1), no invalid or overlong sequences;
 * - no duplicate member names at any depth, compared after unescaping (RFC 7493 §2.3);
 * - strings without unpaired surrogates or noncharacters (RFC 7493 §2.1);
 * - every number exactly the decimal value its canonical form writes (ECMAScript's shortest
 *   round trip, RFC 8785 §3.2.2.3): `1.0`, `1e2` and `0.1` pass; `9007199254740993`,
 *   `1e400` and `0.10000000000000000001` do not (RFC 7493 §2.2);
 * - none of FORBIDDEN_JSON_KEYS as a member name, and at most MAX_JSON_DEPTH levels of nesting.
 *
 * The scan is iterative (no recursion, whatever the depth), then `JSON.parse` builds the value —
 * which, for a text that passed, is exactly it.
 */
export function parseStrictJson(bytes: Uint8Array, maxDepth = MAX_JSON_DEPTH): unknown {
  let text: string;
  try {
    text = UTF8.decode(bytes);
  } catch {
    throw new JsonError('MALFORMED_JSON', {
      field: '',
      rule: 'encoding',
      message: 'the body is not valid UTF-8 (RFC 8259 §8.1)',
    });
  }
  new StrictJsonScanner(text, maxDepth).scan();
  return JSON.parse(text) as unknown;
}

type Frame =
  | { readonly kind: 'object'; readonly keys: Set<string>; key: string }
  | { readonly kind: 'array'; index: number };

type Expect = 'value' | 'value-or-close' | 'key' | 'key-or-close' | 'after-value';

class StrictJsonScanner {
  private readonly stack: Frame[] = [];
  private i = 0;

  constructor(
    private readonly text: string,
    private readonly maxDepth: number,
  ) {}

  scan(): void {
    const { text, stack } = this;
    let expect: Expect = 'value';
    for (;;) {
      this.skipWhitespace();
      const c = text.charCodeAt(this.i); // NaN at the end
      if (expect === 'after-value') {
        const top = stack.at(-1);
        if (top === undefined) {
          if (this.i < text.length) this.syntax('unexpected data after the JSON value');
          return;
        }
        if (c === 0x2c /* , */) {
          this.i++;
          if (top.kind === 'array') top.index++;
          expect = top.kind === 'object' ? 'key' : 'value';
        } else if (c === (top.kind === 'object' ? 0x7d /* } */ : 0x5d) /* ] */) {
          this.i++;
          stack.pop();
        } else {
          this.syntax(`expected ',' or '${top.kind === 'object' ? '}' : ']'}'`);
        }
        continue;
      }
      if (expect === 'key' || expect === 'key-or-close') {
        if (expect === 'key-or-close' && c === 0x7d /* } */) {
          this.i++;
          stack.pop();
          expect = 'after-value';
          continue;
        }
        if (c !== 0x22 /* " */) this.syntax('expected a member name in double quotes');
        this.member();
        this.skipWhitespace();
        if (text.charCodeAt(this.i) !== 0x3a /* : */) this.syntax("expected ':'");
        this.i++;
        expect = 'value';
        continue;
      }
      if (expect === 'value-or-close' && c === 0x5d /* ] */) {
        this.i++;
        stack.pop();
        expect = 'after-value';
        continue;
      }
      expect = 'after-value';
      switch (c) {
        case 0x7b /* { */:
          this.enter({ kind: 'object', keys: new Set(), key: '' });
          expect = 'key-or-close';
          break;
        case 0x5b /* [ */:
          this.enter({ kind: 'array', index: 0 });
          expect = 'value-or-close';
          break;
        case 0x22 /* " */:
          this.string();
          break;
        case 0x74 /* t */:
          this.literal('true');
          break;
        case 0x66 /* f */:
          this.literal('false');
          break;
        case 0x6e /* n */:
          this.literal('null');
          break;
        default:
          this.number();
      }
    }
  }

  private enter(frame: Frame): void {
    if (this.stack.length >= this.maxDepth) {
      this.refuse('max-depth', `nested deeper than ${this.maxDepth} levels`);
    }
    this.stack.push(frame);
    this.i++;
  }

  private member(): void {
    const top = this.stack.at(-1) as Extract<Frame, { kind: 'object' }>;
    const start = this.i;
    const escaped = this.string();
    const key = escaped
      ? (JSON.parse(this.text.slice(start, this.i)) as string)
      : this.text.slice(start + 1, this.i - 1);
    top.key = key;
    if (FORBIDDEN_JSON_KEYS.includes(key)) {
      this.refuse('forbidden-key', `the member name ${key} is not allowed`);
    }
    if (top.keys.has(key)) this.refuse('duplicate-key', 'the member name appears twice');
    top.keys.add(key);
  }

  /**
   * Scans a string token from its opening quote; true if it held escapes. Refuses control
   * characters, bad escapes, unpaired surrogates (only an escape can make one: the text came
   * from strict UTF-8) and noncharacters, however spelt.
   */
  private string(): boolean {
    const { text } = this;
    let i = this.i + 1;
    let escaped = false;
    let high = 0; // an escaped high surrogate waiting for its escaped low half
    for (;;) {
      if (i >= text.length) {
        this.i = i;
        this.syntax('unterminated string');
      }
      const c = text.charCodeAt(i);
      if (c === 0x22 /* " */) {
        if (high) this.refuse('lone-surrogate', 'a string holds an unpaired surrogate');
        this.i = i + 1;
        return escaped;
      }
      if (c === 0x5c /* \ */) {
        escaped = true;
        const e = text.charCodeAt(i + 1);
        if (e === 0x75 /* u */) {
          const hex = text.slice(i + 2, i + 6);
          if (!/^[0-9a-fA-F]{4}$/.test(hex)) {
            this.i = i;
            this.syntax('a \\u escape needs four hexadecimal digits');
          }
          const unit = parseInt(hex, 16);
          high = this.unit(unit, high);
          i += 6;
          continue;
        }
        if (!'"\\/bfnrt'.includes(text[i + 1] ?? 'x')) {
          this.i = i;
          this.syntax('invalid escape sequence');
        }
        if (high) this.refuse('lone-surrogate', 'a string holds an unpaired surrogate');
        i += 2;
        continue;
      }
      if (c < 0x20) {
        this.i = i;
        this.syntax('control characters must be escaped in strings');
      }
      if (high) this.refuse('lone-surrogate', 'a string holds an unpaired surrogate');
      if (c >= 0xd800 && c <= 0xdbff) {
        // Decoded from UTF-8, so its low half follows.
        this.codePoint(0x10000 + ((c - 0xd800) << 10) + (text.charCodeAt(i + 1) - 0xdc00));
        i += 2;
      } else {
        this.codePoint(c);
        i++;
      }
    }
  }

  /** One escaped UTF-16 unit; returns the high surrogate now waiting for its pair, or 0. */
  private unit(unit: number, high: number): number {
    const isHigh = unit >= 0xd800 && unit <= 0xdbff;
    const isLow = unit >= 0xdc00 && unit <= 0xdfff;
    if (high) {
      if (!isLow) this.refuse('lone-surrogate', 'a string holds an unpaired surrogate');
      this.codePoint(0x10000 + ((high - 0xd800) << 10) + (unit - 0xdc00));
      return 0;
    }
    if (isHigh) return unit;
    if (isLow) this.refuse('lone-surrogate', 'a string holds an unpaired surrogate');
    this.codePoint(unit);
    return 0;
  }

  private codePoint(cp: number): void {
    if ((cp >= 0xfdd0 && cp <= 0xfdef) || (cp & 0xfffe) === 0xfffe) {
      this.refuse('noncharacter', 'a string holds a Unicode noncharacter');
    }
  }

  private literal(word: string): void {
    if (!this.text.startsWith(word, this.i)) this.syntax('unexpected character');
    this.i += word.length;
  }

  private number(): void {
    NUMBER.lastIndex = this.i;
    const match = NUMBER.exec(this.text);
    if (match === null) {
      this.syntax(this.i < this.text.length ? 'unexpected character' : 'unexpected end of input');
    }
    this.i += match[0].length;
    if (!isExact(match[0])) {
      this.refuse(
        'inexact-number',
        'the number cannot be signed exactly as written: it is beyond the range or precision of an IEEE 754 double (RFC 7493 §2.2)',
      );
    }
  }

  private skipWhitespace(): void {
    const { text } = this;
    for (;;) {
      const c = text.charCodeAt(this.i);
      if (c !== 0x20 && c !== 0x0a && c !== 0x0d && c !== 0x09) return;
      this.i++;
    }
  }

  private syntax(message: string): never {
    const where = this.i === 0 && this.text.charCodeAt(0) === 0xfeff;
    throw new JsonError('MALFORMED_JSON', {
      field: this.pointer(),
      rule: where ? 'encoding' : 'syntax',
      message: where
        ? 'the body starts with a byte order mark (RFC 8259 §8.1)'
        : `${message} at character ${this.i}`,
    });
  }

  private refuse(rule: JsonProblemRule, message: string): never {
    throw new JsonError('JSON_NOT_REPRESENTABLE', { field: this.pointer(), rule, message });
  }

  /** The JSON Pointer of where the scan is, cut short if long (names are the client's). */
  private pointer(): string {
    const path = this.stack
      .map(
        (f) => `/${f.kind === 'array' ? f.index : f.key.replace(/~/g, '~0').replace(/\//g, '~1')}`,
      )
      .join('');
    return path.length > 200 ? `${path.slice(0, 199)}…` : path;
  }
}

/** Whether the decimal `token` denotes exactly the double it parses to, as RFC 8785 writes it. */
function isExact(token: string): boolean {
  const value = Number(token);
  if (!Number.isFinite(value)) return false;
  const a = decimal(token);
  const b = decimal(String(value));
  return a.negative === b.negative && a.digits === b.digits && a.exponent === b.exponent;
}

/** A decimal as sign, significant digits (no leading or trailing zeros) and exponent. */
function decimal(text: string): { negative: boolean; digits: string; exponent: number } {
  const [, sign, whole, fraction = '', exponent = '0'] = DECIMAL.exec(text)!;
  const all = `${whole}${fraction}`.replace(/^0+/, '');
  if (all === '') return { negative: false, digits: '', exponent: 0 }; // zero, whatever its sign
  const digits = all.replace(/0+$/, '');
  return {
    negative: sign === '-',
    digits,
    exponent: Number(exponent) - fraction.length + (all.length - digits.length),
  };
}
