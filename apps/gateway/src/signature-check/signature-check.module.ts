import { Module } from '@nestjs/common';
import { AuditModule } from '../audit/audit.module';
import { AuthModule } from '../auth/auth.module';
import { EnvelopeModule } from '../envelope/envelope.module';
import { SignatoriesModule } from '../signatories/signatories.module';
import { SignatureCheckController } from './signature-check.controller';
import { CheckSignature } from './use-cases/check-signature/check-signature.use-case';

/**
 * Issue #17: `POST /v1/signatures/verify`, `mxg verify` over the API — the same checks and
 * report (@mxg/evidence) against this gateway's trust list, archived CRLs and signatory lists.
 */
@Module({
  imports: [AuthModule, AuditModule, EnvelopeModule, SignatoriesModule],
  controllers: [SignatureCheckController],
  providers: [CheckSignature],
})
export class SignatureCheckModule {}
