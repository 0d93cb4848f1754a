import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { findRepoRoot } from '../repo-root';
import { ConfigError } from './config-error';
import { loadTreatyConfig } from './load-treaty-config';

/** The last line of AZ-DMX's names: a rename is appended after it. */
const RENAME_ANCHOR = '        en: State Migration Service of the Republic of Azerbaijan\n';
const renamed = (from: string) =>
  `      - from: ${from}\n        ru: Миграционная служба\n        en: Migration Service\n`;

/** A private copy of the real `config/` that a test may break. */
function copyOfConfig(): {
  root: string;
  dir: string;
  edit(file: string, from: string, to: string): void;
} {
  const root = mkdtempSync(join(tmpdir(), 'mxg-config-'));
  const dir = join(root, 'config');
  cpSync(join(findRepoRoot(), 'config'), dir, { recursive: true });
  return {
    root,
    dir,
    edit(file, from, to) {
      const path = join(dir, file);
      const text = readFileSync(path, 'utf8');
      if (!text.includes(from)) throw new Error(`test setup: ${from} not in ${file}`);
      writeFileSync(path, text.replace(from, to));
    },
  };
}

function issuesOf(run: () => unknown): ConfigError['issues'] {
  try {
    run();
  } catch (error) {
    if (error instanceof ConfigError) return error.issues;
    throw error;
  }
  throw new Error('expected a ConfigError');
}

describe(loadTreatyConfig.name, () => {
  let config: ReturnType<typeof copyOfConfig>;
  beforeEach(() => {
    config = copyOfConfig();
  });
  afterEach(() => rmSync(config.root, { recursive: true, force: true }));

  it('loads the shipped configuration: MIG between KZ and AZ, RET among the CIS states', () => {
    const sut = loadTreatyConfig(config.dir, config.root);
    const mig = sut.agreement('MIG');
    expect(mig.kind).toBe('bilateral');
    expect(mig.kind === 'bilateral' && mig.parties).toEqual(['KZ', 'AZ']);
    const ret = sut.agreement('RET');
    expect(ret.kind === 'multilateral' && ret.participants).toHaveLength(11);
    expect(sut.authoritiesOf('KZ').map((a) => a.code)).toEqual(['KZ-MVD', 'KZ-MTSZN', 'KZ-RET']);
    expect(sut.signatoriesOf('AZ-DMX').length).toBeGreaterThan(0);
    expect(ret.algorithms.minRsaBits).toBe(2048); // RET lists none: the defaults apply
  });

  it('ships a placeholder RET authority for each of the eleven parties, with currency and national bank', () => {
    const sut = loadTreatyConfig(config.dir, config.root);
    const ret = sut.agreement('RET');
    expect(ret.authorities).toHaveLength(11);
    for (const party of sut.allParties()) {
      expect(ret.authorities).toContain(`${party.code}-RET`);
      expect(sut.authority(`${party.code}-RET`)).toMatchObject({
        party: party.code,
        placeholder: true,
      });
      expect(party.currency).toMatch(/^[A-Z]{3}$/);
    }
    expect(sut.party('KZ')).toMatchObject({ currency: 'KZT', nationalBank: { code: 'NBK' } });
    expect(sut.authority('KZ-MVD').placeholder).toBe(false); // the default
  });

  it('computes the development RET dates (RET-7/8): in force 2016, KG acceded later, UA left, AM none', () => {
    const sut = loadTreatyConfig(config.dir, config.root);
    const on = new Date('2026-12-01T00:00:00Z');
    const inForce = sut
      .allParties()
      .filter((p) => sut.isParticipating('RET', p.code, on))
      .map((p) => p.code);
    expect(inForce.sort()).toEqual(['AZ', 'BY', 'KG', 'KZ', 'MD', 'RU', 'TJ']);
    expect(sut.participation('RET', 'KZ')?.participatingFrom).toBe('2016-03-01');
    expect(sut.participation('RET', 'KG')).toMatchObject({
      accession: true,
      participatingFrom: '2017-01-10',
    });
    expect(sut.participation('RET', 'UA')?.leftOn).not.toBeNull();
  });

  it('refuses a party without its currency (RET-3.7)', () => {
    config.edit('parties.yaml', '    currency: KGS\n', '');
    const issues = issuesOf(() => loadTreatyConfig(config.dir, config.root));
    expect(issues).toEqual([
      expect.objectContaining({ file: 'config/parties.yaml', field: 'parties[8].currency' }),
    ]);
  });

  it('refuses the old hand-typed participatingFrom (RET-7/8: the start is computed)', () => {
    config.edit(
      'agreements.yaml',
      'notificationReceived: 2016-01-20',
      'participatingFrom: 2016-03-01',
    );
    const issues = issuesOf(() => loadTreatyConfig(config.dir, config.root));
    expect(issues.map((i) => `${i.field}: ${i.message}`)).toContain(
      'agreements[1].participants[0]: Unrecognized key: "participatingFrom"',
    );
  });

  it('refuses an algorithm outside the allow-list, e.g. SHA-1', () => {
    config.edit('agreements.yaml', 'digests: [sha256, sha384, sha512]', 'digests: [sha1, sha256]');
    const [issue] = issuesOf(() => loadTreatyConfig(config.dir, config.root));
    expect(issue).toMatchObject({
      file: 'config/agreements.yaml',
      field: 'agreements[0].algorithms.digests[0]',
    });
  });

  it('names file, field and line of an invalid date', () => {
    config.edit('agreements.yaml', 'inForceFrom: 2020-06-01', 'inForceFrom: 2020-13-01');
    const issues = issuesOf(() => loadTreatyConfig(config.dir, config.root));
    expect(issues).toEqual([
      expect.objectContaining({
        file: 'config/agreements.yaml',
        field: 'agreements[0].inForceFrom',
        line: 11,
        message: 'expected a calendar date YYYY-MM-DD',
      }),
    ]);
  });

  it('rejects a misspelt field instead of ignoring it', () => {
    config.edit(
      'authorities.yaml',
      'validFrom: 2020-06-01\n  - code: AZ-DMX',
      'validFom: 2020-06-01\n  - code: AZ-DMX',
    );
    const issues = issuesOf(() => loadTreatyConfig(config.dir, config.root));
    expect(issues.map((i) => `${i.file} ${i.field}: ${i.message}`)).toEqual(
      expect.arrayContaining([
        'config/authorities.yaml authorities[1].validFrom: required field is missing',
        'config/authorities.yaml authorities[1]: Unrecognized key: "validFom"',
      ]),
    );
  });

  it('rejects a message type no treaty defines', () => {
    config.edit('agreements.yaml', '      - payment-confirmation', '      - payment-reminder');
    const [issue] = issuesOf(() => loadTreatyConfig(config.dir, config.root));
    expect(issue).toMatchObject({
      file: 'config/agreements.yaml',
      field: 'agreements[1].messageTypes[1]',
    });
    expect(issue?.message).toContain('reimbursement-claim');
  });

  it('keeps every certificate of a signatory across renewals; `certificate` is a one-item list (MIG-9.3)', () => {
    config.edit(
      'signatories.yaml',
      'certificate: kz/signatories/kz-mvd-deputy-minister.cert.pem',
      'certificates: [kz/signatories/old.cert.pem, kz/signatories/kz-mvd-deputy-minister.cert.pem]',
    );
    const sut = loadTreatyConfig(config.dir, config.root);
    const byId = (id: string) => sut.allSignatories().find((s) => s.id === id);
    expect(byId('kz-mvd-deputy-minister')?.certificates).toEqual([
      'kz/signatories/old.cert.pem',
      'kz/signatories/kz-mvd-deputy-minister.cert.pem',
    ]);
    expect(byId('kz-mvd-migration-head')?.certificates).toEqual([
      'kz/signatories/kz-mvd-migration-head.cert.pem',
    ]);
  });

  it('refuses a signatory with both `certificate` and `certificates`, or with neither', () => {
    config.edit(
      'signatories.yaml',
      'certificate: kz/signatories/kz-mvd-deputy-minister.cert.pem',
      'certificate: a.pem\n    certificates: [b.pem]',
    );
    config.edit(
      'signatories.yaml',
      '    certificate: kz/signatories/kz-mvd-migration-head.cert.pem\n',
      '',
    );
    const issues = issuesOf(() => loadTreatyConfig(config.dir, config.root));
    expect(issues.map((i) => `${i.field}: ${i.message}`)).toEqual([
      'signatories[0].certificate: expected exactly one of `certificate` or `certificates`',
      'signatories[1].certificates: expected exactly one of `certificate` or `certificates`',
    ]);
  });

  it('checks references across files: a signatory of an unregistered authority (MIG-2, MIG-9.3)', () => {
    config.edit('signatories.yaml', 'authority: AZ-DMX', 'authority: AZ-XYZ');
    const issues = issuesOf(() => loadTreatyConfig(config.dir, config.root));
    expect(issues).toEqual([
      expect.objectContaining({
        file: 'config/signatories.yaml',
        field: 'signatories[3].authority',
        message: 'unknown authority AZ-XYZ (MIG-9.3)',
      }),
    ]);
  });

  it('refuses an authority of a state that is not party to the agreement', () => {
    config.edit('parties.yaml', '  - code: RU', '  - code: RU');
    config.edit(
      'authorities.yaml',
      'authorities:\n',
      'authorities:\n  - { code: RU-MVD, party: RU, timeZone: Europe/Moscow, names: [{ from: 2020-01-01, ru: МВД, en: MVD }], validFrom: 2020-01-01 }\n',
    );
    config.edit(
      'agreements.yaml',
      'authorities: [KZ-MVD, KZ-MTSZN, AZ-DMX]',
      'authorities: [KZ-MVD, KZ-MTSZN, AZ-DMX, RU-MVD]',
    );
    const [issue] = issuesOf(() => loadTreatyConfig(config.dir, config.root));
    expect(issue).toMatchObject({
      file: 'config/agreements.yaml',
      field: 'agreements[0].authorities[3]',
      message: 'authority RU-MVD belongs to RU, which is not a party to MIG',
    });
  });

  describe("MIG-2, MIG-10.3: an authority's time zone and dated names", () => {
    it("loads each authority's IANA time zone and its names with their dates", () => {
      const sut = loadTreatyConfig(config.dir, config.root);
      expect(sut.authorityTimeZone('KZ-MVD')).toBe('Asia/Almaty');
      expect(sut.authorityTimeZone('AZ-DMX')).toBe('Asia/Baku');
      expect(sut.authority('AZ-DMX').names).toEqual([
        {
          from: '2020-06-01',
          ru: 'Государственная миграционная служба Азербайджанской Республики',
          en: 'State Migration Service of the Republic of Azerbaijan',
        },
      ]);
    });

    it('names file, field and line of a time zone no IANA database knows', () => {
      config.edit('authorities.yaml', 'timeZone: Asia/Baku', 'timeZone: Asia/Bakuu');
      expect(issuesOf(() => loadTreatyConfig(config.dir, config.root))).toEqual([
        {
          file: 'config/authorities.yaml',
          field: 'authorities[2].timeZone',
          line: 24,
          message: 'expected an IANA time zone name such as Asia/Almaty or Asia/Baku',
        },
      ]);
    });

    it('refuses an offset in place of a time zone name', () => {
      config.edit('authorities.yaml', 'timeZone: Asia/Baku', "timeZone: '+04:00'");
      const [issue] = issuesOf(() => loadTreatyConfig(config.dir, config.root));
      expect(issue).toMatchObject({ field: 'authorities[2].timeZone' });
    });

    it('keeps a rename as a second dated entry', () => {
      config.edit('authorities.yaml', RENAME_ANCHOR, `${RENAME_ANCHOR}${renamed('2027-01-01')}`);
      const sut = loadTreatyConfig(config.dir, config.root);
      expect(sut.authorityName('AZ-DMX', new Date('2026-12-31T23:59:59Z')).en).toBe(
        'State Migration Service of the Republic of Azerbaijan',
      );
      expect(sut.authorityName('AZ-DMX', new Date('2027-01-01T00:00:00Z')).en).toBe(
        'Migration Service',
      );
    });

    it('refuses names out of order, naming the field', () => {
      config.edit('authorities.yaml', RENAME_ANCHOR, `${RENAME_ANCHOR}${renamed('2019-01-01')}`);
      const issues = issuesOf(() => loadTreatyConfig(config.dir, config.root));
      expect(issues).toEqual([
        expect.objectContaining({
          file: 'config/authorities.yaml',
          field: 'authorities[2].names[1].from',
          message: '2019-01-01 is before names[0].from (2020-06-01); list names oldest first',
        }),
      ]);
    });

    it('refuses two names from the same date', () => {
      config.edit('authorities.yaml', RENAME_ANCHOR, `${RENAME_ANCHOR}${renamed('2020-06-01')}`);
      const [issue] = issuesOf(() => loadTreatyConfig(config.dir, config.root));
      expect(issue).toMatchObject({
        field: 'authorities[2].names[1].from',
        message: '2020-06-01 is already the date of names[0]; one name per date',
      });
    });

    it('refuses an authority without a name on its first day', () => {
      config.edit(
        'authorities.yaml',
        '      - from: 2020-06-01\n        ru: Государственная',
        '      - from: 2020-07-01\n        ru: Государственная',
      );
      const [issue] = issuesOf(() => loadTreatyConfig(config.dir, config.root));
      expect(issue).toMatchObject({
        field: 'authorities[2].names[0].from',
        message: 'is after validFrom (2020-06-01): the authority needs a name from its first day',
      });
    });

    it('refuses an authority without names', () => {
      config.edit('authorities.yaml', RENAME_ANCHOR, '');
      config.edit(
        'authorities.yaml',
        '      - from: 2020-06-01\n        ru: Государственная миграционная служба Азербайджанской Республики\n',
        '',
      );
      const [issue] = issuesOf(() => loadTreatyConfig(config.dir, config.root));
      expect(issue).toMatchObject({ field: 'authorities[2].names' });
    });
  });

  it('reports YAML syntax errors with their line', () => {
    config.edit('parties.yaml', '  - code: AZ', '  - code: [AZ');
    const [issue] = issuesOf(() => loadTreatyConfig(config.dir, config.root));
    expect(issue?.file).toBe('config/parties.yaml');
    expect(issue?.message).toMatch(/^not valid YAML/);
    expect(issue?.line).toBeGreaterThanOrEqual(5);
  });

  it('reports a missing file by name', () => {
    rmSync(join(config.dir, 'signatories.yaml'));
    expect(issuesOf(() => loadTreatyConfig(config.dir, config.root))).toEqual([
      { file: 'config/signatories.yaml', field: '', message: 'file not found' },
    ]);
  });

  it('lists every problem at once, across files', () => {
    config.edit('parties.yaml', 'code: KZ', 'code: kz');
    config.edit('signatories.yaml', 'validFrom: 2020-06-01', 'validFrom: yesterday');
    const issues = issuesOf(() => loadTreatyConfig(config.dir, config.root));
    expect(issues.map((i) => i.file).sort()).toEqual([
      'config/parties.yaml',
      'config/signatories.yaml',
    ]);
  });
});
