import { Module } from '@nestjs/common';
import { MxgConfigService } from '@mxg/config';
import { configuredSignatories } from '@mxg/envelope';
import { AuthModule } from '../auth/auth.module';
import { configuredCertificates } from './configured-certificates';
import { SIGNATORY_DIRECTORY } from './signatories.constants';
import { SignatoriesController } from './signatories.controller';
import { SignatoryListStore } from './signatory-list.store';
import { SignatoryLists } from './signatory-lists';
import { StoredSignatoryDirectory } from './stored-signatory-directory';

/**
 * MIG-9.3, MIG-9.4: signatory lists as signed messages. The directory envelope verification
 * judges signers by (every list version, loaded before the gateway starts), the checks and
 * history of `signatory-list-update` messages (`SignatoryLists`, used by the exchange), and
 * `GET /signatories`.
 */
@Module({
  imports: [AuthModule],
  controllers: [SignatoriesController],
  providers: [
    SignatoryListStore,
    {
      provide: SIGNATORY_DIRECTORY,
      inject: [MxgConfigService, SignatoryListStore],
      useFactory: async (config: MxgConfigService, store: SignatoryListStore) => {
        const { treaty } = config;
        const configured = configuredSignatories(treaty, {
          signatoryCertificates: configuredCertificates(treaty, config.paths.certs),
        });
        return new StoredSignatoryDirectory(
          configured,
          (authority) => treaty.authorityTimeZone(authority),
          await store.all(),
        );
      },
    },
    SignatoryLists,
  ],
  exports: [SIGNATORY_DIRECTORY, SignatoryLists],
})
export class SignatoriesModule {}
