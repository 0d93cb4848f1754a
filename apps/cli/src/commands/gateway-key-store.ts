import type { MxgConfigService } from '@mxg/config';
import { FileKeyStore, type KeyStore } from '@mxg/envelope';

/**
 * The key store of the gateway this checkout configures, as the gateway itself opens it: for
 * commands that sign as that gateway (the audit export's statement). Development commands that
 * act for any party (`mxg envelope seal --as`) read that party's key files instead.
 */
export function gatewayKeyStore(config: MxgConfigService): KeyStore {
  return new FileKeyStore(config.paths.certs, config.gateway.party);
}
