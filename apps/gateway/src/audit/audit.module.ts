import { Module } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { MxgConfigService } from '@mxg/config';
import { Clock } from '@mxg/core';
import { AuditAppender, AuditWitness } from '@mxg/audit';
import type { KeyStore } from '@mxg/envelope';
import { AuthModule } from '../auth/auth.module';
import { KEY_STORE } from '../keys/keys.constants';
import { KeysModule } from '../keys/keys.module';
import { TlsModule } from '../tls/tls.module';
import { AUDIT_KEYS } from './audit.constants';
import { AuditController } from './audit.controller';
import { AuditTilesController } from './audit-tiles.controller';
import { AuditVerifyController } from './audit-verify.controller';
import { type AuditKeys, loadAuditKeys } from './audit-keys';
import { AuditLogService } from './audit-log.service';
import { ExportAuditLog } from './use-cases/export-audit-log/export-audit-log.use-case';
import { QueryAuditLog } from './use-cases/query-audit-log/query-audit-log.use-case';
import { ReadLogTile } from './use-cases/read-log-tile/read-log-tile.use-case';
import { VerifyStoredLog } from './use-cases/verify-stored-log/verify-stored-log.use-case';
import { WitnessCheckpoint } from './use-cases/witness-checkpoint/witness-checkpoint.use-case';
import { WitnessController } from './witness.controller';
import { WitnessCallerGuard } from './witness-caller.guard';

/**
 * The tamper-evident audit log (issue 4; MIG-11.3, MIG-11.4, MIG-11.5): other modules append
 * through `AuditAppender`; the sequencer, checkpointer and witness client run in the
 * background; auditors query it; peers' logs are witnessed here.
 */
@Module({
  imports: [AuthModule, KeysModule, TlsModule],
  controllers: [AuditController, AuditTilesController, AuditVerifyController, WitnessController],
  providers: [
    {
      provide: AUDIT_KEYS,
      inject: [MxgConfigService, KEY_STORE],
      useFactory: (config: MxgConfigService, keys: KeyStore) => loadAuditKeys(config, keys),
    },
    {
      provide: AuditAppender,
      inject: [DataSource, Clock],
      useFactory: (dataSource: DataSource, clock: Clock) => new AuditAppender(dataSource, clock),
    },
    {
      provide: AuditWitness,
      inject: [DataSource, Clock, AUDIT_KEYS, MxgConfigService],
      useFactory: (
        dataSource: DataSource,
        clock: Clock,
        keys: AuditKeys,
        config: MxgConfigService,
      ) =>
        new AuditWitness({
          db: dataSource,
          transaction: (work) => dataSource.transaction((manager) => work(manager)),
          name: keys.witnessName,
          signer: keys.signer,
          certificatePem: keys.certificatePem,
          trust: keys.trust,
          clock,
          // A checkpoint dated further ahead could freeze the witness (MIG-9.1's allowance).
          maxClockSkewMs: config.gateway.exchange.maxClockSkewSeconds * 1000,
        }),
    },
    AuditLogService,
    ExportAuditLog,
    QueryAuditLog,
    ReadLogTile,
    VerifyStoredLog,
    WitnessCheckpoint,
    WitnessCallerGuard,
  ],
  exports: [AuditAppender, AuditLogService],
})
export class AuditModule {}
