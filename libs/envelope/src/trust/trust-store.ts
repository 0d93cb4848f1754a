import type { KeyObject, X509Certificate } from 'node:crypto';

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

/** A certificate with the private key that goes with it. */
export interface KeyPair {
  readonly certificate: X509Certificate;
  readonly privateKey: KeyObject;
}

/**
 * Access to this gateway's own private keys — the only door to them, so that an HSM (PKCS#11)
 * can replace files without touching the envelope code. Implementations keep keys parsed.
 */
export interface KeyStore {
  readonly party: string;
  seal(): Promise<KeyPair>;
  encryption(): Promise<KeyPair>;
  /** The key the gateway holds for a signatory of its own party (JSON submissions). */
  signatory(signatoryId: string): Promise<KeyPair>;
}
