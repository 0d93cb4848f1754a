import { join } from 'node:path';
import { MxgConfigService, splitAmqpUrls } from './mxg-config.service';

describe('#15 AMQP_URL names the nodes of the party’s broker cluster', () => {
  const certs = '/srv/mxg/certs';
  const targets = (AMQP_URL: string) =>
    MxgConfigService.load({ env: { MXG_GATEWAY: 'az', MXG_CERTS_DIR: certs, AMQP_URL } })
      .amqpTargets;

  it('one URL is the one target', () => {
    expect(targets('amqp://u:p@127.0.0.1:5672/mxg-az')).toEqual([
      { url: 'amqp://u:p@127.0.0.1:5672/mxg-az' },
    ]);
  });

  it('comma-separated URLs are the nodes in the order to try, each with its TLS files', () => {
    const found = targets(
      'amqps://u:p@c1:5791/mxg-az?cacertfile=%2Fca.pem, amqps://u:p@c2:5792/mxg-az,amqps://u:p@c3:5793/mxg-az',
    );
    expect(found.map((t) => new URL(t.url).host)).toEqual(['c1:5791', 'c2:5792', 'c3:5793']);
    expect(found.map((t) => t.tls?.servername)).toEqual(['c1', 'c2', 'c3']);
    expect(found[0].tls?.ca).toBe('/ca.pem');
    expect(found[1].tls?.ca).toBe(join(certs, 'az', 'ca.cert.pem'));
    expect(found[0].url).not.toContain('cacertfile');
  });

  it('a comma inside one URL (a query value) does not split it', () => {
    expect(splitAmqpUrls('amqps://h/v?certfile=%2Fa,b.pem')).toEqual([
      'amqps://h/v?certfile=%2Fa,b.pem',
    ]);
  });
});
