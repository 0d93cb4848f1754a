import type { MessageType } from './message-types';
import type { AlgorithmPolicy } from './treaty-config.schema';

export interface Names {
  readonly ru: string;
  readonly en: string;
}

export interface Party {
  readonly code: string;
  readonly names: Names;
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

export interface MultilateralAgreement extends AgreementBase {
  readonly kind: 'multilateral';
  readonly participants: readonly { party: string; participatingFrom: string | null }[];
}

export type Agreement = BilateralAgreement | MultilateralAgreement;

export interface Signatory {
  readonly id: string;
  readonly authority: string;
  readonly person: Names;
  readonly position: Names;
  /** Relative to the certificates directory. */
  readonly certificate: string;
  readonly validFrom: string;
  readonly validTo: string | null;
}

export interface TreatyData {
  readonly parties: readonly Party[];
  readonly authorities: readonly Authority[];
  readonly agreements: readonly Agreement[];
  readonly signatories: readonly Signatory[];
}
