export { EnvelopeError, type EnvelopeErrorCode, type EnvelopeLayer } from './envelope.errors';
export {
  MESSAGE_FORMAT,
  messageHeaderSchema,
  type MessageHeader,
  type MxgMessage,
} from './message/message-header';
export { decodeMessage, encodeMessage, messageDigest } from './message/canonical-message';
export {
  ROUTING_HEADER_ATTRIBUTE,
  readRoutingHeader,
  routingHeaderAttribute,
} from './routing-header.attribute';
export {
  type RoutingHeaderMode,
  sealEnvelope,
  type SealedEnvelope,
  type SealEnvelopeInput,
} from './seal-envelope';
export {
  DEFAULT_INNER_SIGNING_WINDOW_MS,
  openEnvelope,
  type OpenedEnvelope,
  type OpenEnvelopeContext,
  type TransportHeader,
} from './open-envelope';
export { assertExchangeAllowed } from './treaty-checks';
export { signatureSchemeFor } from './signature-scheme';
export type {
  ArchivedCrl,
  CrlArchive,
  CrlOffer,
  DecryptionKey,
  KeyStore,
  PartyTrust,
  SignatoryDirectory,
  SignatoryEntry,
  SigningKey,
  TrustStore,
} from './trust/trust-store';
export { FileTrustStore, type FileTrustStoreOptions } from './trust/file-trust-store';
export { TrustList, type PartyCertificates, type TrustListOptions } from './trust/trust-list';
export { MemoryCrlArchive } from './trust/memory-crl-archive';
export { configuredSignatories } from './trust/configured-signatories';
export { crlDer, type TrustLog } from './trust/crl-file';
export { FileKeyStore, type FileKeyStoreOptions } from './keys/file-key-store';
export { generationOf, newestInForce, type KeyGeneration } from './keys/key-generation';
export {
  type SigningWindow,
  verifySignedLayer,
  type VerifySignedLayerOptions,
} from './verify/verify-signed-layer';
export {
  firstFailure,
  INCONCLUSIVE_CODES,
  type CheckName,
  type LayerCheck,
  type LayerReport,
} from './verify/layer-report';
export type { SignerSummary } from './verify/signer-summary';
export { describeCrl, revocationAt, type RevocationAt } from './verify/revocation-at';
export {
  openReceipt,
  type OpenReceiptContext,
  type Receipt,
  RECEIPT_FORMAT,
  MAX_RECEIPT_BYTES,
  receiptSchema,
  signReceipt,
} from './receipt/receipt';
export { agreementPolicy } from './algorithms/agreement-policy';
export { AtRestError, type AtRestErrorCode } from './at-rest/at-rest.errors';
export type { DataKeyWrapper, WrappedDataKey } from './at-rest/data-key-wrapper';
export { FileDataKeyWrapper, fileKekId } from './at-rest/file-data-key-wrapper';
export {
  CONTENT_CIPHER_OVERHEAD,
  CONTENT_CIPHER_VERSION,
  decryptColumn,
  encryptColumn,
  isEncryptedColumn,
  type ColumnPlace,
  type EncryptedColumn,
} from './at-rest/content-cipher';
export {
  openMessageContent,
  sealMessageContent,
  type MessageContentColumns,
  type SealedMessageContent,
} from './at-rest/message-content-sealing';
