import { join } from 'node:path';
import { ConfigError, type ConfigIssue } from './config-error';
import { readConfigFile } from './read-config-file';
import { vocabularyFileSchema } from '../vocabulary/vocabulary.schema';
import type { Vocabulary } from '../vocabulary/vocabulary.types';

export const VOCABULARY_FILE = 'vocabularies.yaml';

/**
 * Reads and validates `config/vocabularies.yaml`: the file against its schema, then each list
 * for duplicate codes. Throws one `ConfigError` listing every problem with file, field and line.
 */
export function loadVocabulary(configDir: string, displayRoot = join(configDir, '..')): Vocabulary {
  const file = readConfigFile(join(configDir, VOCABULARY_FILE), vocabularyFileSchema, displayRoot);
  if (!file.ok) throw new ConfigError(file.issues);
  const issues: ConfigIssue[] = [];
  for (const list of ['topics', 'categories', 'refusalGrounds', 'purposes'] as const) {
    const seen = new Set<string>();
    file.value[list].forEach((entry, i) => {
      if (seen.has(entry.code)) {
        issues.push({
          file: file.file,
          field: `${list}[${i}].code`,
          line: file.locate([list, i, 'code']),
          message: `duplicate code ${entry.code}`,
        });
      }
      seen.add(entry.code);
    });
  }
  if (issues.length > 0) throw new ConfigError(issues);
  return file.value;
}
