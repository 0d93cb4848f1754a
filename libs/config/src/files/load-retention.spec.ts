import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { findRepoRoot } from '../repo-root';
import { ConfigError } from './config-error';
import { loadRetention, RETENTION_FILE } from './load-retention';
import { loadTreatyConfig } from './load-treaty-config';
import { loadVocabulary } from './load-vocabulary';

function issuesOf(run: () => unknown): ConfigError['issues'] {
  try {
    run();
  } catch (error) {
    if (error instanceof ConfigError) return error.issues;
    throw error;
  }
  throw new Error('expected a ConfigError');
}

/** MIG-11.5: config/retention.yaml, checked against the treaty and the vocabulary. */
describe(loadRetention.name, () => {
  let root: string;
  let dir: string;
  const load = () =>
    loadRetention(dir, loadTreatyConfig(dir, root), loadVocabulary(dir, root), root);
  const edit = (from: string, to: string) => {
    const path = join(dir, RETENTION_FILE);
    const text = readFileSync(path, 'utf8');
    if (!text.includes(from)) throw new Error(`test setup: ${from} not in ${RETENTION_FILE}`);
    writeFileSync(path, text.replace(from, to));
  };
  beforeEach(() => {
    root = mkdtempSync(join(tmpdir(), 'mxg-retention-'));
    dir = join(root, 'config');
    cpSync(join(findRepoRoot(), 'config'), dir, { recursive: true });
  });
  afterEach(() => rmSync(root, { recursive: true, force: true }));

  it('loads the shipped policy: every agreement of the treaty, with its default and categories', () => {
    const policy = load();
    expect(policy.agreements.map((a) => a.agreement)).toEqual(['MIG', 'RET']);
    const mig = policy.agreements[0];
    expect(mig.defaultDays).toBe(1095);
    expect(mig.categories['entry-bans']).toBe(3650);
    expect(mig.noticeSignatories).toEqual({
      'KZ-MVD': 'kz-mvd-migration-head',
      'KZ-MTSZN': 'kz-mtszn-committee-head',
      'AZ-DMX': 'az-dmx-information-head',
    });
  });

  it('names the file, field and line of a period that is not a whole number of days', () => {
    edit('entry-bans: { days: 3650 }', 'entry-bans: { days: 1.5 }');
    expect(issuesOf(load)).toEqual([
      {
        file: 'config/retention.yaml',
        field: 'agreements[0].categories.entry-bans.days',
        line: 23,
        message: 'expected a whole number of days',
      },
    ]);
  });

  it('refuses a missing default, and a period of 0 days', () => {
    edit('default: { days: 1825 }', 'default: { days: 0 }');
    edit('    default: { days: 1095 }\n', '');
    expect(issuesOf(load)).toEqual([
      expect.objectContaining({
        field: 'agreements[0].default',
        message: 'required field is missing',
      }),
      expect.objectContaining({
        field: 'agreements[1].default.days',
        message: 'a period is at least 1 day',
      }),
    ]);
  });

  it('refuses a category outside config/vocabularies.yaml, with its line', () => {
    edit('registration: { days: 1095 }', 'registrations: { days: 1095 }');
    expect(issuesOf(load)).toEqual([
      {
        file: 'config/retention.yaml',
        field: 'agreements[0].categories.registrations',
        line: 18,
        message: 'not a category of config/vocabularies.yaml (MIG-4, MIG-5)',
      },
    ]);
  });

  it("refuses a notice signatory who is not on the authority's list (MIG-9.3)", () => {
    edit('AZ-DMX: az-dmx-information-head', 'AZ-DMX: kz-mvd-deputy-minister');
    expect(issuesOf(load)).toEqual([
      expect.objectContaining({
        field: 'agreements[0].noticeSignatories.AZ-DMX',
        message:
          'kz-mvd-deputy-minister is not a signatory of AZ-DMX in config/signatories.yaml (MIG-9.3)',
      }),
    ]);
  });

  it('refuses a policy without a notice signatory for an authority of an agreement that allows notices', () => {
    edit('      KZ-MTSZN: kz-mtszn-committee-head\n', '');
    expect(issuesOf(load)).toEqual([
      expect.objectContaining({
        field: 'agreements[0].noticeSignatories',
        message: 'no signatory for the destruction notices of KZ-MTSZN (MIG-11.5)',
      }),
    ]);
  });

  it('refuses an unknown agreement, a duplicate, and an agreement of the treaty left out', () => {
    edit(
      '  - agreement: RET\n    default: { days: 1825 }',
      '  - agreement: MIG\n    default: { days: 1825 }\n  - agreement: XYZ\n    default: { days: 1 }',
    );
    const issues = issuesOf(load).filter((i) => !i.field.endsWith('noticeSignatories'));
    expect(issues.map((i) => [i.field, i.message])).toEqual([
      ['agreements[1].agreement', 'duplicate agreement MIG'],
      ['agreements[2].agreement', 'unknown agreement XYZ'],
      ['agreements', 'no retention for agreement RET (MIG-11.5)'],
    ]);
  });

  it('names a missing file', () => {
    rmSync(join(dir, RETENTION_FILE));
    expect(issuesOf(load)).toEqual([
      { file: 'config/retention.yaml', field: '', message: 'file not found' },
    ]);
  });
});
