import { Logger, Module } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { MxgConfigService } from '@mxg/config';
import { Clock } from '@mxg/core';
import { FileTrustStore } from '@mxg/envelope';
import { TRUST_STORE } from '../envelope/envelope.constants';
import { CertificateGenerationsWatcher } from './certificate-generations.watcher';
import { AuthModule } from '../auth/auth.module';
import { CrlArchiveController } from './crl-archive.controller';
import { CrlController } from './crl.controller';
import { CrlFetcher } from './crl-fetcher';
import { PersistentCrlArchive } from './persistent-crl-archive';
import { TrustListHealth } from './trust-list.health';
import { CRL_ARCHIVE } from './trust.constants';

/**
 * The trust list and its lifecycle (issue #14): the certificates of every party from the
 * certificates directory, every CRL version ever seen archived in PostgreSQL and loaded back at
 * start, peers' CRLs fetched from their distribution points, this party's CRL served at its
 * own (`GET /pki/<party>.crl`), the archive listed for security officers and auditors
 * (`GET /crl-archive`), new seal and encryption generations picked up while running,
 * and the trust list's freshness for `/health`.
 */
@Module({
  imports: [AuthModule],
  controllers: [CrlController, CrlArchiveController],
  providers: [
    {
      provide: CRL_ARCHIVE,
      inject: [DataSource],
      useFactory: (dataSource: DataSource) => {
        const logger = new Logger('CrlArchive');
        return PersistentCrlArchive.load(dataSource, (message) => logger.warn(message));
      },
    },
    {
      provide: TRUST_STORE,
      inject: [MxgConfigService, Clock, CRL_ARCHIVE],
      useFactory: (config: MxgConfigService, clock: Clock, archive: PersistentCrlArchive) => {
        // A CRL taken into use, refused or gone is worth an operator's attention; the file is
        // followed while the gateway runs, so `mxg pki revoke` needs no restart.
        const logger = new Logger('TrustStore');
        const trust = new FileTrustStore(config.paths.certs, config.treaty, {
          log: (level, message) => logger[level](message),
          archive,
          now: () => clock.now(),
        });
        // Every CRL archived in earlier runs, validated again against today's anchors: a row
        // that no longer verifies (a replaced CA, a tampered row) is reported, not trusted.
        for (const stored of archive.loaded) {
          const offer = trust.offerCrl(stored.party, stored.der, stored.source, stored.fetchedAt);
          if (!offer.taken && !offer.known) {
            logger.warn(`an archived CRL of ${stored.party} is not used: it ${offer.reason}`);
          }
        }
        return trust;
      },
    },
    CrlFetcher,
    CertificateGenerationsWatcher,
    TrustListHealth,
  ],
  exports: [TRUST_STORE, TrustListHealth],
})
export class TrustModule {}
