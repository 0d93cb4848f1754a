import { join } from 'node:path';
import { ConfigError } from './config-error';
import { readConfigFile } from './read-config-file';
import { type GatewayFile, gatewayFileSchema } from '../treaty/treaty-config.schema';
import type { TreatyRegistry } from '../treaty/treaty-registry';

export type GatewayIdentity = GatewayFile & {
  /** The file's name without extension, e.g. `kz`. */
  readonly id: string;
};

/** Reads `config/gateways/<id>.yaml`: which party this gateway speaks for and where it listens. */
export function loadGatewayConfig(
  configDir: string,
  id: string,
  treaty: TreatyRegistry,
  displayRoot = join(configDir, '..'),
): GatewayIdentity {
  const result = readConfigFile(
    join(configDir, 'gateways', `${id}.yaml`),
    gatewayFileSchema,
    displayRoot,
  );
  if (!result.ok) throw new ConfigError(result.issues);
  const gateway = result.value;
  if (!treaty.allParties().some((p) => p.code === gateway.party)) {
    throw new ConfigError([
      {
        file: result.file,
        field: 'party',
        line: result.locate(['party']),
        message: `unknown party ${gateway.party} (not in parties.yaml)`,
      },
    ]);
  }
  return { ...gateway, id };
}
