import { MxgConfigService } from '@mxg/config';
import { Rabbitmqctl } from '../../apps/cli/src/services/rabbitmqctl';
import { startTcpProxy, type TcpProxy } from './tcp-proxy';
import type { TestBroker } from './test-broker';

/**
 * A link (shovel) whose destination connection runs through a {@link TcpProxy}, so a test can
 * cut the network between the two brokers for real (#15: "the link cut for 30 s").
 */
export interface ProxiedLink {
  readonly proxy: TcpProxy;
  /** The destination URI the link had before (restored by `unproxy`). */
  readonly originalDestUri: string;
  /** Gives the link its original destination back and closes the proxy. */
  unproxy(): Promise<void>;
}

/**
 * Re-points the link `from` → `to` of a scratch broker through a TCP proxy, by rewriting only
 * its shovel's `dest-uri`: everything else (queue, exchange, ack mode) stays as provisioned.
 *
 * Transport-agnostic: the proxy relays bytes, so an `amqps://host:port/…?cacertfile=…` link
 * (a broker per party, #15) keeps its TLS, its query and its host name (the certificate check
 * and SNI still see the real one); only the port becomes the proxy's, which listens on
 * 127.0.0.1 — the host must therefore resolve to the loopback, as on one development machine.
 * A link inside one broker node (`amqp:///vhost`, a direct connection without the network)
 * becomes a network connection of the administrator to the broker's AMQP listener, which is
 * what the proxy can cut.
 */
export async function proxyLink(
  broker: TestBroker,
  from: string,
  to: string,
  ctl = new Rabbitmqctl(MxgConfigService.load().env.MXG_RABBITMQCTL),
): Promise<ProxiedLink> {
  const { vhost, name } = broker.link(from, to);
  const parameters = await ctl.json<{ component: string; name: string; value: unknown }[]>([
    'list_parameters',
    '-p',
    vhost,
  ]);
  const held = parameters.find((p) => p.component === 'shovel' && p.name === name);
  if (!held) throw new Error(`no link ${name} in ${vhost}`);
  const definition = (
    typeof held.value === 'string' ? JSON.parse(held.value) : held.value
  ) as Record<string, unknown>;
  const originalDestUri = definition['dest-uri'] as string;

  const dest = new URL(originalDestUri);
  let proxied: URL;
  let target: { host: string; port: number };
  if (dest.host === '') {
    // In-node: reach the same vhost over the broker's listener, as its administrator.
    const admin = new URL(broker.adminUrl(to));
    target = { host: admin.hostname, port: Number(admin.port || 5672) };
    proxied = new URL(admin);
    proxied.pathname = dest.pathname;
  } else {
    target = {
      host: dest.hostname,
      port: Number(dest.port || (dest.protocol === 'amqps:' ? 5671 : 5672)),
    };
    proxied = new URL(dest);
  }
  const proxy = await startTcpProxy(target);
  proxied.hostname = dest.host === '' ? '127.0.0.1' : dest.hostname;
  proxied.port = String(proxy.port);

  const set = (uri: string) =>
    ctl.run([
      'set_parameter',
      '-p',
      vhost,
      'shovel',
      name,
      JSON.stringify({ ...definition, 'dest-uri': uri }),
    ]);
  try {
    await set(proxied.toString());
  } catch (error) {
    await proxy.close();
    throw error;
  }
  return {
    proxy,
    originalDestUri,
    unproxy: async () => {
      await set(originalDestUri).catch(() => undefined);
      await proxy.close();
    },
  };
}
