import { X509Certificate } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import type { MxgConfigService } from '@mxg/config';
import { partyPkiPaths } from '@mxg/pki';

/**
 * #15: where a party's broker listens (node, amqps://host:port, vhost) and how its links reach
 * each peer's broker, as the gateway file says — for the demo to print before it starts.
 */
export function brokerLines(config: MxgConfigService): string[] {
  const { party, amqp, links } = config.gateway;
  const scheme = amqp.tls ? 'amqps' : 'amqp';
  const lines = [
    `  ${party}'s broker: node ${amqp.node ?? '(shared)'}, ${scheme}://${amqp.host}:${amqp.port}, vhost ${amqp.vhost}` +
      (amqp.tls
        ? ' (TLS only; the gateway verifies it against its CA and shows its client certificate)'
        : ''),
  ];
  const link = partyPkiPaths(config.paths.certs, party).tls.link.certificate;
  const subject = existsSync(link)
    ? new X509Certificate(readFileSync(link)).subject.split('\n').reverse().join(',')
    : `certs/${party.toLowerCase()}/tls/link.cert.pem`;
  for (const to of links) {
    lines.push(
      `    link ${party} → ${to.party}: shovel to amqps://${to.host}:${to.port}/${to.vhost}, mutual TLS, EXTERNAL login as ${subject}`,
    );
  }
  return lines;
}
