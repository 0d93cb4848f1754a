/**
 * MIG-6: names are exchanged in Russian **and** Latin script. When a national system gives no
 * Latin form (as printed in the passport), MXG derives it with the transliteration of ICAO
 * Doc 9303 Part 3 ("Transliteration of Cyrillic characters"), the table machine-readable travel
 * documents use, so that a derived form matches the one a border guard reads in the MRZ.
 *
 * The Russian alphabet is ICAO's table verbatim: note Ё → E, Й → I, Х → KH, Ц → TS, Щ → SHCH,
 * Ъ → IE, Ь omitted, Ю → IU, Я → IA. ICAO's table also gives І → I.
 *
 * Kazakh letters are not in ICAO's table. Our choice, documented in docs/messages.md: each maps
 * to the plain Latin letter of its nearest Russian/ICAO counterpart, with no digraphs or
 * diacritics, as the MRZ can hold only A–Z — Ә → A, Ғ → G, Қ → K, Ң → N, Ө → O, Ұ → U, Ү → U,
 * Һ → H, І → I. A passport's own Latin spelling (e.g. AE for Ә) is always accepted: a given form
 * that differs from the derived one is only flagged (LATIN_FORM_DIFFERS), never refused.
 */
export const ICAO_9303_CYRILLIC: Readonly<Record<string, string>> = {
  А: 'A',
  Б: 'B',
  В: 'V',
  Г: 'G',
  Д: 'D',
  Е: 'E',
  Ё: 'E',
  Ж: 'ZH',
  З: 'Z',
  И: 'I',
  Й: 'I',
  К: 'K',
  Л: 'L',
  М: 'M',
  Н: 'N',
  О: 'O',
  П: 'P',
  Р: 'R',
  С: 'S',
  Т: 'T',
  У: 'U',
  Ф: 'F',
  Х: 'KH',
  Ц: 'TS',
  Ч: 'CH',
  Ш: 'SH',
  Щ: 'SHCH',
  Ъ: 'IE',
  Ы: 'Y',
  Ь: '',
  Э: 'E',
  Ю: 'IU',
  Я: 'IA',
  // ICAO 9303 Part 3, beyond Russian
  І: 'I',
};

/** Kazakh letters outside ICAO's table: MXG's documented choice (see above). */
export const KAZAKH_LETTERS: Readonly<Record<string, string>> = {
  Ә: 'A',
  Ғ: 'G',
  Қ: 'K',
  Ң: 'N',
  Ө: 'O',
  Ұ: 'U',
  Ү: 'U',
  Һ: 'H',
};

const TABLE: Readonly<Record<string, string>> = { ...ICAO_9303_CYRILLIC, ...KAZAKH_LETTERS };

/** Spaces, hyphens and apostrophes separate parts of a name; they are kept as they are. */
const SEPARATOR = /[\s'’-]/u;

/**
 * The Latin form of a Cyrillic name, in capitals as in the MRZ; `undefined` when the name holds
 * a character the table does not cover (then nothing can be derived, and nothing is compared).
 */
export function transliterate(cyrillic: string): string | undefined {
  let latin = '';
  for (const character of cyrillic.normalize('NFC').toUpperCase()) {
    const mapped = TABLE[character];
    if (mapped !== undefined) latin += mapped;
    else if (SEPARATOR.test(character)) latin += character === '’' ? "'" : character;
    else return undefined;
  }
  return latin;
}

/**
 * Whether a given Latin form is the one `transliterate` derives: letter case and runs of spaces
 * do not count, and apostrophes may be dropped (the MRZ has none).
 */
export function sameLatinForm(given: string, derived: string): boolean {
  const normal = (s: string) =>
    s.normalize('NFC').toUpperCase().replace(/['’]/gu, '').replace(/\s+/gu, ' ').trim();
  return normal(given) === normal(derived);
}
