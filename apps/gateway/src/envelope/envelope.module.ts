import { Module } from '@nestjs/common';
import { MxgConfigService } from '@mxg/config';
import { FileDataKeyWrapper, FileKeyStore } from '@mxg/envelope';
import { TrustModule } from '../trust/trust.module';
import { DATA_KEY_WRAPPER, KEY_STORE } from './envelope.constants';
import { EnvelopeService } from './envelope.service';

/**
 * Signing, encryption and verification with this gateway's keys and trust list (TrustModule),
 * and the wrapping of stored messages' data keys (MIG-11.4).
 */
@Module({
  imports: [TrustModule],
  providers: [
    {
      provide: KEY_STORE,
      inject: [MxgConfigService],
      useFactory: (config: MxgConfigService) =>
        new FileKeyStore(config.paths.certs, config.gateway.party),
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
  exports: [EnvelopeService, DATA_KEY_WRAPPER, TrustModule],
})
export class EnvelopeModule {}
