import { Module } from '@nestjs/common';
import { MxgConfigService } from '@mxg/config';
import { FileDataKeyWrapper } from '@mxg/envelope';
import { KeysModule } from '../keys/keys.module';
import { TrustModule } from '../trust/trust.module';
import { DATA_KEY_WRAPPER } from './envelope.constants';
import { SignatoriesModule } from '../signatories/signatories.module';
import { EnvelopeService } from './envelope.service';

/**
 * Signing, encryption and verification with this gateway's keys and trust list (TrustModule),
 * and the wrapping of stored messages' data keys (MIG-11.4).
 */
@Module({
  // MIG-9.3/9.4: signers are judged by the signatory lists in force when they signed.
  imports: [KeysModule, SignatoriesModule, TrustModule],
  providers: [
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
