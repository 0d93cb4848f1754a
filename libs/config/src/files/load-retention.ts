import { join } from 'node:path';
import { ConfigError, type ConfigIssue } from './config-error';
import { readConfigFile } from './read-config-file';
import { retentionFileSchema } from '../retention/retention.schema';
import type { RetentionPolicy } from '../retention/retention.types';
import type { TreatyRegistry } from '../treaty/treaty-registry';
import type { Vocabulary } from '../vocabulary/vocabulary.types';

export const RETENTION_FILE = 'retention.yaml';

/**
 * Reads and validates `config/retention.yaml` (MIG-11.5): the file against its schema, then
 * every reference — each agreement of the treaty has exactly one entry, each category is one of
 * `config/vocabularies.yaml`, each notice signatory is on its authority's list in
 * `config/signatories.yaml`. Throws one `ConfigError` listing every problem with file, field
 * and line.
 */
export function loadRetention(
  configDir: string,
  treaty: TreatyRegistry,
  vocabulary: Vocabulary,
  displayRoot = join(configDir, '..'),
): RetentionPolicy {
  const file = readConfigFile(join(configDir, RETENTION_FILE), retentionFileSchema, displayRoot);
  if (!file.ok) throw new ConfigError(file.issues);
  const issues: ConfigIssue[] = [];
  const issue = (path: PropertyKey[], field: string, message: string) =>
    issues.push({ file: file.file, field, line: file.locate(path), message });
  const agreements = new Set(treaty.allAgreements().map((a) => a.code));
  const categories = new Set(vocabulary.categories.map((c) => c.code));
  const seen = new Set<string>();
  file.value.agreements.forEach((entry, i) => {
    const at = `agreements[${i}]`;
    if (!agreements.has(entry.agreement)) {
      issue(
        ['agreements', i, 'agreement'],
        `${at}.agreement`,
        `unknown agreement ${entry.agreement}`,
      );
    }
    if (seen.has(entry.agreement)) {
      issue(
        ['agreements', i, 'agreement'],
        `${at}.agreement`,
        `duplicate agreement ${entry.agreement}`,
      );
    }
    seen.add(entry.agreement);
    for (const category of Object.keys(entry.categories)) {
      if (!categories.has(category)) {
        issue(
          ['agreements', i, 'categories', category],
          `${at}.categories.${category}`,
          `not a category of config/vocabularies.yaml (MIG-4, MIG-5)`,
        );
      }
    }
    for (const [authority, signatory] of Object.entries(entry.noticeSignatories)) {
      const listed = treaty.allSignatories().find((s) => s.id === signatory);
      if (!listed || listed.authority !== authority) {
        issue(
          ['agreements', i, 'noticeSignatories', authority],
          `${at}.noticeSignatories.${authority}`,
          `${signatory} is not a signatory of ${authority} in config/signatories.yaml (MIG-9.3)`,
        );
      }
    }
    // A destruction notice is signed for its authority (MIG-9.3): each one needs a signatory.
    const agreement = treaty.allAgreements().find((a) => a.code === entry.agreement);
    if (agreement && treaty.allowsMessageType(agreement.code, 'destruction-notice')) {
      for (const authority of agreement.authorities) {
        if (entry.noticeSignatories[authority] === undefined) {
          issue(
            ['agreements', i, 'noticeSignatories'],
            `${at}.noticeSignatories`,
            `no signatory for the destruction notices of ${authority} (MIG-11.5)`,
          );
        }
      }
    }
  });
  treaty.allAgreements().forEach((a) => {
    if (!seen.has(a.code)) {
      issue(['agreements'], 'agreements', `no retention for agreement ${a.code} (MIG-11.5)`);
    }
  });
  if (issues.length > 0) throw new ConfigError(issues);
  return {
    agreements: file.value.agreements.map((a) => ({
      agreement: a.agreement,
      defaultDays: a.default.days,
      categories: Object.fromEntries(Object.entries(a.categories).map(([c, p]) => [c, p.days])),
      noticeSignatories: a.noticeSignatories,
    })),
  };
}
