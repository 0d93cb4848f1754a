import { join } from 'node:path';
import { ConfigError, type ConfigIssue } from './config-error';
import { readConfigFile } from './read-config-file';
import { settlementsFileSchema } from '../settlements/settlements.schema';
import type { SettlementsConfig } from '../settlements/settlements.types';
import type { TreatyRegistry } from '../treaty/treaty-registry';

export const SETTLEMENTS_FILE = 'settlements.yaml';

/**
 * Reads and validates `config/settlements.yaml` (RET-3.3, RET-3.4, RET-3.6): the file against its
 * schema, then against the treaty — each party's caps are in that party's currency
 * (`config/parties.yaml`), and every party of a multilateral agreement (RET) has caps. Throws one
 * `ConfigError` listing every problem with file, field and line.
 */
export function loadSettlements(
  configDir: string,
  treaty: TreatyRegistry,
  displayRoot = join(configDir, '..'),
): SettlementsConfig {
  const file = readConfigFile(
    join(configDir, SETTLEMENTS_FILE),
    settlementsFileSchema,
    displayRoot,
  );
  if (!file.ok) throw new ConfigError(file.issues);
  const issues: ConfigIssue[] = [];
  const issue = (path: PropertyKey[], field: string, message: string) =>
    issues.push({ file: file.file, field, line: file.locate(path), message });
  const parties = new Map(treaty.allParties().map((p) => [p.code, p]));
  for (const [code, caps] of Object.entries(file.value.caps)) {
    const party = parties.get(code);
    if (party === undefined) {
      issue(['caps', code], `caps.${code}`, `unknown party ${code}`);
    } else if (caps.currency !== party.currency) {
      issue(
        ['caps', code, 'currency'],
        `caps.${code}.currency`,
        `${caps.currency} is not ${code}'s currency ${party.currency} (config/parties.yaml): caps are in national currency (RET-3.3, RET-3.4)`,
      );
    }
  }
  const members = new Set(
    treaty
      .allAgreements()
      .flatMap((a) => (a.kind === 'multilateral' ? a.participants.map((p) => p.party) : [])),
  );
  for (const code of members) {
    if (file.value.caps[code] === undefined) {
      issue(['caps'], 'caps', `no caps for party ${code} (RET-3.3, RET-3.4)`);
    }
  }
  if (issues.length > 0) throw new ConfigError(issues);
  return { rounding: file.value.rounding, caps: file.value.caps };
}
