import { Inject, Module, type OnApplicationShutdown } from '@nestjs/common';
import { MxgConfigService } from '@mxg/config';
import { Clock } from '@mxg/core';
import { openKeyStore, type ClosableKeyStore } from '@mxg/pkcs11';
import { KEY_STORE } from './keys.constants';

/**
 * Key custody: the one `KeyStore` of this gateway — seal, encryption, audit-checkpoint and
 * signatory keys — which signs and unwraps and never hands a private key out. Envelope
 * signing and opening and the audit log's checkpoints all go through it. The gateway file's
 * `keys` says where they are: PEM files, or a PKCS#11 token (opened, logged in with
 * MXG_PKCS11_PIN and checked against the certificates before the gateway starts).
 */
@Module({
  providers: [
    {
      provide: KEY_STORE,
      inject: [MxgConfigService, Clock],
      useFactory: (config: MxgConfigService, clock: Clock): Promise<ClosableKeyStore> =>
        openKeyStore({
          certsDir: config.paths.certs,
          party: config.gateway.party,
          settings: config.gateway.keys,
          pin: config.env.MXG_PKCS11_PIN,
          clock,
        }),
    },
  ],
  exports: [KEY_STORE],
})
export class KeysModule implements OnApplicationShutdown {
  constructor(@Inject(KEY_STORE) private readonly keys: ClosableKeyStore) {}

  /** Logs out of the token (closing its sessions); nothing to do for files. */
  onApplicationShutdown(): void {
    this.keys.close();
  }
}
