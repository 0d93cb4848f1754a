import { Logger, Module } from '@nestjs/common';
import { MxgConfigService } from '@mxg/config';
import { FileDataKeyWrapper, FileTrustStore } from '@mxg/envelope';
import { KeysModule } from '../keys/keys.module';
import { DATA_KEY_WRAPPER, TRUST_STORE } from './envelope.constants';
import { EnvelopeService } from './envelope.service';

/**
 * Signing, encryption and verification with this gateway's keys and trust list, and the wrapping
 * of stored messages' data keys (MIG-11.4).
 */
@Module({
  imports: [KeysModule],
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
      // Loaded before the gateway starts: without its KEK it could neither store nor read
      // message content, so it refuses to start (KEK_NOT_AVAILABLE, naming the file).
      provide: DATA_KEY_WRAPPER,
      inject: [MxgConfigService],
      useFactory: (config: MxgConfigService) =>
        FileDataKeyWrapper.load(config.paths.certs, config.gateway.party),
    },
    EnvelopeService,
  ],
  exports: [EnvelopeService, DATA_KEY_WRAPPER],
})
export class EnvelopeModule {}
