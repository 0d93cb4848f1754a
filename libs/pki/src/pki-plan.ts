import type { KeyObject } from 'node:crypto';
import type { CertificateProfile, TlsServerNames } from './certificate-profiles';
import type { KeyAlgorithm, RsaKeyAlgorithm } from './key-pair';
import { isValidPartyCode, isValidSignatoryId, SERVICES_DIR } from './pki-layout';
import { PkiError } from './pki-error';

/** One authorised signatory of a party (treaty MIG-9.3). */
export interface PkiSignatoryPlan {
  id: string;
  authorityCode: string;
  authorityNameEn: string;
  commonName: string;
  position?: string;
}

export interface PkiPartyPlan {
  code: string;
  nameEn: string;
  signatories: PkiSignatoryPlan[];
  /**
   * The URL where the party's gateway serves its CRL, written into every certificate issued
   * for the party (`crlDistributionPointUrl`); none when the party has no gateway to serve it.
   */
  crlDistributionPoint?: string;
  /**
   * #15: issue the party's transport certificates (`tls/server`, `tls/client`, `tls/link`): for
   * a party with a gateway. Absent: none.
   */
  tls?: PkiTlsPlan;
}

export interface PkiTlsPlan {
  /** The names in `tls/server`'s subjectAltName; default DNS:localhost, IP:127.0.0.1. */
  serverNames?: TlsServerNames;
}

export interface PkiInitOptions {
  certsDir: string;
  parties: PkiPartyPlan[];
  /** CA, seal, audit-checkpoint and signatory keys. Default 'ecdsa-p256'. */
  signingAlgorithm?: KeyAlgorithm;
  /** Gateway key-transport key (RSA-OAEP). Default 'rsa-2048'. */
  encryptionAlgorithm?: RsaKeyAlgorithm;
  now?: Date;
  /**
   * One party whose leaf keys (gateway and signatories) are held outside files — a PKCS#11 token,
   * `mxg pki init --pkcs11`: generated there, certified by the party's CA, never written. The
   * party's CA and every other party stay files (the development PKI).
   */
  externalKeys?: ExternalKeyHolder;
}

/** Where a party's leaf keys are held when they are not files (@mxg/pkcs11 implements it). */
export interface ExternalKeyHolder {
  /** The party whose keys are held there (upper case). */
  readonly party: string;
  /** For messages: e.g. "PKCS#11 token 'kz-gateway'". */
  readonly description: string;
  /** The public key held for the leaf whose certificate file is `certificatePath`, if any. */
  publicKey(certificatePath: string): Promise<KeyObject | undefined>;
  /** Generates that leaf's key pair where it is held (never extractable); its public key. */
  generate(
    certificatePath: string,
    keyAlgorithm: KeyAlgorithm,
    profile: CertificateProfile,
  ): Promise<KeyObject>;
}

/** Rejects plans that would collide on disk or produce empty subject fields. */
export function validatePlan(parties: readonly PkiPartyPlan[]): void {
  const codes = new Set<string>();
  for (const party of parties) {
    if (!isValidPartyCode(party.code))
      invalid(`party code '${party.code}' must be 2-16 letters/digits`);
    const code = party.code.toUpperCase();
    // certs/services/ holds the development services' CA (#15), not a party's.
    if (code === SERVICES_DIR.toUpperCase()) invalid(`party code '${party.code}' is reserved`);
    if (codes.has(code)) invalid(`party ${code} is listed twice`);
    codes.add(code);
    const ids = new Set<string>();
    for (const signatory of party.signatories) {
      if (!isValidSignatoryId(signatory.id)) {
        invalid(
          `signatory id '${signatory.id}' must start with a letter or digit and use [A-Za-z0-9._-]`,
        );
      }
      // Lower-cased: on a case-insensitive file system 'A1' and 'a1' would share key files.
      const id = signatory.id.toLowerCase();
      if (ids.has(id)) invalid(`signatory ${signatory.id} of ${code} is listed twice`);
      ids.add(id);
      for (const field of ['authorityCode', 'authorityNameEn', 'commonName'] as const) {
        if (signatory[field].trim() === '') invalid(`signatory ${signatory.id}: ${field} is empty`);
      }
      if (signatory.position?.trim() === '')
        invalid(`signatory ${signatory.id}: position is empty`);
    }
    if (party.crlDistributionPoint !== undefined && !isHttpUrl(party.crlDistributionPoint)) {
      invalid(
        `party ${code}: CRL distribution point '${party.crlDistributionPoint}' is not an http(s) URL`,
      );
    }
  }
}

function isHttpUrl(text: string): boolean {
  try {
    const url = new URL(text);
    return url.protocol === 'http:' || url.protocol === 'https:';
  } catch {
    return false;
  }
}

function invalid(message: string): never {
  throw new PkiError('PKI_INVALID_PLAN', message);
}
