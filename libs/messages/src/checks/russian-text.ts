import { type BodyProblem, bodyPath } from '../body-problem';

/**
 * Fields that hold free text, in any body. Names (`cyrillic`, `latin`), codes, dates and ids are
 * not free text; nor is `article` (a legal citation may be all digits).
 */
const FREE_TEXT_FIELDS = new Set([
  'summary',
  // `purpose` is a code (MIG-11.2); its legal basis is words.
  'legalBasis',
  'justification',
  'otherInformation',
  'reason',
  'questions',
  'answers',
  'conditions',
  'text',
  'description',
  'birthPlace',
  'issuer',
  'locality',
  'grounds',
  'basis',
  'title',
  'recipient',
  'note',
  'position',
  'returnAct',
  'reference',
  // RET-4: a claim's query and reply
  'question',
  'answer',
]);

const CYRILLIC_LETTER = /[\u0400-\u04FF]/u;

/**
 * MIG-15: the working language is Russian. A free-text field with no Cyrillic letter at all is
 * flagged — not refused: a citation or an acronym may be all Latin.
 */
export function russianTextWarnings(body: unknown, article = 'MIG-15'): BodyProblem[] {
  const warnings: BodyProblem[] = [];
  const visit = (value: unknown, path: PropertyKey[]) => {
    if (Array.isArray(value)) {
      value.forEach((item: unknown, i) => visit(item, [...path, i]));
    } else if (typeof value === 'object' && value !== null) {
      for (const [key, field] of Object.entries(value)) {
        // An attachment's data is base64: large, and never text.
        if (key === 'data') continue;
        if (typeof field === 'string' && FREE_TEXT_FIELDS.has(key)) {
          if (!CYRILLIC_LETTER.test(field)) {
            warnings.push({
              path: bodyPath([...path, key]),
              code: 'TEXT_NOT_RUSSIAN',
              message: 'has no Cyrillic letter: free text is in Russian, the working language',
              treaty: article,
            });
          }
        } else {
          visit(field, [...path, key]);
        }
      }
    }
  };
  visit(body, []);
  return warnings;
}
