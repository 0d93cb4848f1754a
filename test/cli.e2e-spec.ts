import { execFile } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const ROOT = join(__dirname, '..');

/** Runs `npx mxg …` from the repository root, as the README tells users to. */
function mxg(
  args: string[],
  env: Record<string, string> = {},
): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(
      'npx',
      ['--no-install', 'mxg', ...args],
      { cwd: ROOT, env: { ...process.env, ...env } },
      (error, stdout, stderr) => {
        resolve({ code: error ? Number(error.code) : 0, stdout, stderr });
      },
    );
  });
}

describe('npx mxg (the command-line tool)', () => {
  it('validates the shipped treaty configuration', async () => {
    const result = await mxg(['config', 'check', '--gateway', 'az']);
    expect(result.stderr).not.toContain('mxg:');
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('MIG (bilateral): in force today for KZ, AZ');
    expect(result.stdout).toContain('gateway az speaks for AZ');
  });

  it('names file, field and line of a broken configuration and exits non-zero', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'mxg-cli-'));
    try {
      cpSync(join(ROOT, 'config'), dir, { recursive: true });
      const file = join(dir, 'gateways', 'kz.yaml');
      writeFileSync(file, readFileSync(file, 'utf8').replace('port: 3101', 'port: 99999'));
      const result = await mxg(['config', 'check', '--gateway', 'kz'], { MXG_CONFIG_DIR: dir });
      expect(result.code).toBe(3);
      expect(result.stderr).toMatch(
        /CONFIG_INVALID: configuration is invalid:\n {2}- \/tmp\/mxg-cli-\w+\/gateways\/kz\.yaml:4 http\.port: /,
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('answers an unknown command with usage and status 2', async () => {
    const result = await mxg(['frobnicate']);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain("unknown command 'frobnicate'");
  });
});
