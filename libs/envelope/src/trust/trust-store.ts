import type { X509Certificate } from 'node:crypto';
import type { CmsKeyDecrypter, CmsSigner, CrlInfo } from '@mxg/cms';

/**
 * One version of a party's CRL as this gateway saw it: the evidence revocation is judged from,
 * long after the fact (MIG-11.4). Kept once validated (signed by the party's CA, extensions
 * understood), whatever its age: an older CRL still answers for the times it covered.
 */
export interface ArchivedCrl {
  readonly party: string;
  /** The CRL exactly as received (DER). */
  readonly der: Uint8Array;
  readonly info: CrlInfo;
  /** When this gateway first had it. */
  readonly fetchedAt: Date;
  /** Where it came from: 'file:<path>' | 'url:<url>' | 'archive' | 'cli:<path>'. */
  readonly source: string;
}

/**
 * Every CRL version seen, per party, append-only. The default keeps them in memory; the gateway
 * persists them (a table refusing UPDATE and DELETE) and loads them back at start.
 */
export interface CrlArchive {
  /** Every CRL of `party` seen so far, validated, oldest first. */
  of(party: string): readonly ArchivedCrl[];
  /** Keeps a validated CRL (no-op when the same bytes are kept already); persistence is the implementation's. */
  add(crl: ArchivedCrl): void;
}

/** What a trust store did with a CRL offered to it: archived, or why not (`known`: had it already). */
export type CrlOffer =
  | { readonly taken: true; readonly crl: ArchivedCrl }
  | { readonly taken: false; readonly known: boolean; readonly reason: string };

/** What this gateway trusts about one party: its CA, its CRLs, its gateway's certificates. */
export interface PartyTrust {
  readonly party: string;
  /** The party's trust anchors: every MXG certificate of the party must chain to one. */
  readonly anchors: readonly X509Certificate[];
  /**
   * The party's newest CRL(s) (PEM or DER), for a sender's check of its own certificates now.
   * Read it once per decision, as late as possible: an implementation may hand over a newer
   * list each time. Verification judges revocation from `archive` instead, as of signing time.
   */
  readonly crls: readonly (string | Uint8Array)[];
  /** Every CRL version of the party seen so far, oldest first (a getter: it grows). */
  readonly archive: readonly ArchivedCrl[];
  /** Every generation of the party's gateway seal certificate: only these may seal its envelopes. */
  readonly seals: readonly X509Certificate[];
  /** The generation to encrypt to now: the newest in force; undefined when none is. */
  readonly encryption: X509Certificate | undefined;
  /** Every generation of the party's gateway encryption certificate. */
  readonly encryptionCertificates: readonly X509Certificate[];
}

/**
 * The certificates a gateway or a security officer checks signatures against. Kept behind an
 * interface so that a deployment can feed it from its own trust list instead of files.
 */
export interface TrustStore {
  /** Throws CERT_UNTRUSTED when nothing is known about the party. */
  party(code: string): PartyTrust;
  /** The parties with a trust anchor here. */
  parties(): readonly string[];
  /**
   * Validates a CRL of `party` (signed by the party's CA, no extension MXG cannot honour) and
   * archives it; the CRL fetcher, CRL files and `mxg verify --crl` all come through here.
   */
  offerCrl(party: string, der: Uint8Array, source: string, fetchedAt: Date): CrlOffer;
  /** Every certificate configured for a signatory (MIG-9.3), across renewals, oldest first. */
  signatoryCertificates(signatoryId: string): readonly X509Certificate[];
  /**
   * The newest certificate configured for a signatory, if any. Verification matches a signer
   * through a SignatoryDirectory; this is for callers that need "the" certificate of an id.
   */
  signatoryCertificate(signatoryId: string): X509Certificate | undefined;
}

/** One person on an authority's lists (MIG-9.3), with every certificate registered for them. */
export interface SignatoryEntry {
  readonly id: string;
  readonly authority: string;
  /** Every certificate ever registered for them, across renewals. */
  readonly certificates: readonly X509Certificate[];
}

/**
 * Who may sign for an authority, when (MIG-9.3, MIG-9.4). Configuration backs the default
 * (`configuredSignatories`); the gateway's is fed by `signatory-list-update` messages and keeps
 * every version, so that a message is judged by the list in force when it was signed.
 */
export interface SignatoryDirectory {
  /** Everyone ever on the authority's lists, with every certificate: candidates to match a signer. */
  known(authority: string): readonly SignatoryEntry[];
  /** MIG-9.3/9.4: on `authority`'s list in force at `at`, with `certificate` registered for them in it? */
  isAuthorised(
    signatoryId: string,
    authority: string,
    at: Date,
    certificate: X509Certificate,
  ): boolean;
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
