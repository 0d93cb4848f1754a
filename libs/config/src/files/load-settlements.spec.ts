import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { findRepoRoot } from '../repo-root';
import { ConfigError } from './config-error';
import { loadSettlements } from './load-settlements';
import { loadTreatyConfig } from './load-treaty-config';

describe(loadSettlements.name, () => {
  let root: string;
  let dir: string;
  const edit = (from: string, to: string) => {
    const path = join(dir, 'settlements.yaml');
    const text = readFileSync(path, 'utf8');
    if (!text.includes(from)) throw new Error(`test setup: ${from} not in settlements.yaml`);
    writeFileSync(path, text.replace(from, to));
  };
  const issues = () => {
    try {
      loadSettlements(dir, loadTreatyConfig(dir, root), root);
    } catch (error) {
      if (error instanceof ConfigError) return error.issues;
      throw error;
    }
    throw new Error('expected a ConfigError');
  };
  beforeEach(() => {
    root = mkdtempSync(join(tmpdir(), 'mxg-config-'));
    dir = join(root, 'config');
    cpSync(join(findRepoRoot(), 'config'), dir, { recursive: true });
  });
  afterEach(() => rmSync(root, { recursive: true, force: true }));

  it('loads the shipped policy (RET-3.6) and caps for all eleven RET parties (RET-3.3, RET-3.4)', () => {
    const sut = loadSettlements(dir, loadTreatyConfig(dir, root), root);
    expect(sut.rounding).toEqual({ mode: 'half-up', scale: 2 });
    expect(Object.keys(sut.caps)).toHaveLength(11);
    expect(sut.caps.KZ).toEqual({
      currency: 'KZT',
      accommodationPerNight: '30000.00',
      perDiemPerDay: '9000.00',
    });
  });

  it("refuses caps in a currency other than the party's own, naming file, field and line", () => {
    edit('KG: { currency: KGS', 'KG: { currency: USD');
    expect(issues()).toEqual([
      expect.objectContaining({
        file: 'config/settlements.yaml',
        field: 'caps.KG.currency',
        line: expect.any(Number) as number,
        message: expect.stringContaining("not KG's currency KGS") as string,
      }),
    ]);
  });

  it('refuses an amount typed as a YAML number (binary floating point)', () => {
    edit("accommodationPerNight: '120.00'", 'accommodationPerNight: 120.00');
    expect(issues()).toEqual([expect.objectContaining({ field: 'caps.AZ.accommodationPerNight' })]);
  });

  it('refuses a rounding mode it does not know, and a RET party without caps', () => {
    edit('mode: half-up', 'mode: up');
    expect(issues()).toEqual([expect.objectContaining({ field: 'rounding.mode' })]);
    edit('mode: up', 'mode: half-even');
    edit(
      "  MD: { currency: MDL, accommodationPerNight: '1500.00', perDiemPerDay: '400.00' }\n",
      '',
    );
    expect(issues()).toEqual([
      expect.objectContaining({
        field: 'caps',
        message: 'no caps for party MD (RET-3.3, RET-3.4)',
      }),
    ]);
  });

  it('refuses caps for a party config/parties.yaml does not know', () => {
    edit(
      'caps:\n',
      "caps:\n  XX: { currency: XXX, accommodationPerNight: '1', perDiemPerDay: '1' }\n",
    );
    expect(issues()).toEqual([
      expect.objectContaining({ field: 'caps.XX', message: 'unknown party XX' }),
    ]);
  });
});
