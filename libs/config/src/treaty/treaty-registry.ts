import { MxgError } from '@mxg/core';
import { lastDayInForce } from './agreement-term';
import { applyAuthorityChange, type AuthorityChangeNotice } from './authority-change';
import { addDays, startOfDay, withinDays } from './calendar';
import type { MessageType } from './message-types';
import { entryIntoForce, participationIn } from './participation';
import type {
  Agreement,
  Authority,
  Names,
  Participation,
  Party,
  Signatory,
  TreatyData,
} from './treaty.types';

/**
 * The treaty configuration as the gateway asks it questions: who the parties and their
 * competent authorities are, which agreement is in force for whom on a given day, which
 * message types it allows and who may sign. Built once from validated config; immutable — an
 * authority change notified later (MIG-2) makes a new registry (`withAuthorityChange`).
 */
export class TreatyRegistry {
  private readonly parties: ReadonlyMap<string, Party>;
  private readonly authorities: ReadonlyMap<string, Authority>;
  private readonly agreements: ReadonlyMap<string, Agreement>;

  constructor(
    private readonly data: TreatyData,
    private readonly changes: readonly AuthorityChangeNotice[] = [],
  ) {
    this.parties = new Map(data.parties.map((p) => [p.code, p]));
    this.authorities = new Map(data.authorities.map((a) => [a.code, a]));
    this.agreements = new Map(data.agreements.map((a) => [a.code, a]));
  }

  /** The validated data itself, e.g. to digest or to show. */
  toJSON(): TreatyData {
    return this.data;
  }

  allParties(): readonly Party[] {
    return this.data.parties;
  }

  allAuthorities(): readonly Authority[] {
    return this.data.authorities;
  }

  allAgreements(): readonly Agreement[] {
    return this.data.agreements;
  }

  allSignatories(): readonly Signatory[] {
    return this.data.signatories;
  }

  party(code: string): Party {
    return this.found(this.parties.get(code), 'UNKNOWN_PARTY', `party ${code} is not configured`);
  }

  authority(code: string): Authority {
    return this.found(
      this.authorities.get(code),
      'UNKNOWN_AUTHORITY',
      `competent authority ${code} is not registered (MIG-2)`,
    );
  }

  agreement(code: string): Agreement {
    return this.found(
      this.agreements.get(code),
      'UNKNOWN_AGREEMENT',
      `agreement ${code} is not configured`,
    );
  }

  authoritiesOf(partyCode: string): readonly Authority[] {
    return this.data.authorities.filter((a) => a.party === partyCode);
  }

  /**
   * MIG-2: the authority's names on `at` — the entry in force on that day (UTC, as every date in
   * config), so a message keeps the name it was exchanged under after a rename. Before its first
   * entry, the first names.
   */
  authorityName(code: string, at: Date): Names {
    const { names } = this.authority(code);
    const inForce = names.filter((n) => startOfDay(n.from) <= at.getTime()).at(-1) ?? names[0];
    return { ru: inForce.ru, en: inForce.en };
  }

  /** MIG-10.3: the IANA time zone on which the authority's days are counted. */
  authorityTimeZone(code: string): string {
    return this.authority(code).timeZone;
  }

  /**
   * MIG-2: this registry with a notified rename or change of functions applied from its effective
   * date; the notice is kept (`authorityChanges`). Throws `AuthorityChangeError` for a notice
   * that cannot apply, `UNKNOWN_AUTHORITY` for an authority that is not registered.
   */
  withAuthorityChange(notice: AuthorityChangeNotice): TreatyRegistry {
    const changed = applyAuthorityChange(this.authority(notice.authority), notice);
    const again = this.changes.some((c) => sameNotice(c, notice));
    return new TreatyRegistry(
      {
        ...this.data,
        authorities: this.data.authorities.map((a) => (a.code === changed.code ? changed : a)),
      },
      again ? this.changes : [...this.changes, notice],
    );
  }

  /** MIG-2: the change notices applied to an authority, by effective date. */
  authorityChanges(code: string): readonly AuthorityChangeNotice[] {
    return this.changes
      .filter((c) => c.authority === code)
      .sort((a, b) => a.effectiveFrom.localeCompare(b.effectiveFrom));
  }

  /** MIG-2: only a registered authority, inside its validity window, may send or receive. */
  isAuthorityActive(code: string, at: Date): boolean {
    const authority = this.authorities.get(code);
    return authority !== undefined && withinDays(at, authority.validFrom, authority.validTo);
  }

  /**
   * MIG-17: the last day a bilateral agreement is in force once a termination notice has been
   * received — six months from the day of receipt; `null` while no notice has been given.
   */
  lastDayInForce(agreementCode: string): string | null {
    return lastDayInForce(this.agreement(agreementCode));
  }

  /**
   * Whether `party` may exchange messages under the agreement on `at`: MIG-17 for the
   * bilateral agreement, RET-7/8 (each party from its own date) for the multilateral one.
   */
  isParticipating(
    agreementCode: string,
    partyCode: string,
    at: Date,
    options: { readonly underWay?: boolean } = {},
  ): boolean {
    const agreement = this.agreement(agreementCode);
    switch (agreement.kind) {
      case 'bilateral':
        // MIG-17: an exchange under way (a message answering an earlier one) runs to its end
        // after termination takes effect; only new ones are refused.
        return (
          agreement.parties.includes(partyCode) &&
          withinDays(
            at,
            agreement.inForceFrom,
            options.underWay ? null : this.lastDayInForce(agreementCode),
          )
        );
      case 'multilateral': {
        // RET-7/8: from the computed start up to (not including) the day it left or RET ended.
        const p = this.participation(agreementCode, partyCode);
        return (
          p?.participatingFrom != null &&
          withinDays(at, p.participatingFrom, p.leftOn === null ? null : addDays(p.leftOn, -1))
        );
      }
    }
  }

  /**
   * A party's participation in an agreement — for RET the start computed from the depositary's
   * dates (RET-7/8), for MIG its own dates (MIG-17) — or undefined when it is not a party to it.
   */
  participation(agreementCode: string, partyCode: string): Participation | undefined {
    return participationIn(this.agreement(agreementCode), partyCode);
  }

  /** Every party's participation in every agreement, agreement by agreement, as configured. */
  allParticipations(): Participation[] {
    return this.data.agreements.flatMap((a) =>
      (a.kind === 'bilateral' ? [...a.parties] : a.participants.map((p) => p.party)).flatMap(
        (party) => participationIn(a, party) ?? [],
      ),
    );
  }

  /** RET-7: the day a multilateral agreement entered (or enters) into force; null: not yet. */
  entryIntoForce(agreementCode: string): string | null {
    const agreement = this.agreement(agreementCode);
    return agreement.kind === 'bilateral' ? agreement.inForceFrom : entryIntoForce(agreement);
  }

  allowsMessageType(agreementCode: string, type: MessageType): boolean {
    return this.agreement(agreementCode).messageTypes.includes(type);
  }

  /** MIG-9.3: the signatories an authority has authorised, as configured (any date). */
  signatoriesOf(authorityCode: string): readonly Signatory[] {
    return this.data.signatories.filter((s) => s.authority === authorityCode);
  }

  /** MIG-9.3: is this person on the authority's list on `at` (the signing time)? */
  isSignatoryAuthorised(signatoryId: string, authorityCode: string, at: Date): boolean {
    return this.data.signatories.some(
      (s) =>
        s.id === signatoryId &&
        s.authority === authorityCode &&
        withinDays(at, s.validFrom, s.validTo),
    );
  }

  private found<T>(value: T | undefined, code: string, message: string): T {
    if (value === undefined) throw new MxgError(code, message);
    return value;
  }
}

function sameNotice(a: AuthorityChangeNotice, b: AuthorityChangeNotice): boolean {
  return (
    a.authority === b.authority &&
    a.change === b.change &&
    a.effectiveFrom === b.effectiveFrom &&
    a.description === b.description &&
    a.names?.ru === b.names?.ru &&
    a.names?.en === b.names?.en
  );
}
