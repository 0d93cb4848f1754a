import { Logger, Module } from '@nestjs/common';
import { MxgConfigService } from '@mxg/config';
import { FileKeyStore, FileTrustStore } from '@mxg/envelope';
import { KEY_STORE, TRUST_STORE } from './envelope.constants';
import { EnvelopeService } from './envelope.service';

/** Signing, encryption and verification with this gateway's keys and trust list. */
@Module({
  providers: [
    {
      provide: TRUST_STORE,
      inject: [MxgConfigService],
      useFactory: (config: MxgConfigService) => {
        // A CRL taken into use, refused or gone is worth an operator's attention; the file is
        // followed while the gateway runs, so `mxg pki revoke` needs no restart.
        const logger = new Logger('TrustStore');
        return new FileTrustStore(config.paths.certs, config.treaty, {
          log: (level, message) => logger[level](message),
        });
      },
    },
    {
      provide: KEY_STORE,
      inject: [MxgConfigService],
      useFactory: (config: MxgConfigService) =>
        new FileKeyStore(config.paths.certs, config.gateway.party),
    },
    EnvelopeService,
  ],
  exports: [EnvelopeService],
})
export class EnvelopeModule {}
