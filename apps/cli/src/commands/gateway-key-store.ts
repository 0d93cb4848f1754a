import type { MxgConfigService } from '@mxg/config';
import type { KeyStore } from '@mxg/envelope';
import { openKeyStore } from '@mxg/pkcs11';

/**
 * The key store of the gateway this checkout configures, as the gateway itself opens it (files,
 * or its PKCS#11 token with MXG_PKCS11_PIN): for commands that sign as that gateway (the audit
 * export's statement). Development commands that act for any party (`mxg envelope seal --as`)
 * read that party's key files instead.
 */
export function gatewayKeyStore(config: MxgConfigService): Promise<KeyStore> {
  return openKeyStore({
    certsDir: config.paths.certs,
    party: config.gateway.party,
    settings: config.gateway.keys,
    pin: config.env.MXG_PKCS11_PIN,
  });
}
