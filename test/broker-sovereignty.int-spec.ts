import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type ConfirmChannel, connect, credentials } from 'amqplib';
import {
  BROKER_DEAD_LETTER_EXCHANGE,
  BROKER_EXCHANGE,
  inboxQueue,
  MxgConfigService,
} from '@mxg/config';
import { configuredBrokerNodes, sovereignNodes } from '../apps/cli/src/services/broker-node-config';
import { brokerNodeCtl } from '../apps/cli/src/services/broker-nodes';
import {
  linkUserName,
  nodeAdminUrl,
  nodeSocketOptions,
  provisionSovereignBrokers,
  type SovereignNode,
} from '../apps/cli/src/services/provision-broker-nodes';
import { scratchUserSpecs } from '../apps/cli/src/services/scratch-broker';
import { eventually } from './support/exchange-pair';
import { issueTlsCertificate, selfSignedCertificate } from './support/test-tls';

/**
 * #15: each party its own broker. On the real nodes `mxg services provision` started
 * (mxg-kz@localhost, mxg-az@localhost), with scratch vhosts and users of this file provisioned
 * exactly as for the parties' own: nothing of KZ's opens AZ's broker except KZ's link, and that
 * only delivers into AZ's inbound exchange with AZ's key.
 */
describe('#15 each party its own broker, linked over mutual TLS (real RabbitMQ nodes)', () => {
  const base = MxgConfigService.load();
  const varDir = base.paths.var;
  const specs = scratchUserSpecs('mxg-test', ['KZ', 'AZ']);
  const spec = (party: string) => specs.find((s) => s.party === party)!;
  let nodes: SovereignNode[];
  const node = (party: string) => nodes.find((n) => n.spec.party === party)!;
  let work: string;

  beforeAll(async () => {
    work = mkdtempSync(join(tmpdir(), 'mxg-sovereignty-'));
    nodes = sovereignNodes(
      base,
      configuredBrokerNodes(base),
      (n) => specs.filter((s) => s.party === n.party),
      { links: false },
    );
    expect(nodes.map((n) => n.spec.party).sort()).toEqual(['AZ', 'KZ']);
    await provisionSovereignBrokers(varDir, nodes, { start: false });
  }, 240_000);

  afterAll(async () => {
    rmSync(work, { recursive: true, force: true });
    for (const n of nodes ?? []) {
      const ctl = brokerNodeCtl(varDir, n.spec.node);
      for (const s of n.parties) {
        await ctl.run(['delete_vhost', s.vhost]).catch(() => undefined);
        await ctl.run(['delete_user', s.user]).catch(() => undefined);
      }
    }
  }, 120_000);

  /** A URL of `party`'s scratch user (password) on `on`'s node, in `vhost`. */
  const userUrl = (party: string, on: string, vhost = spec(on).vhost) =>
    `amqps://${encodeURIComponent(spec(party).user)}:${encodeURIComponent(spec(party).password.value)}@${node(on).host}:${node(on).spec.port}/${encodeURIComponent(vhost)}`;

  /** TLS to `on`'s node (verified against its party's CA), showing this certificate. */
  const tlsTo = (on: string, cert: string, key: string) => ({
    ...nodeSocketOptions(node(on)),
    cert: readFileSync(cert),
    key: readFileSync(key),
  });

  /** How a connection attempt ended: `connected`, or the error's message. */
  async function attempt(url: string, options: Record<string, unknown>): Promise<string> {
    try {
      const connection = await connect(url, options);
      await connection.close();
      return 'connected';
    } catch (error) {
      return (error as Error).message;
    }
  }

  /** Runs `act` on a confirm channel; the broker's reason when it closed the channel, else `accepted`. */
  async function onChannel(
    url: string,
    options: Record<string, unknown>,
    act: (channel: ConfirmChannel) => Promise<unknown>,
  ): Promise<string> {
    const connection = await connect(url, options);
    try {
      const channel = await connection.createConfirmChannel();
      const closed = new Promise<string>((resolve) =>
        channel.once('error', (e: Error) => resolve(e.message)),
      );
      return await Promise.race([
        closed,
        act(channel).then(
          () => 'accepted',
          () => closed,
        ),
      ]);
    } finally {
      await connection.close().catch(() => undefined);
    }
  }

  const kzClient = () => node('KZ').clientTls;
  const kzLink = () => node('KZ').link;
  const asKzLinkOnAz = () => ({
    ...tlsTo('AZ', kzLink().cert, kzLink().key),
    credentials: credentials.external(),
  });
  const publish =
    (key: string, exchange = BROKER_EXCHANGE) =>
    (channel: ConfirmChannel) =>
      new Promise<void>((resolve, reject) =>
        channel.publish(exchange, key, Buffer.from('probe'), { persistent: true }, (err) =>
          err ? reject(err instanceof Error ? err : new Error(String(err))) : resolve(),
        ),
      );

  it('KZ’s gateway user logs in on KZ’s node (the control): its password over AMQPS', async () => {
    const { cert, key } = kzClient();
    expect(await attempt(userUrl('KZ', 'KZ'), tlsTo('KZ', cert, key))).toBe('connected');
  });

  it('KZ’s gateway credentials are refused by AZ’s broker: no connection, so no publish or consume', async () => {
    const { cert, key } = kzClient();
    // KZ's client certificate passes AZ's TLS (AZ trusts KZ's CA for KZ's link), the password
    // does not: the user does not exist there, in any vhost.
    for (const vhost of [spec('AZ').vhost, spec('KZ').vhost]) {
      expect(await attempt(userUrl('KZ', 'AZ', vhost), tlsTo('AZ', cert, key))).toMatch(
        /ACCESS_REFUSED|access to vhost|not allowed/i,
      );
    }
  });

  it('KZ’s gateway TLS client certificate with EXTERNAL is refused by AZ’s broker', async () => {
    const { cert, key } = kzClient();
    const answer = await attempt(
      `amqps://${node('AZ').host}:${node('AZ').spec.port}/${encodeURIComponent(spec('AZ').vhost)}`,
      {
        ...tlsTo('AZ', cert, key),
        credentials: credentials.external(),
      },
    );
    expect(answer).toMatch(/ACCESS_REFUSED.*EXTERNAL/);
  });

  it('KZ’s link identity delivers into AZ’s inbound exchange with key az, and nothing else', async () => {
    const url = `amqps://${node('AZ').host}:${node('AZ').spec.port}/${encodeURIComponent(spec('AZ').vhost)}`;
    const options = asKzLinkOnAz();
    expect(linkUserName(readFileSync(kzLink().cert))).toMatch(/^CN=mxg-link-kz,/);
    // Delivers with AZ's key: confirmed, and in AZ's inbox.
    expect(await onChannel(url, options, publish('az'))).toBe('accepted');
    const admin = await connect(
      nodeAdminUrl(node('AZ'), spec('AZ').vhost),
      nodeSocketOptions(node('AZ')),
    );
    try {
      const channel = await admin.createChannel();
      const got = await eventually(
        async () => {
          const m = await channel.get(inboxQueue('AZ'), { noAck: true });
          return m === false ? undefined : m;
        },
        10_000,
        'the probe in AZ’s inbox',
      );
      expect(got.content.toString()).toBe('probe');
      await channel.close();
    } finally {
      await admin.close();
    }
    // Another key (back to KZ, or to a third party): refused.
    expect(await onChannel(url, options, publish('kz'))).toMatch(/ACCESS_REFUSED/);
    expect(await onChannel(url, options, publish('ru'))).toMatch(/ACCESS_REFUSED/);
    // Another exchange: refused.
    expect(await onChannel(url, options, publish('az', BROKER_DEAD_LETTER_EXCHANGE))).toMatch(
      /ACCESS_REFUSED/,
    );
    // Consume AZ's inbox: refused.
    expect(
      await onChannel(url, options, (ch) => ch.consume(inboxQueue('AZ'), () => undefined)),
    ).toMatch(/ACCESS_REFUSED/);
    // Declare anything: refused.
    expect(
      await onChannel(url, options, (ch) => ch.assertQueue('kz-was-here', { durable: false })),
    ).toMatch(/ACCESS_REFUSED/);
    expect(
      await onChannel(url, options, (ch) => ch.assertExchange('kz-was-here', 'fanout')),
    ).toMatch(/ACCESS_REFUSED/);
  });

  it('the link carries KZ’s message from KZ’s node to AZ’s inbox over mutual TLS', async () => {
    const { cert, key } = kzClient();
    expect(await onChannel(userUrl('KZ', 'KZ'), tlsTo('KZ', cert, key), publish('az'))).toBe(
      'accepted',
    );
    const admin = await connect(
      nodeAdminUrl(node('AZ'), spec('AZ').vhost),
      nodeSocketOptions(node('AZ')),
    );
    try {
      const channel = await admin.createChannel();
      const got = await eventually(
        async () => {
          const m = await channel.get(inboxQueue('AZ'), { noAck: true });
          return m === false ? undefined : m;
        },
        30_000,
        'KZ’s message in AZ’s inbox, through the link',
      );
      expect(got.content.toString()).toBe('probe');
      await channel.close();
    } finally {
      await admin.close();
    }
  });

  it('a link certificate from a stranger CA, with KZ’s link DN, is refused at the TLS handshake', async () => {
    const ca = join(work, 'stranger-ca');
    const leaf = join(work, 'stranger-link');
    selfSignedCertificate({
      subject: '/C=KZ/O=KZ/CN=Stranger CA',
      certPath: `${ca}.pem`,
      keyPath: `${ca}.key`,
      extensions: ['basicConstraints=critical,CA:TRUE'],
    });
    issueTlsCertificate({
      caCert: `${ca}.pem`,
      caKey: `${ca}.key`,
      profile: 'client',
      subject: '/C=KZ/O=KZ/CN=mxg-link-kz',
      certPath: `${leaf}.pem`,
      keyPath: `${leaf}.key`,
    });
    // Same subject as KZ's real link certificate: only the issuer differs.
    expect(linkUserName(readFileSync(`${leaf}.pem`))).toBe(
      linkUserName(readFileSync(kzLink().cert)),
    );
    const answer = await attempt(
      `amqps://${node('AZ').host}:${node('AZ').spec.port}/${encodeURIComponent(spec('AZ').vhost)}`,
      { ...tlsTo('AZ', `${leaf}.pem`, `${leaf}.key`), credentials: credentials.external() },
    );
    expect(answer).not.toBe('connected');
    expect(answer).not.toMatch(/ACCESS_REFUSED/); // not even to the login: the handshake failed
    expect(answer).toMatch(/alert|certificate|socket|ECONNRESET|closed/i);
  });

  it('a plain-AMQP (non-TLS) connection to a node is refused', async () => {
    for (const party of ['KZ', 'AZ']) {
      const plain = userUrl(party, party).replace(/^amqps:/, 'amqp:');
      expect(await attempt(plain, {})).not.toBe('connected');
    }
  });
});
