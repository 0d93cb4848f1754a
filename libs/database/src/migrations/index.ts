import { ConfigSnapshots1763769600000 } from './1763769600000-config-snapshots';
import { AuditLog1763856000000 } from './1763856000000-audit-log';
import { AuditWitnessRefusals1763942400000 } from './1763942400000-audit-witness-refusals';
import { Exchange1764028800000 } from './1764028800000-exchange';
import { StorageRoundTrips1764115200000 } from './1764115200000-storage-round-trips';
import { AuditSigningCertificates1764205200000 } from './1764205200000-audit-signing-certificates';
import { OutboxPayloadEvidence1764291600000 } from './1764291600000-outbox-payload-evidence';
import { Requests1764378000000 } from './1764378000000-requests';
import { ContentEncryption1764464400000 } from './1764464400000-content-encryption';
import { Retention1764550800000 } from './1764550800000-retention';
import { Consents1764637200000 } from './1764637200000-consents';
import { PurposeBinding1764723600000 } from './1764723600000-purpose-binding';
import { ConfidentialRequests1764810000000 } from './1764810000000-confidential-requests';
import { ConfigSnapshotParticipation1764892800000 } from './1764892800000-config-snapshot-participation';
import { ExchangeRates1764896400000 } from './1764896400000-exchange-rates';
import { Claims1764900000000 } from './1764900000000-claims';
import { CrlArchive1764986400000 } from './1764986400000-crl-archive';
import { SignatoryLists1764990000000 } from './1764990000000-signatory-lists';
import { AuditTiles1765000000000 } from './1765000000000-audit-tiles';
import { DeadLetters1765100000000 } from './1765100000000-dead-letters';
import { MessageSearchIndex1765200000000 } from './1765200000000-message-search-index';
import { DeadLetterMessageIndex1765300000000 } from './1765300000000-dead-letter-message-index';

/** Every migration, in order. Listed by hand: globs break once the code is compiled. */
export const MIGRATIONS = [
  ConfigSnapshots1763769600000,
  AuditLog1763856000000,
  AuditWitnessRefusals1763942400000,
  Exchange1764028800000,
  StorageRoundTrips1764115200000,
  AuditSigningCertificates1764205200000,
  OutboxPayloadEvidence1764291600000,
  Requests1764378000000,
  ContentEncryption1764464400000,
  Retention1764550800000,
  Consents1764637200000,
  PurposeBinding1764723600000,
  ConfidentialRequests1764810000000,
  ConfigSnapshotParticipation1764892800000,
  ExchangeRates1764896400000,
  Claims1764900000000,
  CrlArchive1764986400000,
  SignatoryLists1764990000000,
  AuditTiles1765000000000,
  DeadLetters1765100000000,
  MessageSearchIndex1765200000000,
  DeadLetterMessageIndex1765300000000,
];
