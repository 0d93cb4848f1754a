/**
 * @mxg/cms — CMS (RFC 5652) building blocks: SignedData and EnvelopedData that interoperate
 * with `openssl cms`, plus the certificate-path check used on their signers. No treaty logic,
 * no configuration; algorithm policy belongs to the caller, which gets exact reports.
 */
export {
  OID,
  SIGNATURE_SCHEMES,
  type ContentEncryptionInfo,
  type ContentEncryptionName,
  type ContentEncryptionScheme,
  type DigestAlgorithmInfo,
  type DigestName,
  type KeyTransportFamily,
  type KeyTransportInfo,
  type KeyTransportScheme,
  type LegacyDigestName,
  type SignatureAlgorithmInfo,
  type SignatureFamily,
  type SignatureScheme,
} from './cms-algorithms';
export { CmsError, type CmsErrorCode } from './cms.errors';
export type { CertificateIdentifier, CertificateInput } from './certificate';
export type { PrivateKeyInput, PublicKeyInfo } from './keys';
export {
  decrypterFromKeyObject,
  signerFromKeyObject,
  type CmsKeyDecrypter,
  type CmsSigner,
  type OaepHash,
} from './key-operations';
export { signCms, type SignCmsOptions, type SignedAttribute } from './sign-cms';
export { parseSignedData, type SignedDataInfo, type SignerReport } from './parse-signed-data';
export {
  verifyCmsSignature,
  type VerifiedSignedData,
  type VerifiedSigner,
  type VerifyCmsSignatureOptions,
} from './verify-cms-signature';
export { encryptCms, type CmsRecipient, type EncryptCmsOptions } from './encrypt-cms';
export {
  ContentKeyReuse,
  type ContentKeyReuseOptions,
  type WrappedContentKey,
} from './content-key-reuse';
export {
  parseEnvelopedData,
  type EnvelopedDataInfo,
  type RecipientReport,
} from './parse-enveloped-data';
export { decryptCms } from './decrypt-cms';
export {
  verifyCertificateChain,
  type CertificateChainErrorCode,
  type CertificateChainInput,
  type CertificateChainResult,
  type CertificateSummary,
  type CrlInput,
} from './certificate-chain';
export { readCrl, type CrlInfo } from './crl-info';
export {
  EXTENDED_KEY_USAGE,
  readExtendedKeyUsage,
  readKeyUsage,
  type KeyUsageName,
} from './certificate-usage';
