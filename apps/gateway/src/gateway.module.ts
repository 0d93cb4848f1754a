import { type DynamicModule, Module } from '@nestjs/common';
import { MxgConfigModule, type MxgConfigService } from '@mxg/config';
import { Clock, SystemClock } from '@mxg/core';
import { AuditModule } from './audit/audit.module';
import { BrokerModule } from './broker/broker.module';
import { ClaimsModule } from './claims/claims.module';
import { ConsentsModule } from './consents/consents.module';
import { DatabaseModule } from './database/database.module';
import { DeadLettersModule } from './dead-letters/dead-letters.module';
import { EnvelopeModule } from './envelope/envelope.module';
import { ExchangeModule } from './exchange/exchange.module';
import { RatesModule } from './rates/rates.module';
import { RequestsModule } from './requests/requests.module';
import { RetentionModule } from './retention/retention.module';
import { RoutingModule } from './routing/routing.module';
import { HealthModule } from './health/health.module';
import { MetricsEndpointModule } from './metrics/metrics-endpoint.module';
import { MetricsModule } from './metrics/metrics.module';
import { ProblemsModule } from './problems/problems.module';
import { SchemasModule } from './schemas/schemas.module';
import { SignatoriesModule } from './signatories/signatories.module';
import { SignatureCheckModule } from './signature-check/signature-check.module';
import { TreatyModule } from './treaty/treaty.module';
import { TrustModule } from './trust/trust.module';

/** One party's gateway: one Nest module per capability. */
@Module({})
export class GatewayModule {
  static forRoot(config: MxgConfigService, clock: Clock = new SystemClock()): DynamicModule {
    return {
      module: GatewayModule,
      imports: [
        MxgConfigModule.forRoot(config),
        ClockModule.forRoot(clock),
        MetricsModule,
        DatabaseModule,
        BrokerModule,
        HealthModule,
        TreatyModule,
        AuditModule,
        TrustModule,
        EnvelopeModule,
        ExchangeModule,
        RequestsModule,
        ConsentsModule,
        ClaimsModule,
        RoutingModule,
        SchemasModule,
        ProblemsModule,
        RetentionModule,
        RatesModule,
        SignatoriesModule,
        MetricsEndpointModule,
        DeadLettersModule,
        SignatureCheckModule,
      ],
    };
  }
}

/** Makes the clock injectable everywhere; tests pass a `FixedClock`. */
@Module({})
class ClockModule {
  static forRoot(clock: Clock): DynamicModule {
    return {
      module: ClockModule,
      global: true,
      providers: [{ provide: Clock, useValue: clock }],
      exports: [Clock],
    };
  }
}
