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
 * its shovel's `dest-uri` on `from`'s node: everything else (queue, exchange, ack mode) stays as
 * provisioned.
 *
 * The link must run between two nodes (`amqps://host:port/…?cacertfile=…`): the proxy relays
 * bytes, so the link keeps its TLS, its query and its host name (the certificate check and SNI
 * still see the real one); only the port becomes the proxy's, which listens on 127.0.0.1 — the
 * host must therefore resolve to the loopback, as on one development machine. A link between
 * two vhosts of one node connects inside it, without a network to cut.
 */
export async function proxyLink(
  broker: TestBroker,
  from: string,
  to: string,
): Promise<ProxiedLink> {
  const ctl = broker.ctl(from);
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
  if (dest.host === '') {
    throw new Error(
      `link ${name} runs inside node ${broker.node(from)} (${from} and ${to} share it): no network to cut`,
    );
  }
  const proxy = await startTcpProxy({
    host: dest.hostname,
    port: Number(dest.port || (dest.protocol === 'amqps:' ? 5671 : 5672)),
  });
  const proxied = new URL(dest);
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
