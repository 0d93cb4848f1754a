import {
  amqpSecretName,
  databaseRoles,
  ensureSecret,
  listGateways,
  type MxgConfigService,
  postgresSecretName,
} from '@mxg/config';
import { provisionDatabase } from '@mxg/database';
import { type BrokerUserSpec, provisionBroker } from './provision-broker';
import { Rabbitmqctl } from './rabbitmqctl';

/**
 * Provisions, for every gateway in `config/gateways/`, its database with owner and application
 * roles, and its AMQP user on the vhost. Idempotent; returns what changed.
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
    const password = (role: string) => {
      const secret = ensureSecret(config.paths.var, postgresSecretName(role));
      return secret.created ? secret.value : undefined;
    };
    changes.push(
      ...(await provisionDatabase(config.postgresAdminUrl, {
        database: database.name,
        owner: { role: roles.owner, password: password(roles.owner) },
        app: { role: roles.app, password: password(roles.app) },
      })),
    );
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
  return changes;
}
