import { Module } from '@nestjs/common';
import { MxgConfigService } from '@mxg/config';
import { Clock } from '@mxg/core';
import { FileKeyStore } from '@mxg/envelope';
import { KEY_STORE } from './keys.constants';

/**
 * Key custody: the one `KeyStore` of this gateway — seal, encryption, audit-checkpoint and
 * signatory keys — which signs and unwraps and never hands a private key out. Envelope
 * signing and opening and the audit log's checkpoints all go through it.
 */
@Module({
  providers: [
    {
      provide: KEY_STORE,
      inject: [MxgConfigService, Clock],
      useFactory: (config: MxgConfigService, clock: Clock) =>
        new FileKeyStore(config.paths.certs, config.gateway.party, { clock }),
    },
  ],
  exports: [KEY_STORE],
})
export class KeysModule {}
