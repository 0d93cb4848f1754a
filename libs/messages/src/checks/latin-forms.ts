import { type BodyProblem, bodyPath } from '../body-problem';
import { sameLatinForm, transliterate } from '../transliteration/icao-9303';

const NAME_FIELDS = ['surname', 'name', 'patronymic'] as const;

/**
 * MIG-6: a given Latin form that is not what ICAO 9303 derives from the Cyrillic one is
 * accepted — the passport's spelling wins — and flagged, so the receiver can look twice.
 */
export function latinFormWarnings(persons: unknown): BodyProblem[] {
  if (!Array.isArray(persons)) return [];
  const warnings: BodyProblem[] = [];
  persons.forEach((person: unknown, i) => {
    if (typeof person !== 'object' || person === null) return;
    for (const field of NAME_FIELDS) {
      const forms = (person as Record<string, unknown>)[field];
      if (typeof forms !== 'object' || forms === null) continue;
      const { cyrillic, latin } = forms as Record<string, unknown>;
      if (typeof cyrillic !== 'string' || typeof latin !== 'string') continue;
      const derived = transliterate(cyrillic);
      if (derived === undefined || sameLatinForm(latin, derived)) continue;
      warnings.push({
        path: bodyPath(['persons', i, field, 'latin']),
        code: 'LATIN_FORM_DIFFERS',
        message:
          'differs from the ICAO 9303 transliteration of the Cyrillic form: accepted as the passport spelling',
        treaty: 'MIG-6',
      });
    }
  });
  return warnings;
}
