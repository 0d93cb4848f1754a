import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { selfSignedCertificate } from '../../../../test/support/test-tls';
import { brokerNodeConfig, brokerNodeEnv, distributionPort } from './broker-nodes';
import {
  linkUserName,
  partyVhostOn,
  remoteLinkUri,
  type SovereignNode,
} from './provision-broker-nodes';

/** A self-signed certificate with this subject (OpenSSL `-subj` form). */
function certificateWith(subject: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'mxg-dn-'));
  try {
    return selfSignedCertificate({
      subject,
      certPath: join(dir, 'c.pem'),
      keyPath: join(dir, 'k.pem'),
    });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

describe('#15 broker nodes', () => {
  it('names a link user by the DN as RabbitMQ 3.10 derives it: most specific RDN first, commas', () => {
    expect(linkUserName(certificateWith('/C=KZ/O=KZ/CN=mxg-link-kz'))).toBe(
      'CN=mxg-link-kz,O=KZ,C=KZ',
    );
  });

  it('keeps the RFC 2253 escaping of specials in values (commas, plus, semicolons)', () => {
    expect(linkUserName(certificateWith('/C=KZ/O=A, B/CN=x\\+y;z'))).toBe(
      'CN=x\\+y\\;z,O=A\\, B,C=KZ',
    );
  });

  it('writes a TLS-only node configuration that verifies peers and logs certificates in by DN', () => {
    const conf = brokerNodeConfig(
      {
        party: 'KZ',
        node: 'mxg-kz@localhost',
        port: 5681,
        server: { cert: '/c/server.cert.pem', key: '/c/server.key.pem' },
        trusted: [],
      },
      '/v/ca-bundle.pem',
    );
    for (const line of [
      'listeners.tcp = none',
      'listeners.ssl.default = 127.0.0.1:5681',
      'ssl_options.verify = verify_peer',
      'ssl_options.fail_if_no_peer_cert = true',
      'auth_mechanisms.3 = EXTERNAL',
      'ssl_cert_login_from = distinguished_name',
    ]) {
      expect(conf.split('\n')).toContain(line);
    }
    expect(distributionPort(5681)).toBe(25681);
    // The Erlang distribution port listens on loopback only, as the AMQPS listener does.
    expect(brokerNodeEnv()).toContain(
      'SERVER_ADDITIONAL_ERL_ARGS="-kernel inet_dist_use_interface {127,0,0,1}"',
    );
  });

  const node = (party: string, port: number, more: Partial<SovereignNode> = {}): SovereignNode => ({
    spec: {
      party,
      node: `mxg-${party}@localhost`,
      port,
      server: { cert: '', key: '' },
      trusted: [],
    },
    host: 'localhost',
    admin: { user: 'a', password: { value: 'p', created: false } },
    clientTls: { ca: `/c/${party}/ca.cert.pem`, cert: '', key: '' },
    link: { cert: `/c/${party}/tls/link.cert.pem`, key: `/c/${party}/tls/link.key.pem` },
    parties: [],
    ...more,
  });

  it('points a link at the peer over AMQPS: peer CA, own link certificate, EXTERNAL', () => {
    const uri = new URL(remoteLinkUri(node('kz', 5681), node('az', 5682), 'mxg-az'));
    expect(`${uri.protocol}//${uri.host}${uri.pathname}`).toBe('amqps://localhost:5682/mxg-az');
    expect(Object.fromEntries(uri.searchParams)).toEqual({
      cacertfile: '/c/az/ca.cert.pem',
      certfile: '/c/kz/tls/link.cert.pem',
      keyfile: '/c/kz/tls/link.key.pem',
      verify: 'verify_peer',
      server_name_indication: 'localhost',
      auth_mechanism: 'external',
      heartbeat: '10',
    });
  });

  it('#15 scale-out: a link to a peer cluster lists every node, any of which it may connect to', () => {
    // The administrator's TLS files are read (not parsed) for the peer's vhost.
    const dir = mkdtempSync(join(tmpdir(), 'mxg-link-'));
    const file = join(dir, 'pem');
    writeFileSync(file, '');
    const az = node('az', 5791, {
      clientTls: { ca: file, cert: file, key: file },
      parties: [
        { party: 'AZ', vhost: 'mxg-az', user: 'mxg-az', password: { value: 'p', created: false } },
      ],
    });
    const kzLink = join(dir, 'kz-link.pem');
    writeFileSync(kzLink, certificateWith('/C=KZ/O=KZ/CN=mxg-link-kz'));
    const kz = node('kz', 5681, {
      link: { cert: kzLink, key: '/c/kz/tls/link.key.pem' },
      links: [
        {
          party: 'AZ',
          host: 'localhost',
          port: 5791,
          vhost: 'mxg-az',
          alternates: [
            { host: 'localhost', port: 5792 },
            { host: 'localhost', port: 5793 },
          ],
        },
      ],
    });
    const { linkUri } = partyVhostOn([kz, az], 'AZ', kz);
    expect(Array.isArray(linkUri)).toBe(true);
    expect([...linkUri].map((u) => new URL(u).port)).toEqual(['5791', '5792', '5793']);
    for (const uri of linkUri) {
      expect(new URL(uri).searchParams.get('certfile')).toBe(kzLink);
    }
    // Without alternates, one URI as before: a single node's shovel definition is unchanged.
    const single = node('kz', 5681, { link: kz.link });
    expect(typeof partyVhostOn([single, az], 'AZ', single).linkUri).toBe('string');
    rmSync(dir, { recursive: true, force: true });
  });

  it('has a link between nodes stamp its own link user as user_id; one inside a node keeps the sender’s', () => {
    const dir = mkdtempSync(join(tmpdir(), 'mxg-link-user-'));
    try {
      const pem = (name: string, subject: string) => {
        const certPath = join(dir, `${name}.pem`);
        selfSignedCertificate({ subject, certPath, keyPath: join(dir, `${name}.key`) });
        return certPath;
      };
      const kzLink = pem('kz-link', '/C=KZ/O=KZ/CN=mxg-link-kz');
      const any = pem('any', '/CN=any');
      const node = (party: string, link: string, parties: string[]) =>
        ({
          spec: { party, node: `mxg-${party}@localhost`, port: 5681, server: {}, trusted: [] },
          host: 'localhost',
          admin: { user: 'a', password: { value: 'p', created: false } },
          clientTls: { ca: any, cert: any, key: join(dir, 'any.key') },
          link: { cert: link, key: '' },
          parties: parties.map((p) => ({ party: p, vhost: `v-${p}`, user: p, password: {} })),
        }) as unknown as SovereignNode;
      const kz = node('KZ', kzLink, ['KZ', 'KG']);
      const az = node('AZ', any, ['AZ']);
      // The node AZ's vhost is on checks user_id against the user KZ's link logs in as.
      expect(partyVhostOn([kz, az], 'AZ', kz).linkUser).toBe('CN=mxg-link-kz,O=KZ,C=KZ');
      // In-node (a direct connection), and as the administrator reaches it: nothing stamped.
      expect(partyVhostOn([kz, az], 'KG', kz).linkUser).toBeUndefined();
      expect(partyVhostOn([kz, az], 'AZ').linkUser).toBeUndefined();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
