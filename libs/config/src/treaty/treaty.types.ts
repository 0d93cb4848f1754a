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

export interface Authority {
  readonly code: string;
  readonly party: string;
  readonly names: Names;
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
