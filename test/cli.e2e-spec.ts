import { execFile, execFileSync } from 'node:child_process';
import {
  cpSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
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
    expect(result.stdout).toContain(
      'RET (multilateral): in force today for KZ, AZ, RU, TJ, BY, KG, MD;',
    );
    expect(result.stdout).toContain(
      'settlements: USD amounts rounded half-up to 2 places; caps for 11 parties',
    );
  });

  it('names file, field and line of a broken configuration and exits non-zero', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'mxg-cli-'));
    try {
      cpSync(join(ROOT, 'config'), dir, { recursive: true });
      const file = join(dir, 'gateways', 'kz.yaml');
      const text = readFileSync(file, 'utf8');
      const line = text.split('\n').findIndex((l) => l.includes('port: 3101')) + 1;
      expect(line).toBeGreaterThan(0);
      writeFileSync(file, text.replace('port: 3101', 'port: 99999'));
      const result = await mxg(['config', 'check', '--gateway', 'kz'], { MXG_CONFIG_DIR: dir });
      expect(result.code).toBe(3);
      expect(result.stderr).toMatch(
        new RegExp(
          `CONFIG_INVALID: configuration is invalid:\\n {2}- /tmp/mxg-cli-\\w+/gateways/kz\\.yaml:${line} http\\.port: `,
        ),
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

  describe('mxg pki', () => {
    const certs = mkdtempSync(join(tmpdir(), 'mxg-pki-cli-'));
    afterAll(() => rmSync(certs, { recursive: true, force: true }));

    const openssl = (...args: string[]) => {
      try {
        return { ok: true, out: execFileSync('openssl', args, { stdio: 'pipe' }).toString() };
      } catch (error) {
        return { ok: false, out: String((error as { stderr?: Buffer }).stderr) };
      }
    };
    const certificatesOf = (party: string) =>
      ['gateway', 'signatories'].flatMap((dir) =>
        readdirSync(join(certs, party, dir))
          .filter((f) => f.endsWith('.cert.pem'))
          .map((f) => join(certs, party, dir, f)),
      );

    it('init issues, for each gateway party, certificates that chain to that party only', async () => {
      const first = await mxg(['pki', 'init'], { MXG_CERTS_DIR: certs });
      expect(first.code).toBe(0);
      expect(first.stdout).toMatch(/pki: \d+ created, 0 updated, 0 kept/);
      const kz = certificatesOf('kz');
      // seal, encryption, audit-checkpoint + the four KZ signatories in config/signatories.yaml
      expect(kz.map((p) => p.slice(certs.length + 1)).sort()).toEqual([
        'kz/gateway/audit-checkpoint.cert.pem',
        'kz/gateway/encryption.cert.pem',
        'kz/gateway/seal.cert.pem',
        'kz/signatories/kz-mtszn-committee-head.cert.pem',
        'kz/signatories/kz-mvd-deputy-minister.cert.pem',
        'kz/signatories/kz-mvd-migration-head.cert.pem',
        'kz/signatories/kz-ret-finance-head.cert.pem',
      ]);
      for (const cert of kz) {
        expect(openssl('verify', '-CAfile', join(certs, 'kz', 'ca.cert.pem'), cert)).toMatchObject({
          ok: true,
        });
        expect(openssl('verify', '-CAfile', join(certs, 'az', 'ca.cert.pem'), cert).ok).toBe(false);
      }
      const second = await mxg(['pki', 'init'], { MXG_CERTS_DIR: certs });
      expect(second.stdout).toMatch(/pki: 0 created, 0 updated, \d+ kept/);
    });

    it("revoke puts a signatory on its CA's CRL, once", async () => {
      const cert = join(certs, 'az', 'signatories', 'az-dmx-deputy-head.cert.pem');
      const crlCheck = () =>
        openssl(
          'verify',
          '-crl_check',
          '-CAfile',
          join(certs, 'az', 'ca.cert.pem'),
          '-CRLfile',
          join(certs, 'az', 'ca.crl.pem'),
          cert,
        );
      expect(crlCheck().ok).toBe(true);
      const revoked = await mxg(['pki', 'revoke', cert, '--reason', 'keyCompromise'], {
        MXG_CERTS_DIR: certs,
      });
      expect(revoked.stdout).toMatch(/pki: revoked serial [0-9A-F]+ \(keyCompromise\)/);
      const check = crlCheck();
      expect(check.ok).toBe(false);
      expect(check.out).toContain('certificate revoked');
      const again = await mxg(['pki', 'revoke', cert], { MXG_CERTS_DIR: certs });
      expect(again.stdout).toContain('was already revoked');
    });

    it('#14 init names each party’s gateway CRL endpoint as its certificates’ CRL distribution point', () => {
      const text = openssl(
        'x509',
        '-noout',
        '-ext',
        'crlDistributionPoints',
        '-in',
        join(certs, 'kz', 'gateway', 'seal.cert.pem'),
      );
      expect(text.out).toContain('URI:http://127.0.0.1:3101/pki/kz.crl');
      const az = openssl(
        'x509',
        '-noout',
        '-ext',
        'crlDistributionPoints',
        '-in',
        join(certs, 'az', 'signatories', 'az-dmx-deputy-head.cert.pem'),
      );
      expect(az.out).toContain('URI:http://127.0.0.1:3102/pki/az.crl');
    });

    it('#14 rotate issues the next seal generation, chained to the CA, and warns of a short overlap', async () => {
      const rotated = await mxg(
        ['pki', 'rotate', '--party', 'KZ', '--key', 'seal', '--overlap-days', '1000'],
        {
          MXG_CERTS_DIR: certs,
        },
      );
      expect(rotated.code).toBe(0);
      expect(rotated.stdout).toContain('KZ seal generation 2 issued at kz/gateway/seal.2.cert.pem');
      expect(rotated.stderr).toMatch(
        /warning: generation 1 ends \d+ day\(s\) before the 1000-day overlap/,
      );
      const second = join(certs, 'kz', 'gateway', 'seal.2.cert.pem');
      expect(openssl('verify', '-CAfile', join(certs, 'kz', 'ca.cert.pem'), second).ok).toBe(true);
      // init leaves generations alone.
      const init = await mxg(['pki', 'init'], { MXG_CERTS_DIR: certs });
      expect(init.stdout).toMatch(/pki: 0 created, 0 updated, \d+ kept/);
      const usage = await mxg(['pki', 'rotate', '--party', 'KZ', '--key', 'audit-checkpoint'], {
        MXG_CERTS_DIR: certs,
      });
      expect(usage.code).not.toBe(0);
    });

    it('#14 csr writes a 0600 key and a PKCS#10 request for a national CA, for a signatory of signatories.yaml', async () => {
      const made = await mxg(
        [
          'pki',
          'csr',
          '--party',
          'KZ',
          '--key',
          'signatory',
          '--signatory',
          'kz-mvd-migration-head',
        ],
        { MXG_CERTS_DIR: certs },
      );
      expect(made.code).toBe(0);
      const request = /pki: request (\S+\.csr\.pem) \(key (\S+\.key\.pem), mode 0600\)/.exec(
        made.stdout,
      );
      expect(request).not.toBeNull();
      const checked = openssl(
        'req',
        '-in',
        join(certs, request![1]),
        '-noout',
        '-verify',
        '-subject',
      );
      expect(checked.ok).toBe(true);
      expect(checked.out).toContain('OU = KZ-MVD');
      expect(statSync(join(certs, request![2])).mode & 0o777).toBe(0o600);

      const wrong = await mxg(
        ['pki', 'csr', '--party', 'KZ', '--key', 'seal', '--signatory', 'x'],
        {
          MXG_CERTS_DIR: certs,
        },
      );
      expect(wrong.code).toBe(2);
      expect(wrong.stderr).toContain('--signatory <id> goes with --key signatory');
    });
  });
});
