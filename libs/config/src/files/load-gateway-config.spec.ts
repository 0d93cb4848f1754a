import { cpSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { findRepoRoot } from '../repo-root';
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

  it('names a missing gateway file', () => {
    expect(() => loadGatewayConfig(dir, 'nope', treaty, root)).toThrow(
      'config/gateways/nope.yaml: file not found',
    );
  });
});
