import { Module } from '@nestjs/common';
import { AuditModule } from '../audit/audit.module';
import { AuthModule } from '../auth/auth.module';
import { RateStore } from './rate.store';
import { RateTables } from './rate-tables';
import { RatesController } from './rates.controller';
import { ImportRates } from './use-cases/import-rates/import-rates.use-case';

/**
 * Official exchange rate tables (RET-3.7): imported per national bank (`POST /rates`), listed
 * (`GET /rates`), and handed to the claim check as `RateTables` (exported for the claims module).
 */
@Module({
  imports: [AuthModule, AuditModule],
  controllers: [RatesController],
  providers: [RateStore, RateTables, ImportRates],
  exports: [RateTables],
})
export class RatesModule {}
