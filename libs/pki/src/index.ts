/**
 * @mxg/pki: the development PKI. One root CA per party, the gateway's seal, encryption and
 * audit-checkpoint certificates, signatory certificates (MIG-9.3), CRLs and revocation.
 * Not for production keys: private keys are stored unencrypted (mode 0600).
 */
export type { CaDatabase, IssuedEntry, RevocationReason, RevokedEntry } from './ca-database';
export { loadCertificateAuthority } from './certificate-authority';
export {
  loadAuditCheckpointCertificates,
  type AuditCheckpointCertificates,
} from './audit-checkpoint-certificates';
export { certificateProfileProblem } from './certificate-profile-check';
export {
  AUDIT_CHECKPOINT_KEY_PURPOSE,
  DEFAULT_TLS_SERVER_NAMES,
  type CertificateProfile,
  type TlsServerNames,
} from './certificate-profiles';
export { gatewaySubject, rootCaSubject, signatorySubject, tlsSubject } from './distinguished-name';
export type { DistinguishedName, GatewayRole, TlsRole } from './distinguished-name';
export {
  crlDistributionPointUrl,
  crlDistributionPointUrls,
  crlEndpointPath,
} from './crl-distribution-point';
export { certifyPublicKey, createRootCa, issueCertificate } from './issue-certificate';
export type {
  CertificateAuthority,
  CertifiedPublicKey,
  CertifyPublicKeyOptions,
  IssueCertificateOptions,
  IssuedCertificate,
} from './issue-certificate';
export { keyGenerationPaths, keyGenerations, nextKeyGeneration } from './key-generations';
export type { KeyAlgorithm, RsaKeyAlgorithm, WeakKeyAlgorithm } from './key-pair';
export { loadCertificatePem, loadPrivateKey } from './pem-files';
export { PkiError } from './pki-error';
export type { PkiErrorCode } from './pki-error';
export { initPki } from './pki-init';
export type { PkiInitReport } from './pki-init';
export { partyPkiPaths, servicesPkiPaths } from './pki-layout';
export type { CertificateKeyPaths, PartyPkiPaths, ServicesPkiPaths } from './pki-layout';
export type {
  ExternalKeyHolder,
  PkiInitOptions,
  PkiPartyPlan,
  PkiSignatoryPlan,
  PkiTlsPlan,
} from './pki-plan';
export { initServicesPki } from './services-pki';
export type { ServicesPkiOptions, ServicesPkiReport } from './services-pki';
export { revokeCertificate } from './pki-revoke';
export { rotateKey } from './pki-rotate';
export type { RotatableKey, RotateKeyOptions, RotateKeyResult } from './pki-rotate';
export { createCertificateRequest } from './pki-csr';
export type { CertificateRequestOptions, CertificateRequestResult } from './pki-csr';
export { createStorageKek, loadStorageKek, STORAGE_KEK_BYTES } from './storage-kek';
export type { RevokeCertificateOptions, RevokeCertificateResult } from './pki-revoke';
