import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { findRepoRoot } from '../repo-root';
import { ConfigError } from './config-error';
import { loadVocabulary, VOCABULARY_FILE } from './load-vocabulary';

function issuesOf(run: () => unknown): ConfigError['issues'] {
  try {
    run();
  } catch (error) {
    if (error instanceof ConfigError) return error.issues;
    throw error;
  }
  throw new Error('expected a ConfigError');
}

describe(loadVocabulary.name, () => {
  let root: string;
  let dir: string;
  const edit = (from: string, to: string) => {
    const path = join(dir, VOCABULARY_FILE);
    const text = readFileSync(path, 'utf8');
    if (!text.includes(from)) throw new Error(`test setup: ${from} not in ${VOCABULARY_FILE}`);
    writeFileSync(path, text.replace(from, to));
  };
  beforeEach(() => {
    root = mkdtempSync(join(tmpdir(), 'mxg-vocabulary-'));
    dir = join(root, 'config');
    cpSync(join(findRepoRoot(), 'config'), dir, { recursive: true });
  });
  afterEach(() => rmSync(root, { recursive: true, force: true }));

  it('loads the shipped lists: MIG-3 topics, MIG-4/MIG-5 categories, MIG-10.4 grounds, MIG-11.2 purposes', () => {
    const sut = loadVocabulary(dir, root);
    expect(sut.topics.map((t) => t.code)).toContain('citizens-staying');
    expect(sut.categories.map((c) => c.code)).toEqual(
      expect.arrayContaining(['registration', 'entry-bans', 'exit-restrictions', 'law-violations']),
    );
    expect(sut.refusalGrounds.map((g) => g.code)).toEqual([
      'sovereignty',
      'security',
      'public-order',
      'essential-interests',
      'national-law',
      'international-obligations',
    ]);
    expect(sut.purposes.map((p) => p.code)).toEqual(
      expect.arrayContaining(['residence-permit-decision', 'judicial-proceedings']),
    );
  });

  it('refuses a purpose citing an article other than MIG-11.2', () => {
    edit(
      'code: judicial-proceedings\n    article: MIG-11.2',
      'code: judicial-proceedings\n    article: MIG-3',
    );
    expect(issuesOf(() => loadVocabulary(dir, root))).toEqual([
      expect.objectContaining({ field: 'purposes[8].article' }),
    ]);
  });

  it('names the file, field and line of a category citing the wrong article', () => {
    edit('code: registration\n    article: MIG-5', 'code: registration\n    article: MIG-9');
    const [issue] = issuesOf(() => loadVocabulary(dir, root));
    expect(issue).toMatchObject({
      file: 'config/vocabularies.yaml',
      field: 'categories[6].article',
      line: expect.any(Number) as number,
    });
  });

  it('refuses a duplicate code', () => {
    edit('code: security', 'code: sovereignty');
    expect(issuesOf(() => loadVocabulary(dir, root))).toEqual([
      expect.objectContaining({
        field: 'refusalGrounds[1].code',
        message: 'duplicate code sovereignty',
      }),
    ]);
  });

  it('says so when the file is missing', () => {
    rmSync(join(dir, VOCABULARY_FILE));
    expect(issuesOf(() => loadVocabulary(dir, root))).toEqual([
      { file: 'config/vocabularies.yaml', field: '', message: 'file not found' },
    ]);
  });
});
