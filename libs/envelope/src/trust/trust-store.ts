import type { X509Certificate } from 'node:crypto';
import type { CmsKeyDecrypter, CmsSigner } from '@mxg/cms';

/** What this gateway trusts about one party: its CA, its CRL, its gateway's certificates. */
export interface PartyTrust {
  readonly party: string;
  /** The party's trust anchors: every MXG certificate of the party must chain to one. */
  readonly anchors: readonly X509Certificate[];
  /**
   * The party's CRLs (PEM or DER) in use now; a certificate on one is revoked. Read it once
   * per decision, as late as possible: an implementation may hand over a newer list each time.
   */
  readonly crls: readonly (string | Uint8Array)[];
  /** The party's gateway seal certificates: only these may seal (outer-sign) its envelopes. */
  readonly seals: readonly X509Certificate[];
  /** Where envelopes for this party are encrypted to. */
  readonly encryption: X509Certificate | undefined;
}

/**
 * The certificates a gateway or a security officer checks signatures against. Kept behind an
 * interface so that a deployment can feed it from its own trust list instead of files.
 */
export interface TrustStore {
  /** Throws CERT_UNTRUSTED when nothing is known about the party. */
  party(code: string): PartyTrust;
  /** The certificate registered for a signatory in `signatories.yaml` (MIG-9.3), if present. */
  signatoryCertificate(signatoryId: string): X509Certificate | undefined;
}

/** A signing key of this gateway's: its certificate and its one operation, never the key. */
export interface SigningKey extends CmsSigner {
  readonly certificate: X509Certificate;
}

/** A key-transport (encryption) key of this gateway's: its certificate and its unwrap operation. */
export interface DecryptionKey extends CmsKeyDecrypter {
  readonly certificate: X509Certificate;
}

/**
 * This gateway's private keys as operations — the only door to them, and a door that never
 * hands a key out, so that an HSM (PKCS#11) can stand behind it as well as files.
 * Implementations keep keys loaded (or token sessions open) between calls.
 */
export interface KeyStore {
  readonly party: string;
  /** The gateway seal: the newest key generation whose certificate is in force now. */
  seal(): Promise<SigningKey>;
  /** Every encryption key generation held, newest first: envelopes to any of them open. */
  decryption(): Promise<readonly DecryptionKey[]>;
  /** The key that signs this gateway's audit-log checkpoints, witness cosignatures and exports. */
  auditCheckpoint(): Promise<SigningKey>;
  /** The key the gateway holds for a signatory of its own party (JSON submissions). */
  signatory(signatoryId: string): Promise<SigningKey>;
}
