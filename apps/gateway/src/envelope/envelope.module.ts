import { Module } from '@nestjs/common';
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
      useFactory: (config: MxgConfigService) =>
        new FileTrustStore(config.paths.certs, config.treaty),
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
