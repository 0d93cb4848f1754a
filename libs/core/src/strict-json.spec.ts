import { JsonError, MAX_JSON_DEPTH, parseStrictJson } from './strict-json';

const utf8 = (text: string) => Buffer.from(text, 'utf8');

/** The code and rule `parseStrictJson` refuses `input` with. */
function refusal(input: string | Uint8Array): { code: string; rule: string; field: string } {
  try {
    parseStrictJson(typeof input === 'string' ? utf8(input) : input);
  } catch (error) {
    if (!(error instanceof JsonError)) throw error;
    return { code: error.code, rule: error.problem.rule, field: error.problem.field };
  }
  throw new Error(`accepted: ${String(input)}`);
}

/** A small deterministic PRNG (mulberry32), so that the generated cases are the same every run. */
function prng(seed: number): () => number {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function randomValue(random: () => number, depth = 0): unknown {
  const pick = Math.floor(random() * (depth > 4 ? 4 : 7));
  const chars = ['a', 'é', '\u2028', '"', '\\', '\n', 'я', '😀', ' ', '/', '\u0001'];
  const text = () =>
    Array.from({ length: Math.floor(random() * 6) }, () => chars[Math.floor(random() * 11)]).join(
      '',
    );
  switch (pick) {
    case 0:
      return text();
    case 1:
      return [0, -0, 1.5e-7, 1e21, 123456789, 0.1, -2.5, 2 ** 53 - 1][Math.floor(random() * 8)];
    case 2:
      return random() < 0.5;
    case 3:
      return null;
    case 4:
    case 5: {
      const object: Record<string, unknown> = {};
      for (let k = Math.floor(random() * 4); k > 0; k--)
        object[`${text()}${k}`] = randomValue(random, depth + 1);
      return object;
    }
    default:
      return Array.from({ length: Math.floor(random() * 4) }, () => randomValue(random, depth + 1));
  }
}

describe(parseStrictJson.name, () => {
  it('returns exactly what JSON.parse returns for I-JSON texts, however they are spelt', () => {
    const texts = [
      '{"a":1,"b":[true,false,null],"c":{"d":"e"}}',
      ' \t\r\n{ "x" : [ 1 , 2 ] } \n',
      '"\\u00e9\\ud83d\\ude00\\n\\/\\"\\\\"',
      '[1.0, 1e2, 1E+2, 0.1, -0, 0.0e-5, 1.5e-7, 123.4560, 9007199254740991, 1e21, 5e-324]',
      '{"":0,"a":{"":1},"\\u0062":2}',
      '[]',
      '{}',
      '"😀 я é"',
    ];
    for (const text of texts) expect(parseStrictJson(utf8(text))).toEqual(JSON.parse(text));
  });

  it('agrees with JSON.parse on generated documents', () => {
    const random = prng(10);
    for (let n = 0; n < 2000; n++) {
      const value = randomValue(random);
      const text = JSON.stringify(value);
      expect(parseStrictJson(utf8(text))).toEqual(JSON.parse(text));
    }
  });

  it('never accepts what JSON.parse refuses, nor returns anything else, on mutated bytes', () => {
    const random = prng(7);
    const alphabet = Buffer.from('{}[]:,"\\u0123456789eE+-.tfn \x00');
    const bytes = [...alphabet, 0xff, 0xc0, 0x80, 0xed, 0xa0, 0xef, 0xbf];
    for (let n = 0; n < 3000; n++) {
      const mutated = utf8(JSON.stringify(randomValue(random)));
      mutated[Math.floor(random() * mutated.length)] = bytes[Math.floor(random() * bytes.length)];
      let strict: unknown;
      try {
        strict = parseStrictJson(mutated);
      } catch (error) {
        expect(error).toBeInstanceOf(JsonError);
        continue;
      }
      const text = new TextDecoder('utf-8', { fatal: true }).decode(mutated);
      expect(strict).toEqual(JSON.parse(text));
    }
  });

  it.each([
    ['a syntax error', '{"a":1,}', 'MALFORMED_JSON', 'syntax'],
    ['an empty body', '', 'MALFORMED_JSON', 'syntax'],
    ['two values', '{} {}', 'MALFORMED_JSON', 'syntax'],
    ['a leading zero', '[01]', 'MALFORMED_JSON', 'syntax'],
    ['a raw control character', '["a\tb"]', 'MALFORMED_JSON', 'syntax'],
    ['a bad escape', '["\\x41"]', 'MALFORMED_JSON', 'syntax'],
    ['a short \\u escape', '["\\u12"]', 'MALFORMED_JSON', 'syntax'],
    ['NaN', '[NaN]', 'MALFORMED_JSON', 'syntax'],
    ['single quotes', "{'a':1}", 'MALFORMED_JSON', 'syntax'],
    ['a byte order mark', '\ufeff{}', 'MALFORMED_JSON', 'encoding'],
    ['a duplicate key', '{"a":1,"a":2}', 'JSON_NOT_REPRESENTABLE', 'duplicate-key'],
    [
      'a duplicate key spelt with an escape',
      '{"a":1,"\\u0061":2}',
      'JSON_NOT_REPRESENTABLE',
      'duplicate-key',
    ],
    [
      'a deep duplicate key',
      '{"b":[{"c":{"x":1,"x":1}}]}',
      'JSON_NOT_REPRESENTABLE',
      'duplicate-key',
    ],
    ['__proto__', '{"__proto__":{"polluted":true}}', 'JSON_NOT_REPRESENTABLE', 'forbidden-key'],
    [
      '__proto__ escaped',
      '{"a":{"__pro\\u0074o__":{}}}',
      'JSON_NOT_REPRESENTABLE',
      'forbidden-key',
    ],
    [
      'constructor.prototype',
      '{"constructor":{"prototype":{}}}',
      'JSON_NOT_REPRESENTABLE',
      'forbidden-key',
    ],
    ['prototype', '[{"prototype":1}]', 'JSON_NOT_REPRESENTABLE', 'forbidden-key'],
    ['2^53 + 1', '{"n":9007199254740993}', 'JSON_NOT_REPRESENTABLE', 'inexact-number'],
    ['-(2^64)', '[-18446744073709551616]', 'JSON_NOT_REPRESENTABLE', 'inexact-number'],
    ['1e400', '[1e400]', 'JSON_NOT_REPRESENTABLE', 'inexact-number'],
    ['-1e400', '[-1e400]', 'JSON_NOT_REPRESENTABLE', 'inexact-number'],
    ['an underflow to zero', '[1e-400]', 'JSON_NOT_REPRESENTABLE', 'inexact-number'],
    ['excess precision', '[0.10000000000000000001]', 'JSON_NOT_REPRESENTABLE', 'inexact-number'],
    ['a lone high surrogate', '["\\ud800"]', 'JSON_NOT_REPRESENTABLE', 'lone-surrogate'],
    ['a lone low surrogate', '{"\\udc00":1}', 'JSON_NOT_REPRESENTABLE', 'lone-surrogate'],
    [
      'a high surrogate before a raw pair',
      '["\\ud83d😀"]',
      'JSON_NOT_REPRESENTABLE',
      'lone-surrogate',
    ],
    ['reversed surrogates', '["\\ude00\\ud83d"]', 'JSON_NOT_REPRESENTABLE', 'lone-surrogate'],
    ['a noncharacter', '["\\uffff"]', 'JSON_NOT_REPRESENTABLE', 'noncharacter'],
    ['a raw noncharacter', '["\ufdd0"]', 'JSON_NOT_REPRESENTABLE', 'noncharacter'],
    ['an astral noncharacter', '["\\ud83f\\udffe"]', 'JSON_NOT_REPRESENTABLE', 'noncharacter'],
  ])('refuses %s', (_, text, code, rule) => {
    expect(refusal(text)).toMatchObject({ code, rule });
  });

  it.each([
    ['an invalid byte', [0x7b, 0x22, 0x61, 0x22, 0x3a, 0x22, 0xff, 0x22, 0x7d]],
    ['an overlong encoding', [0x5b, 0x22, 0xc0, 0xaf, 0x22, 0x5d]],
    ['an encoded surrogate', [0x5b, 0x22, 0xed, 0xa0, 0x80, 0x22, 0x5d]],
    ['a truncated sequence', [0x5b, 0x22, 0xe2, 0x82, 0x22, 0x5d]],
  ])('refuses invalid UTF-8: %s', (_, bytes) => {
    expect(refusal(Uint8Array.from(bytes))).toEqual({
      code: 'MALFORMED_JSON',
      rule: 'encoding',
      field: '',
    });
  });

  it(`refuses nesting deeper than ${MAX_JSON_DEPTH} levels at once, without recursion`, () => {
    const nested = (depth: number) => '['.repeat(depth) + ']'.repeat(depth);
    expect(parseStrictJson(utf8(nested(MAX_JSON_DEPTH)))).toBeDefined();
    expect(refusal(nested(MAX_JSON_DEPTH + 1))).toMatchObject({
      code: 'JSON_NOT_REPRESENTABLE',
      rule: 'max-depth',
    });
    expect(refusal('{"a":'.repeat(1_000_000))).toMatchObject({ rule: 'max-depth' });
  });

  it('names where the problem is as a JSON Pointer, never the value', () => {
    expect(refusal('{"body":{"a/b":[0,{"~n":9007199254740993}]}}')).toEqual({
      code: 'JSON_NOT_REPRESENTABLE',
      rule: 'inexact-number',
      field: '/body/a~1b/1/~0n',
    });
    let error: JsonError | undefined;
    try {
      parseStrictJson(utf8('{"secret":"\\ud800 Иванов"}'));
    } catch (e) {
      error = e as JsonError;
    }
    expect(error?.code).toBe('JSON_NOT_REPRESENTABLE');
    expect(error?.message).not.toContain('Иванов');
    expect(error?.details).toEqual({ errors: [error?.problem] });
  });
});
