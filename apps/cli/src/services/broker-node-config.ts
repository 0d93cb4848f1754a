import { amqpSecretName, ensureSecret, listGateways, type MxgConfigService } from '@mxg/config';
import { partyPkiPaths } from '@mxg/pki';
import type { BrokerUserSpec } from './provision-broker';
import type { BrokerLink, SovereignNode } from './provision-broker-nodes';

/** A party's broker node as its gateway file names it (`amqp.node`, host, port). */
export interface ConfiguredNode {
  readonly party: string;
  readonly node: string;
  readonly host: string;
  readonly port: number;
  /** The gateway file's `links`: where this party's broker delivers for each peer. */
  readonly links: readonly BrokerLink[];
}

/** The configured gateways whose party runs its own broker node (`amqp.node`, #15). */
export function configuredBrokerNodes(base: MxgConfigService): ConfiguredNode[] {
  return listGateways(base.paths.config).flatMap((id) => {
    const { party, amqp, links } = base.forGateway(id).gateway;
    return amqp.node ? [{ party, node: amqp.node, host: amqp.host, port: amqp.port, links }] : [];
  });
}

/**
 * The broker nodes of the configured parties, hosting `parties(node)`: each node's TLS files
 * from the checkout's development PKI (its server certificate; its own party's and every peer
 * node's party's CA trusted), its administrator's generated password in var/secrets.
 */
export function sovereignNodes(
  base: MxgConfigService,
  configured: readonly ConfiguredNode[],
  parties: (node: ConfiguredNode) => BrokerUserSpec[],
  options: { links?: boolean } = {},
): SovereignNode[] {
  const certs = base.paths.certs;
  return configured.map((n) => {
    const own = partyPkiPaths(certs, n.party);
    return {
      spec: {
        party: n.party,
        node: n.node,
        port: n.port,
        server: { cert: own.tls.server.certificate, key: own.tls.server.privateKey },
        trusted: [
          own.caCertificate,
          ...configured
            .filter((m) => m !== n)
            .map((m) => partyPkiPaths(certs, m.party).caCertificate),
        ],
      },
      host: n.host,
      admin: {
        user: 'mxg-admin',
        password: ensureSecret(base.paths.var, amqpSecretName(`admin-${n.node.split('@')[0]}`)),
      },
      clientTls: {
        ca: own.caCertificate,
        cert: own.tls.client.certificate,
        key: own.tls.client.privateKey,
      },
      link: { cert: own.tls.link.certificate, key: own.tls.link.privateKey },
      parties: parties(n),
      // Scratch vhosts (tests) are not where the gateway files' links point.
      ...(options.links === false ? {} : { links: n.links }),
    };
  });
}
