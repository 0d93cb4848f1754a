import type { MxgConfigService } from '@mxg/config';
import type { ExternalKeyHolder } from '@mxg/pki';
import { Pkcs11Token, TokenKeyHolder } from '@mxg/pkcs11';
import { usageError } from './usage-error';

/**
 * `mxg pki init --pkcs11`: the token of the gateway this checkout runs (MXG_GATEWAY), as its
 * gateway file names it (`keys: { store: pkcs11, module, token }`), logged in with
 * MXG_PKCS11_PIN. Its party's keys are generated there; the development CA certifies them.
 */
export function openGatewayToken(config: MxgConfigService): {
  holder: ExternalKeyHolder;
  close(): void;
} {
  const { keys, party, id } = config.gateway;
  if (keys.store !== 'pkcs11') {
    usageError(
      `--pkcs11: gateway ${id} keeps its keys in files; set keys: { store: pkcs11, module, token } in config/gateways/${id}.yaml`,
    );
  }
  const token = Pkcs11Token.open({
    module: keys.module,
    token: keys.token,
    pin: config.env.MXG_PKCS11_PIN,
  });
  return { holder: new TokenKeyHolder(token, party), close: () => token.close() };
}
