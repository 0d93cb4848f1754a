import { cpSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { findRepoRoot } from '../repo-root';
import { ENVELOPE_OVERHEAD_BYTES, lastResendSeconds } from '../treaty/treaty-config.schema';
import { ConfigError } from './config-error';
import { loadGatewayConfig } from './load-gateway-config';
import { loadTreatyConfig } from './load-treaty-config';

describe(loadGatewayConfig.name, () => {
  const root = mkdtempSync(join(tmpdir(), 'mxg-gw-'));
  const dir = join(root, 'config');
  cpSync(join(findRepoRoot(), 'config'), dir, { recursive: true });
  const treaty = loadTreatyConfig(dir, root);
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  it('reads which party a gateway speaks for', () => {
    const sut = loadGatewayConfig(dir, 'az', treaty, root);
    expect(sut).toMatchObject({
      id: 'az',
      party: 'AZ',
      database: { name: 'mxg_az' },
      amqp: { user: 'mxg-az' },
    });
  });

  it('refuses a gateway for a party that is not configured', () => {
    writeFileSync(
      join(dir, 'gateways', 'xx.yaml'),
      'party: XX\nhttp: { port: 3999 }\ndatabase: { name: mxg_xx }\namqp: { vhost: mxg, user: mxg-xx }\n',
    );
    expect(() => loadGatewayConfig(dir, 'xx', treaty, root)).toThrow(
      new ConfigError([
        {
          file: 'config/gateways/xx.yaml',
          field: 'party',
          line: 1,
          message: 'unknown party XX (not in parties.yaml)',
        },
      ]),
    );
  });

  describe('#14 keys: files or a PKCS#11 token, never a PIN in the file', () => {
    const gatewayWith = (keys: string) => {
      writeFileSync(
        join(dir, 'gateways', 'xk.yaml'),
        `party: KZ\nhttp: { port: 3999 }\ndatabase: { name: mxg_xk }\namqp: { vhost: mxg, user: mxg-xk }\n${keys}`,
      );
      return () => loadGatewayConfig(dir, 'xk', treaty, root);
    };
    const issuesOf = (load: () => unknown) => {
      try {
        load();
      } catch (error) {
        if (error instanceof ConfigError) return error.issues;
        throw error;
      }
      throw new Error('the configuration was accepted');
    };

    it('keeps keys in files unless told otherwise', () => {
      expect(gatewayWith('')().keys).toEqual({ store: 'file' });
    });

    it('reads a PKCS#11 module and token label', () => {
      const sut = gatewayWith(
        'keys: { store: pkcs11, module: /usr/lib/softhsm/libsofthsm2.so, token: kz-gateway }\n',
      )();
      expect(sut.keys).toEqual({
        store: 'pkcs11',
        module: '/usr/lib/softhsm/libsofthsm2.so',
        token: 'kz-gateway',
      });
    });

    it('refuses a PIN in the file, pointing at MXG_PKCS11_PIN', () => {
      const issues = issuesOf(
        gatewayWith(
          'keys: { store: pkcs11, module: /usr/lib/softhsm/libsofthsm2.so, token: kz, pin: "1234" }\n',
        ),
      );
      expect(issues).toEqual([
        expect.objectContaining({
          field: 'keys.pin',
          message: expect.stringContaining('MXG_PKCS11_PIN'),
        }),
      ]);
    });

    it('refuses a relative module path', () => {
      const issues = issuesOf(
        gatewayWith('keys: { store: pkcs11, module: libsofthsm2.so, token: kz }\n'),
      );
      expect(issues).toEqual([expect.objectContaining({ field: 'keys.module' })]);
    });
  });

  describe('#10.6 exchange: a delivery window apart from the clock skew', () => {
    const gatewayWith = (exchange: string) => {
      writeFileSync(
        join(dir, 'gateways', 'xw.yaml'),
        `party: KZ\nhttp: { port: 3999 }\ndatabase: { name: mxg_xw }\namqp: { vhost: mxg, user: mxg-xw }\n${exchange}`,
      );
      return () => loadGatewayConfig(dir, 'xw', treaty, root);
    };
    const issuesOf = (load: () => unknown) => {
      try {
        load();
      } catch (error) {
        if (error instanceof ConfigError) return error.issues;
        throw error;
      }
      throw new Error('the configuration was accepted');
    };

    it('admits envelopes a day old by default, with five minutes of clock skew, and re-sends well inside that', () => {
      const { exchange } = gatewayWith('')();
      expect(exchange).toMatchObject({
        maxClockSkewSeconds: 300,
        maxEnvelopeAgeSeconds: 86_400,
        receiptTimeoutSeconds: 30,
        maxAttempts: 6,
      });
      expect(lastResendSeconds(exchange)).toBe(930);
    });

    it('refuses a re-send schedule whose last copy would leave after half the window', () => {
      const issues = issuesOf(
        gatewayWith('exchange:\n  maxEnvelopeAgeSeconds: 3600\n  maxAttempts: 8\n'),
      );
      expect(issues).toEqual([
        expect.objectContaining({
          file: 'config/gateways/xw.yaml',
          field: 'exchange.maxAttempts',
          line: 7,
        }),
      ]);
      // 30 s doubling, 8 publications: the last at 30 × (2^7 − 1) = 3,810 s.
      expect(issues[0].message).toContain('the last re-send would go 3810 s after the first');
      expect(() =>
        gatewayWith('exchange:\n  maxEnvelopeAgeSeconds: 3600\n  maxAttempts: 6\n')(),
      ).not.toThrow();
    });

    it('refuses a window shorter than the clock skew', () => {
      const issues = issuesOf(
        gatewayWith('exchange: { maxEnvelopeAgeSeconds: 120, maxAttempts: 1 }\n'),
      );
      expect(issues).toEqual([
        expect.objectContaining({
          field: 'exchange.maxEnvelopeAgeSeconds',
          message: 'must be at least maxClockSkewSeconds (300)',
        }),
      ]);
    });
  });

  describe('#10.9 exchange.maxEnvelopeBytes: every envelope of a message the API accepts fits', () => {
    const gatewayWith = (exchange: string) => {
      writeFileSync(
        join(dir, 'gateways', 'xe.yaml'),
        `party: KZ\nhttp: { port: 3999 }\ndatabase: { name: mxg_xe }\namqp: { vhost: mxg, user: mxg-xe }\n${exchange}`,
      );
      return () => loadGatewayConfig(dir, 'xe', treaty, root);
    };

    it('defaults to maxMessageBytes plus the sealing overhead, following maxMessageBytes', () => {
      expect(gatewayWith('')().exchange).toMatchObject({
        maxMessageBytes: 4 * 1024 * 1024,
        maxEnvelopeBytes: 4 * 1024 * 1024 + ENVELOPE_OVERHEAD_BYTES,
      });
      expect(gatewayWith('exchange: { maxMessageBytes: 65536 }\n')().exchange).toMatchObject({
        maxEnvelopeBytes: 65536 + ENVELOPE_OVERHEAD_BYTES,
      });
    });

    it('refuses a limit below maxMessageBytes plus the sealing overhead', () => {
      let issues: unknown;
      try {
        gatewayWith('exchange: { maxMessageBytes: 1048576, maxEnvelopeBytes: 1048576 }\n')();
      } catch (error) {
        if (!(error instanceof ConfigError)) throw error;
        issues = error.issues;
      }
      expect(issues).toEqual([
        expect.objectContaining({
          file: 'config/gateways/xe.yaml',
          field: 'exchange.maxEnvelopeBytes',
          message: expect.stringContaining(
            `must be at least maxMessageBytes (1048576) + ${ENVELOPE_OVERHEAD_BYTES}`,
          ),
        }),
      ]);
      expect(
        gatewayWith(
          `exchange: { maxMessageBytes: 1048576, maxEnvelopeBytes: ${1048576 + ENVELOPE_OVERHEAD_BYTES} }\n`,
        )().exchange.maxEnvelopeBytes,
      ).toBe(1048576 + ENVELOPE_OVERHEAD_BYTES);
    });
  });

  it('names a missing gateway file', () => {
    expect(() => loadGatewayConfig(dir, 'nope', treaty, root)).toThrow(
      'config/gateways/nope.yaml: file not found',
    );
  });
});
