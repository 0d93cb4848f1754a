import { Module } from '@nestjs/common';
import { AuditModule } from '../audit/audit.module';
import { AuthModule } from '../auth/auth.module';
import { EnvelopeModule } from '../envelope/envelope.module';
import { RatesModule } from '../rates/rates.module';
import { SignatoriesModule } from '../signatories/signatories.module';
import { RateTables } from '../rates/rate-tables';
import { CLAIM_RATE_TABLES } from '../claims/claim-rate-tables';
import { ClaimStore } from '../claims/claim.store';
import { ClaimTracker } from '../claims/claim-tracker';
import { AuthorityChanges } from './authority-changes';
import { BatchSubmissionController } from './batch-submission.controller';
import { DestructionNotices } from './destruction-notices';
import { ConsentTracker } from './consent-tracker';
import { ExchangeController } from './exchange.controller';
import { HandlingRestrictions } from './handling-restrictions';
import { InboxController } from './inbox.controller';
import { MessageSearchController } from './message-search.controller';
import { LegacyContentEncryption } from './legacy-content-encryption';
import { OutboxSignal } from './outbox-signal';
import { PersonalDataReads } from './personal-data-reads';
import { ProtectionStore } from './store/protection.store';
import { RequestTracker } from './request-tracker';
import { RetentionStamp } from './retention-stamp';
import { ConsentStore } from './store/consent.store';
import { ExchangeStore } from './store/exchange.store';
import { MessageSearchStore } from './store/message-search.store';
import { RequestStore } from './store/request.store';
import { RetentionStore } from './store/retention.store';
import { AcknowledgeMessage } from './use-cases/acknowledge-message/acknowledge-message.use-case';
import { ReceiveEnvelope } from './use-cases/receive-envelope/receive-envelope.use-case';
import { ReceiveReceipt } from './use-cases/receive-receipt/receive-receipt.use-case';
import { RefuseOversizeDelivery } from './use-cases/refuse-oversize-delivery/refuse-oversize-delivery.use-case';
import { ResendOverdue } from './use-cases/resend-overdue/resend-overdue.use-case';
import { SubmitBatch } from './use-cases/submit-batch/submit-batch.use-case';
import { SubmitMessage } from './use-cases/submit-message/submit-message.use-case';

/** The national-system API and the use cases of a message's life (issue 5). */
@Module({
  imports: [AuthModule, AuditModule, EnvelopeModule, RatesModule, SignatoriesModule],
  controllers: [
    ExchangeController,
    BatchSubmissionController,
    InboxController,
    MessageSearchController,
  ],
  providers: [
    ExchangeStore,
    MessageSearchStore,
    RequestStore,
    RequestTracker,
    ConsentStore,
    ConsentTracker,
    // RET-3, RET-4: the claims register, moved as claim messages are stored (see claims/).
    ClaimStore,
    ClaimTracker,
    // RET-3.7: the claim check reads the official rate tables imported here (POST /rates).
    { provide: CLAIM_RATE_TABLES, useExisting: RateTables },
    AuthorityChanges,
    LegacyContentEncryption,
    HandlingRestrictions,
    ProtectionStore,
    PersonalDataReads,
    OutboxSignal,
    SubmitMessage,
    SubmitBatch,
    ReceiveEnvelope,
    ReceiveReceipt,
    RefuseOversizeDelivery,
    AcknowledgeMessage,
    ResendOverdue,
    RetentionStore,
    RetentionStamp,
    DestructionNotices,
  ],
  exports: [
    ExchangeStore,
    ProtectionStore,
    RequestStore,
    ConsentStore,
    ClaimStore,
    OutboxSignal,
    ReceiveEnvelope,
    ReceiveReceipt,
    ResendOverdue,
    RetentionStore,
    RetentionStamp,
  ],
})
export class ExchangeModule {}
