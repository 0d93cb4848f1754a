import { MxgError } from '@mxg/core';
import type { Authority, Names } from './treaty.types';

/**
 * MIG-2: a party notifies the other of a renamed competent authority or of a change of its
 * functions. The body of an `authority-change-notice`; the authority keeps its code.
 */
export interface AuthorityChangeNotice {
  readonly authority: string;
  readonly change: 'rename' | 'functions';
  /** The new names; a rename only. */
  readonly names?: Names;
  /** YYYY-MM-DD: the first day the change holds. */
  readonly effectiveFrom: string;
  readonly description: string;
}

export const AUTHORITY_CHANGE_CODES = [
  /** The notice contradicts itself or the authority: see its message. */
  'AUTHORITY_CHANGE_INVALID',
  /** Another name already takes effect on that date. */
  'AUTHORITY_CHANGE_CONFLICT',
] as const;
export type AuthorityChangeCode = (typeof AUTHORITY_CHANGE_CODES)[number];

export class AuthorityChangeError extends MxgError {
  constructor(
    override readonly code: AuthorityChangeCode,
    message: string,
  ) {
    super(code, message);
  }
}

const isCalendarDate = (value: string) =>
  /^\d{4}-\d{2}-\d{2}$/.test(value) &&
  new Date(`${value}T00:00:00Z`).toISOString().slice(0, 10) === value;

/**
 * The authority as it stands once `notice` is applied: a rename adds the new names from its
 * effective date (earlier dates keep the old ones); a change of functions leaves the record as
 * it is — the registry keeps the notice itself as the history. Receiving the same notice twice
 * changes nothing. Pure.
 */
export function applyAuthorityChange(
  authority: Authority,
  notice: AuthorityChangeNotice,
): Authority {
  const refuse = (code: AuthorityChangeCode, why: string) =>
    new AuthorityChangeError(
      code,
      `${notice.change} of ${authority.code} from ${notice.effectiveFrom}: ${why} (MIG-2)`,
    );
  if (notice.authority !== authority.code) {
    throw refuse('AUTHORITY_CHANGE_INVALID', `the notice is about ${notice.authority}`);
  }
  if (!isCalendarDate(notice.effectiveFrom)) {
    throw refuse('AUTHORITY_CHANGE_INVALID', 'effectiveFrom is not a calendar date YYYY-MM-DD');
  }
  if (notice.effectiveFrom < authority.validFrom) {
    throw refuse(
      'AUTHORITY_CHANGE_INVALID',
      `the authority is registered only from ${authority.validFrom}`,
    );
  }
  if (notice.change === 'functions') {
    if (notice.names !== undefined) {
      throw refuse(
        'AUTHORITY_CHANGE_INVALID',
        'a change of functions keeps the names; notify a rename for new names',
      );
    }
    return authority;
  }
  const { names } = notice;
  if (names === undefined || names.ru.trim() === '' || names.en.trim() === '') {
    throw refuse('AUTHORITY_CHANGE_INVALID', 'a rename carries the new names in ru and en');
  }
  const same = authority.names.find((n) => n.from === notice.effectiveFrom);
  if (same !== undefined) {
    if (same.ru === names.ru && same.en === names.en) return authority;
    throw refuse(
      'AUTHORITY_CHANGE_CONFLICT',
      `the authority already takes the name "${same.en}" on that date`,
    );
  }
  const entry = { from: notice.effectiveFrom, ru: names.ru, en: names.en };
  return {
    ...authority,
    names: [...authority.names, entry].sort((a, b) => a.from.localeCompare(b.from)),
  };
}
