import {
  amqpSecretName,
  databaseRoles,
  ensureSecret,
  listGateways,
  type MxgConfigService,
  postgresSecretName,
} from '@mxg/config';
import { Client } from 'pg';
import { provisionDatabase } from '@mxg/database';
import { type BrokerUserSpec, provisionBroker } from './provision-broker';
import { Rabbitmqctl } from './rabbitmqctl';
import { declareBrokerTopology } from './broker-topology';
import { provisionDevClients } from './dev-clients';

/**
 * Provisions, for every gateway in `config/gateways/`, its database with owner and application
 * roles, its AMQP user and the broker topology on its vhost, and development API clients.
 * Idempotent; returns what changed.
 */
export async function provisionGateways(
  base: MxgConfigService,
  only?: string[],
): Promise<string[]> {
  const ids = only ?? listGateways(base.paths.config);
  const changes: string[] = [];
  const brokerUsers: BrokerUserSpec[] = [];
  for (const id of ids) {
    const config = base.forGateway(id);
    const { database, amqp, party } = config.gateway;
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
    if (base.env.AMQP_URL === undefined) {
      brokerUsers.push({
        vhost: amqp.vhost,
        user: amqp.user,
        party,
        password: ensureSecret(config.paths.var, amqpSecretName(amqp.user)),
      });
    }
  }
  changes.push(...(await provisionBroker(new Rabbitmqctl(base.env.MXG_RABBITMQCTL), brokerUsers)));
  for (const vhost of new Set(brokerUsers.map((u) => u.vhost))) {
    const parties = brokerUsers.filter((u) => u.vhost === vhost).map((u) => u.party);
    const host = ids.map((id) => base.forGateway(id).gateway.amqp).find((a) => a.vhost === vhost)!;
    const adminUrl =
      base.env.MXG_AMQP_ADMIN_URL ??
      `amqp://guest:guest@${host.host}:${host.port}/${encodeURIComponent(vhost)}`;
    changes.push(...(await declareBrokerTopology(adminUrl, parties)));
  }
  return changes;
}

/** Whether a role's URL logs in; only a refused password counts as "no" (a missing database is new). */
async function logsIn(url: string): Promise<boolean> {
  const client = new Client({ connectionString: url, connectionTimeoutMillis: 5000 });
  try {
    await client.connect();
    return true;
  } catch (error) {
    return (error as { code?: string }).code !== '28P01';
  } finally {
    await client.end().catch(() => undefined);
  }
}
