export { ConfigError, type ConfigIssue, formatIssue } from './files/config-error';
export { loadTreatyConfig, TREATY_FILES } from './files/load-treaty-config';
export { type GatewayIdentity, loadGatewayConfig } from './files/load-gateway-config';
export { loadVocabulary, VOCABULARY_FILE } from './files/load-vocabulary';
export type { Vocabulary, VocabularyEntry } from './vocabulary/vocabulary.types';
export { loadRetention, RETENTION_FILE } from './files/load-retention';
export { retainUntil, retentionRule } from './retention/retention-due';
export type {
  AgreementRetention,
  RetentionPolicy,
  RetentionRule,
} from './retention/retention.types';
export { loadSettlements, SETTLEMENTS_FILE } from './files/load-settlements';
export type { PartyCaps, RoundingPolicy, SettlementsConfig } from './settlements/settlements.types';
export type { Env } from './env/env.schema';
export { loadEnv } from './env/load-env';
export { MESSAGE_TYPES, type MessageType } from './treaty/message-types';
export { addDays, addMonths, daysBetween, withinDays } from './treaty/calendar';
export { lastDayInForce, TERMINATION_NOTICE_MONTHS } from './treaty/agreement-term';
export { TreatyRegistry } from './treaty/treaty-registry';
export { entryIntoForce, participationIn } from './treaty/participation';
export {
  RET_CLAIM_DAYS,
  RET_ENTRY_INTO_FORCE_DAYS,
  RET_NOTIFICATIONS_FOR_ENTRY_INTO_FORCE,
  RET_PAYMENT_DAYS,
} from './treaty/ret-terms';
export {
  applyAuthorityChange,
  AUTHORITY_CHANGE_CODES,
  type AuthorityChangeCode,
  AuthorityChangeError,
  type AuthorityChangeNotice,
} from './treaty/authority-change';
export type {
  Agreement,
  Authority,
  BilateralAgreement,
  DatedNames,
  MultilateralAgreement,
  Names,
  NationalBank,
  Participant,
  Participation,
  Party,
  Signatory,
  TreatyData,
} from './treaty/treaty.types';
export {
  type AmqpTarget,
  databaseRoles,
  MxgConfigService,
  type MxgPaths,
} from './mxg-config.service';
export {
  amqpSecretName,
  clientsFileName,
  clientTokenName,
  ensureSecret,
  readSecret,
  postgresSecretName,
  readOptionalSecret,
  secretPath,
} from './secrets';
export { MxgConfigModule } from './mxg-config.module';
export { findRepoRoot } from './repo-root';
export { listGateways } from './files/list-gateways';
export {
  BROKER_DEAD_LETTER_EXCHANGE,
  BROKER_DEFAULT_EXCHANGE,
  BROKER_EXCHANGE,
  brokerLinkName,
  DEAD_LETTER_BOUND,
  deadLetterIntakeQueue,
  deadLetterQueue,
  escapeForPermission,
  inboxQueue,
  outgoingQueue,
  partyVhost,
  permissionForAny,
  routingKey,
} from './broker-names';
export {
  CONTENT_ENCRYPTION_ALGORITHMS,
  DIGEST_ALGORITHMS,
  EC_CURVES,
  KEY_TRANSPORT_ALGORITHMS,
  SIGNATURE_ALGORITHMS,
  type AlgorithmPolicy,
  type ApiClient,
  apiClientSchema,
  defaultAlgorithmPolicy,
  ENVELOPE_OVERHEAD_BYTES,
  type ExchangeSettings,
  isIanaTimeZone,
  type KeyStoreSettings,
  lastResendSeconds,
} from './treaty/treaty-config.schema';
export {
  CHECKOUT_SLOT_FILE,
  checkoutIdAt,
  claimCheckoutSlot,
  gatewayFileOfSlot,
  liveCheckouts,
  readCheckoutSlot,
  scratchRoles,
  type SlotClaim,
  slotName,
  slotNodeName,
  slotPort,
} from './checkout-slot';
