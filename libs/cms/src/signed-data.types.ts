import type { DigestAlgorithmInfo, SignatureAlgorithmInfo } from './cms-algorithms';
import type { CertificateIdentifier, ParsedCertificate, RawIdentifier } from './certificate';
import type { PublicKeyInfo } from './keys';

export interface SignedDataInfo {
  readonly version: number;
  /** eContentType; id-data unless the signer said otherwise. */
  readonly contentType: string;
  /** Absent for a detached signature. */
  readonly encapsulatedContent?: Uint8Array;
  /** Every X.509 certificate carried, DER, in the order received. */
  readonly certificates: readonly Uint8Array[];
  readonly signers: readonly SignerReport[];
}

/** Exactly what a SignerInfo claims, for the caller's algorithm allow-list; nothing verified. */
export interface SignerReport {
  readonly sid: CertificateIdentifier;
  readonly digestAlgorithm: DigestAlgorithmInfo;
  readonly signatureAlgorithm: SignatureAlgorithmInfo;
  /** The content-type signed attribute; absent only when there are no signed attributes. */
  readonly contentTypeAttribute?: string;
  /** Signed attributes other than content-type, message-digest and signing-time: type → DER values. */
  readonly otherAttributes?: ReadonlyMap<string, readonly Uint8Array[]>;
  readonly messageDigest?: Uint8Array;
  readonly signingTime?: Date;
  /** The carried certificate the sid points at, if any. */
  readonly certificate?: Uint8Array;
  readonly publicKey?: PublicKeyInfo;
}

/** What verification needs beyond the report. */
export interface DecodedSigner {
  readonly report: SignerReport;
  readonly sid: RawIdentifier;
  /** DER of the signed attributes with the SET OF tag: the bytes that were signed (RFC 5652 §5.4). */
  readonly signedAttributes?: Uint8Array;
  readonly signature: Uint8Array;
}

export interface DecodedSignedData {
  readonly info: SignedDataInfo;
  readonly signers: readonly DecodedSigner[];
  readonly certificates: readonly ParsedCertificate[];
}
