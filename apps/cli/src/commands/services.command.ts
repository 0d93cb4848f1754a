import type { Command } from 'commander';
import {
  brokerLinkName,
  checkoutIdAt,
  claimCheckoutSlot,
  listGateways,
  MxgConfigService,
  outgoingQueue,
} from '@mxg/config';
import { brokerNodeCtl } from '../services/broker-nodes';
import { watchLinks } from '../services/link-watch';
import { provisionGateways } from '../services/provision-gateways';
import { Rabbitmqctl } from '../services/rabbitmqctl';
import { JSON_OPTION_HELP, type JsonFlag, printResult } from '../cli-output';

/** `mxg services provision`: databases, roles and AMQP users for every configured gateway. */
export function registerServicesCommands(program: Command): void {
  const services = program
    .command('services')
    .description('the PostgreSQL and RabbitMQ resources gateways need');
  services
    .command('provision')
    .description(
      'create, if missing, each gateway database, its roles, the AMQP vhost and user of its party, and the links',
    )
    .option('--gateway <ids...>', 'only these gateways (default: every file in config/gateways)')
    .option('--json', JSON_OPTION_HELP)
    .action(async (opts: { gateway?: string[] } & JsonFlag) => {
      const changes = await provisionGateways(MxgConfigService.load(), opts.gateway);
      printResult(opts, { changes }, () =>
        changes.length === 0
          ? 'services: everything was already provisioned; nothing changed\n'
          : changes.map((change) => `services: ${change}\n`).join(''),
      );
    });

  services
    .command('claim-slot')
    .description(
      "claim this checkout's slot on the machine's services (#17): slot 0 uses the gateway files' names, another its own databases, roles and broker nodes (npm run services does this first)",
    )
    .option('--json', JSON_OPTION_HELP)
    .action((opts: JsonFlag) => {
      const config = MxgConfigService.load();
      const { root } = config.paths;
      const checkoutId = checkoutIdAt(root);
      if (checkoutId === undefined) {
        throw new Error(`${root}/var/checkout-id is missing: run npm run services, which makes it`);
      }
      const claim =
        config.env.MXG_CHECKOUT_SLOT === undefined
          ? claimCheckoutSlot({ root, checkoutId, registry: config.env.MXG_CHECKOUT_REGISTRY })
          : { slot: config.env.MXG_CHECKOUT_SLOT, how: 'set by MXG_CHECKOUT_SLOT' };
      // Loaded again: `config` was read with the slot held before this claim.
      const names = listGateways(config.paths.config).map((id) => {
        const { database, amqp } = MxgConfigService.load({ gateway: id }).gateway;
        return { gateway: id, database: database.name, node: amqp.node, port: amqp.port };
      });
      printResult(opts, { ...claim, names }, () =>
        claim.slot === 0
          ? ''
          : `services: this checkout holds slot ${claim.slot} of this machine (${claim.how}): its own ${names
              .map((n) => `database ${n.database}${n.node ? `, node ${n.node} :${n.port}` : ''}`)
              .join('; ')} (README "Two checkouts on one machine")\n`,
      );
    });

  services
    .command('watch-links')
    .description(
      "watch the links of each configured gateway's broker and restart one that makes no progress (#15; runs until stopped)",
    )
    .option('--gateway <ids...>', 'only these gateways (default: every file in config/gateways)')
    .option('--interval <seconds>', 'how often to look', '10')
    .option('--stall <seconds>', 'how long a link may hold messages without progress', '60')
    .option('--json', 'print each event as a JSON line {time, message} (it runs until stopped)')
    .action(async (opts: { gateway?: string[]; interval: string; stall: string } & JsonFlag) => {
      const say = (message: string) => {
        const time = new Date().toISOString();
        process.stdout.write(
          opts.json ? `${JSON.stringify({ time, message })}\n` : `${time} ${message}\n`,
        );
      };
      const base = MxgConfigService.load();
      const gateways = (opts.gateway ?? listGateways(base.paths.config)).map(
        (id) => base.forGateway(id).gateway,
      );
      const parties = gateways.map((g) => g.party);
      const watches = gateways.map((g) =>
        watchLinks({
          // A development node of this checkout, else the broker MXG_RABBITMQCTL reaches.
          ctls: [
            g.amqp.node
              ? brokerNodeCtl(base.paths.var, g.amqp.node)
              : new Rabbitmqctl(base.env.MXG_RABBITMQCTL),
          ],
          links: [...new Set([...parties, ...g.links.map((l) => l.party)])]
            .filter((peer) => peer !== g.party)
            .map((peer) => ({
              vhost: g.amqp.vhost,
              name: brokerLinkName(g.party, peer),
              queue: outgoingQueue(peer),
            })),
          intervalMs: Number(opts.interval) * 1000,
          stallMs: Number(opts.stall) * 1000,
          log: say,
        }),
      );
      say(`watching the links of ${parties.join(', ')} every ${opts.interval} s (Ctrl-C stops)`);
      await new Promise<void>((resolve) => {
        process.once('SIGINT', resolve);
        process.once('SIGTERM', resolve);
      });
      await Promise.all(watches.map((w) => w.stop()));
    });
}
