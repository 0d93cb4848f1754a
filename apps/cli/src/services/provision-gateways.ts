import {
  amqpSecretName,
  databaseRoles,
  ensureSecret,
  listGateways,
  type MxgConfigService,
  postgresSecretName,
} from '@mxg/config';
import { Client } from 'pg';
import { postgresClientConfig, provisionDatabase } from '@mxg/database';
import { type BrokerUserSpec, provisionBrokerParties } from './provision-broker';
import { Rabbitmqctl } from './rabbitmqctl';
import { provisionDevClients } from './dev-clients';
import { configuredBrokerNodes, sovereignNodes } from './broker-node-config';
import { provisionSovereignBrokers } from './provision-broker-nodes';
import { provisionPostgresTls } from './provision-postgres-tls';

/**
 * Provisions, for every gateway in `config/gateways/`, its database with owner and application
 * roles, its party's vhost, AMQP user and topology, the links between the parties' vhosts, and
 * development API clients. The broker is provisioned for every configured gateway even when
 * `only` names some: a party's topology and links depend on all the others.
 * Idempotent; returns what changed.
 */
export async function provisionGateways(
  base: MxgConfigService,
  only?: string[],
): Promise<string[]> {
  const all = listGateways(base.paths.config);
  const ids = only ?? all;
  // #15: first, so that the roles' TLS connections below (logsIn) already work.
  const changes: string[] = await provisionPostgresTls(base);
  for (const id of ids) {
    const config = base.forGateway(id);
    const { database } = config.gateway;
    const roles = databaseRoles(database.name);
    // A password is (re)set when it is new, or when the server no longer accepts it (the role
    // was provisioned from another checkout of this machine).
    const password = async (role: string, url: string) => {
      const secret = ensureSecret(config.paths.var, postgresSecretName(role));
      return secret.created || !(await logsIn(url)) ? secret.value : undefined;
    };
    changes.push(
      ...(await provisionDatabase(config.postgresAdminUrl, {
        database: database.name,
        owner: {
          role: roles.owner,
          password: await password(roles.owner, config.migrationDatabaseUrl),
        },
        app: { role: roles.app, password: await password(roles.app, config.databaseUrl) },
      })),
    );
    changes.push(...provisionDevClients(config));
  }
  // A deployment that sets AMQP_URL provisions its broker elsewhere.
  if (base.env.AMQP_URL !== undefined || all.length === 0) return changes;
  const brokerUsers: BrokerUserSpec[] = all.map((id) => {
    const config = base.forGateway(id);
    const { amqp, party } = config.gateway;
    return {
      vhost: amqp.vhost,
      user: amqp.user,
      party,
      password: ensureSecret(config.paths.var, amqpSecretName(amqp.user)),
    };
  });
  // #15: parties with a broker node of their own (`amqp.node`): each node started and
  // provisioned, linked to the others over mutual TLS.
  const nodes = configuredBrokerNodes(base);
  if (nodes.length > 0) {
    const sovereign = sovereignNodes(base, nodes, (n) =>
      brokerUsers.filter((u) => u.party === n.party),
    );
    changes.push(...(await provisionSovereignBrokers(base.paths.var, sovereign)));
    return changes;
  }
  const first = base.forGateway(all[0]).gateway.amqp;
  // MXG_AMQP_ADMIN_URL names the broker and the administrator; its vhost, if any, is replaced
  // by each party's.
  const adminBase = new URL(
    base.env.MXG_AMQP_ADMIN_URL ?? `amqp://guest:guest@${first.host}:${first.port}/`,
  );
  const adminUrl = (vhost: string) => {
    const url = new URL(adminBase);
    url.pathname = `/${encodeURIComponent(vhost)}`;
    return url.toString();
  };
  changes.push(
    ...(await provisionBrokerParties(
      new Rabbitmqctl(base.env.MXG_RABBITMQCTL),
      brokerUsers,
      adminUrl,
      decodeURIComponent(adminBase.username) || 'guest',
    )),
  );
  return changes;
}

/** Whether a role's URL logs in; only a refused password counts as "no" (a missing database is new). */
async function logsIn(url: string): Promise<boolean> {
  const client = new Client(postgresClientConfig(url, { connectionTimeoutMillis: 5000 }));
  try {
    await client.connect();
    return true;
  } catch (error) {
    return (error as { code?: string }).code !== '28P01';
  } finally {
    await client.end().catch(() => undefined);
  }
}
