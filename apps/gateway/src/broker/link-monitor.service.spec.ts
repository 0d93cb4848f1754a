import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { MxgConfigService } from '@mxg/config';
import type { BrokerConnection } from './broker-connection.service';
import { LinkMonitor } from './link-monitor.service';

describe('#15 LinkMonitor: which links a gateway watches', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'mxg-links-'));
    mkdirSync(join(dir, 'gateways'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  const monitor = (files: string[], links: string[]) => {
    for (const f of files) writeFileSync(join(dir, 'gateways', `${f}.yaml`), '');
    const config = {
      gateway: { party: 'KZ', links: links.map((party) => ({ party })) },
      paths: { config: dir },
      forGateway: (id: string) => ({ gateway: { party: id.toUpperCase() } }),
    } as unknown as MxgConfigService;
    return new LinkMonitor({} as BrokerConnection, config);
  };

  it('in production, where config/gateways holds its own file only: the peers its file links to', () => {
    expect(Object.keys(monitor(['kz'], ['AZ']).report()).sort()).toEqual(['AZ']);
  });

  it('in development and tests: also the parties of the other gateway files, each once', () => {
    expect(Object.keys(monitor(['az', 'kg', 'kz'], ['AZ']).report()).sort()).toEqual(['AZ', 'KG']);
  });
});
