import { readdirSync } from 'node:fs';
import { join } from 'node:path';

/** The gateways configured in `config/gateways/`, by file name (e.g. `['az', 'kz']`). */
export function listGateways(configDir: string): string[] {
  return readdirSync(join(configDir, 'gateways'))
    .filter((f) => f.endsWith('.yaml'))
    .map((f) => f.slice(0, -'.yaml'.length))
    .sort();
}
