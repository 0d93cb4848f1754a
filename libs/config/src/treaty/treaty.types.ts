import type { MessageType } from './message-types';
import type { AlgorithmPolicy } from './treaty-config.schema';

export interface Names {
  readonly ru: string;
  readonly en: string;
}

/** RET-3.7: the body whose official exchange rates count for a party. */
export interface NationalBank extends Names {
  /** Its code, as a rate table's `source` names it, e.g. NBK. */
  readonly code: string;
}

export interface Party {
  readonly code: string;
  readonly names: Names;
  /** ISO 4217 code of the national currency, e.g. KZT. */
  readonly currency: string;
  readonly nationalBank: NationalBank;
}

/** MIG-2: an authority's names from a date (YYYY-MM-DD) on, until the next entry's date. */
export interface DatedNames extends Names {
  readonly from: string;
}

export interface Authority {
  readonly code: string;
  readonly party: string;
  /** IANA name of the authority's time zone; its MIG-10.3 days are counted on it. */
  readonly timeZone: string;
  /** Oldest first; at least one. See `TreatyRegistry.authorityName`. */
  readonly names: readonly DatedNames[];
  /** True where the treaty's text does not name the authority (RET): a stand-in entry. */
  readonly placeholder: boolean;
  readonly validFrom: string;
  readonly validTo: string | null;
}

interface AgreementBase {
  readonly code: string;
  readonly title: Names;
  readonly authorities: readonly string[];
  readonly messageTypes: readonly MessageType[];
  readonly algorithms: AlgorithmPolicy;
}

export interface BilateralAgreement extends AgreementBase {
  readonly kind: 'bilateral';
  readonly parties: readonly [string, string];
  readonly inForceFrom: string;
  readonly terminationNoticeReceived: string | null;
}

/** RET-7/8: a participant as configured: the depositary's dates, not the computed start. */
export interface Participant {
  readonly party: string;
  /** When the depositary received its notification or accession document; null: not yet. */
  readonly notificationReceived: string | null;
  readonly accession: boolean;
  /** The first day it no longer takes part; null: it has not left. */
  readonly leftOn: string | null;
}

export interface MultilateralAgreement extends AgreementBase {
  readonly kind: 'multilateral';
  readonly participants: readonly Participant[];
  /** The first day the agreement is no longer in force; null: no end known. */
  readonly endsOn: string | null;
}

/**
 * A party's participation in an agreement as the gateway applies it. RET-7/8: `participatingFrom`
 * is computed from the depositary's dates; MIG-17: the bilateral agreement's own dates.
 * `leftOn` is the first day it no longer takes part (leaving, or the agreement's end).
 */
export interface Participation {
  readonly agreement: string;
  readonly party: string;
  readonly notificationReceived: string | null;
  readonly accession: boolean;
  /** null: not (yet) in force for the party. */
  readonly participatingFrom: string | null;
  readonly leftOn: string | null;
}

export type Agreement = BilateralAgreement | MultilateralAgreement;

export interface Signatory {
  readonly id: string;
  readonly authority: string;
  readonly person: Names;
  readonly position: Names;
  /** Every certificate registered for the signatory (renewals), oldest first; relative to the certificates directory. */
  readonly certificates: readonly string[];
  readonly validFrom: string;
  readonly validTo: string | null;
}

export interface TreatyData {
  readonly parties: readonly Party[];
  readonly authorities: readonly Authority[];
  readonly agreements: readonly Agreement[];
  readonly signatories: readonly Signatory[];
}
