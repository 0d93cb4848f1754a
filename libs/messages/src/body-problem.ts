/**
 * Why a body is refused (`problems`) or flagged (`warnings`). Codes are stable: national systems,
 * the receiving gateway's negative receipts and `mxg message check --json` switch on them.
 */
export const BODY_PROBLEM_CODES = [
  /** A field the schema does not list, e.g. a person's address (MIG-6 data minimisation). */
  'FIELD_NOT_ALLOWED',
  'FIELD_REQUIRED',
  /** The wrong type, a code outside a closed list, an empty text, a malformed id … */
  'VALUE_INVALID',
  /** Not a real calendar date YYYY-MM-DD (2026-02-30), or a birth date in the future. */
  'DATE_INVALID',
  /** The bytes are not of the declared content type, or the type is not allowed for the kind. */
  'ATTACHMENT_TYPE_MISMATCH',
  'ATTACHMENT_TOO_LARGE',
  /** `sha256` is not the digest of the decoded bytes. */
  'ATTACHMENT_DIGEST_MISMATCH',
  /** A person's photograph or fingerprint card names no attachment of that kind. */
  'ATTACHMENT_REFERENCE_INVALID',
] as const;

export const BODY_WARNING_CODES = [
  /** A given Latin form differs from the one the ICAO 9303 transliteration derives (MIG-6). */
  'LATIN_FORM_DIFFERS',
  /** A free-text field has no Cyrillic letter: the working language is Russian (MIG-15). */
  'TEXT_NOT_RUSSIAN',
] as const;

export type BodyProblemCode = (typeof BODY_PROBLEM_CODES)[number];
export type BodyWarningCode = (typeof BODY_WARNING_CODES)[number];

/**
 * One finding about one field. `message` names the rule, never the value: bodies carry personal
 * data (MIG-6, MIG-11.4), and findings go to logs, audit entries and the peer.
 */
export interface BodyProblem {
  /** Where, from the message: `body.persons[0].birthDate`. */
  readonly path: string;
  readonly code: BodyProblemCode | BodyWarningCode;
  readonly message: string;
  /** The treaty article the rule comes from, e.g. MIG-6. */
  readonly treaty: string;
}

export interface BodyCheck {
  /** Any problem refuses the message. */
  readonly problems: readonly BodyProblem[];
  /** Warnings never refuse: the message goes, and the findings go back with its acceptance. */
  readonly warnings: readonly BodyProblem[];
}

/** `body.persons[0].birthDate` from `['persons', 0, 'birthDate']`. */
export function bodyPath(path: readonly PropertyKey[]): string {
  return path.reduce<string>(
    (at, key) => (typeof key === 'number' ? `${at}[${key}]` : `${at}.${String(key)}`),
    'body',
  );
}
