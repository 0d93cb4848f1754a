import { type BodyProblem, bodyPath } from '../body-problem';

const isDate = (value: unknown): value is string =>
  typeof value === 'string' && /^\d{4}-\d{2}-\d{2}$/u.test(value);

/** Terms that end after they begin: [object, start, end]. */
const TERMS: readonly (readonly [string, string, string])[] = [
  ['residencePermit', 'issuedOn', 'validUntil'],
  ['rightToWork', 'from', 'until'],
  ['entryRefusal', 'from', 'until'],
  ['exitRestriction', 'from', 'until'],
];

/**
 * MIG-6 dates a calendar cannot catch: a birth date in the future (`today` is the receiving or
 * submitting gateway's UTC date), and a term that ends before it begins. Messages give the rule,
 * not the dates.
 */
export function personDateProblems(persons: unknown, today: string): BodyProblem[] {
  if (!Array.isArray(persons)) return [];
  const problems: BodyProblem[] = [];
  const problem = (path: PropertyKey[], message: string) =>
    problems.push({ path: bodyPath(path), code: 'DATE_INVALID', message, treaty: 'MIG-6' });
  const checkTerm = (term: unknown, path: PropertyKey[], start: string, end: string) => {
    if (typeof term !== 'object' || term === null) return;
    const { [start]: from, [end]: to } = term as Record<string, unknown>;
    if (isDate(from) && isDate(to) && to < from) {
      problem([...path, end], `is before ${start}: a term cannot end before it begins`);
    }
  };
  persons.forEach((person: unknown, i) => {
    if (typeof person !== 'object' || person === null) return;
    const fields = person as Record<string, unknown>;
    if (isDate(fields.birthDate) && fields.birthDate > today) {
      problem(['persons', i, 'birthDate'], 'is in the future');
    }
    for (const [field, start, end] of TERMS) {
      checkTerm(fields[field], ['persons', i, field], start, end);
    }
    if (Array.isArray(fields.registration)) {
      fields.registration.forEach((entry: unknown, j) =>
        checkTerm(entry, ['persons', i, 'registration', j], 'from', 'to'),
      );
    }
  });
  return problems;
}
