import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';
import { parse, stringify } from 'yaml';
import { partyPkiPaths } from '@mxg/pki';
import { tlsFetch } from '../apps/gateway/src/tls/tls-fetch';
import { eventually } from './support/exchange-pair';
import { createExchangeNetwork, type ExchangeNetwork } from './support/exchange-network';
import { expectProblemResponse } from './support/problem';
import { partyClientIdentity, strangerClientIdentity, type TlsIdentity } from './support/test-tls';

/**
 * #15: the national-system API over HTTPS. KZ's gateway asks for client certificates
 * (`optional`), AZ's demands one from AZ's CA (`require`) on top of the bearer token.
 */
describe('the national-system API over HTTPS (compiled KZ and AZ gateways, real PostgreSQL and RabbitMQ)', () => {
  let network: ExchangeNetwork;
  let dir: string;
  let caPath: (party: string) => string;
  let azSystem: TlsIdentity;
  let kzSystem: TlsIdentity;
  let stranger: TlsIdentity;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'mxg-https-api-'));
    network = await createExchangeNetwork({
      parties: ['KZ', 'AZ'],
      tls: { clientCertificates: 'optional' },
      start: { AZ: false },
      configureGateway: {
        AZ: (configDir) => {
          const file = join(configDir, 'gateways', 'az.yaml');
          const gateway = parse(readFileSync(file, 'utf8')) as { http: { tls: object } };
          gateway.http.tls = { clientCertificates: 'require' };
          writeFileSync(file, stringify(gateway));
        },
      },
    });
    caPath = (party) => partyPkiPaths(network.certsDir, party).caCertificate;
    // AZ on a certificates directory without KZ's CRL: what it knows of it, it fetched from KZ's
    // distribution point (as in crl-refresh.e2e).
    const azCerts = join(dir, 'az-certs');
    cpSync(network.certsDir, azCerts, { recursive: true });
    rmSync(partyPkiPaths(azCerts, 'KZ').caCrl);
    await network.gateway('AZ').start({ MXG_CERTS_DIR: azCerts });
    azSystem = partyClientIdentity(network.certsDir, 'AZ', dir, 'az-dmx-system');
    kzSystem = partyClientIdentity(network.certsDir, 'KZ', dir, 'kz-mvd-system');
    stranger = strangerClientIdentity(join(dir, 'stranger'));
  });

  afterAll(async () => {
    await network?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const port = (party: string) => network.gateway(party).port;
  const bearer = (party: string, client: string) => ({
    authorization: `Bearer ${network.gateway(party).token(client)}`,
  });

  it('refuses plain HTTP on the API port: 400 HTTPS_REQUIRED, no API answer, even with a valid token', async () => {
    for (const path of ['/v1/audit/entries?limit=1', '/health', '/docs']) {
      const response = await fetch(`http://127.0.0.1:${port('KZ')}${path}`, {
        headers: bearer('KZ', 'auditor'),
      });
      const problem = await expectProblemResponse(response, {
        status: 400,
        code: 'HTTPS_REQUIRED',
      });
      expect(problem.detail).toContain('HTTPS only');
    }
    // The same request over HTTPS is answered.
    const answer = await network.gateway('KZ').api('auditor', 'GET', '/v1/audit/entries?limit=1');
    expect(answer.status).toBe(200);
  });

  it("serves its certificate to openssl s_client, which verifies it against the party's CA and not another's", () => {
    const sClient = (ca: string) =>
      spawnSync(
        'openssl',
        [
          's_client',
          '-connect',
          `127.0.0.1:${port('KZ')}`,
          '-CAfile',
          ca,
          '-verify_return_error',
          '-verify_ip',
          '127.0.0.1',
        ],
        { input: '', encoding: 'utf8', timeout: 20_000 },
      );
    const good = sClient(caPath('KZ'));
    expect(good.stdout).toContain('Verify return code: 0 (ok)');
    expect(good.status).toBe(0);
    const wrong = sClient(caPath('AZ'));
    expect(wrong.status).not.toBe(0);
    expect(`${wrong.stdout}${wrong.stderr}`).toMatch(
      /unable to get local issuer certificate|verify error/,
    );
  });

  it("a client that trusts only another party's CA does not talk to the gateway", async () => {
    const viaAzCa = tlsFetch({ ca: readFileSync(caPath('AZ')) });
    await expect(viaAzCa(`https://127.0.0.1:${port('KZ')}/health`)).rejects.toThrow(
      /self[- ]signed|unable to (get|verify)|certificate/i,
    );
    const viaKzCa = tlsFetch({ ca: readFileSync(caPath('KZ')) });
    expect((await viaKzCa(`https://127.0.0.1:${port('KZ')}/health`)).status).toBe(200);
  });

  it('keeps the CRL distribution point on plain http: GET /pki/kz.crl answers the CA-signed CRL, and AZ fetched it from there', async () => {
    const response = await fetch(`http://127.0.0.1:${port('KZ')}/pki/kz.crl`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('application/pkix-crl');
    const crl = join(dir, 'kz.crl');
    writeFileSync(crl, Buffer.from(await response.arrayBuffer()));
    const verified = spawnSync(
      'openssl',
      ['crl', '-inform', 'DER', '-in', crl, '-CAfile', caPath('KZ'), '-noout'],
      { encoding: 'utf8' },
    );
    expect(`${verified.stdout}${verified.stderr}`).toContain('verify OK');
    // Nothing else passes on plain http: not another name, not another method.
    expect((await fetch(`http://127.0.0.1:${port('KZ')}/pki/az.crl`)).status).toBe(400);
    expect(
      (await fetch(`http://127.0.0.1:${port('KZ')}/pki/kz.crl`, { method: 'POST' })).status,
    ).toBe(400);

    // AZ's CRL fetcher reached KZ's distribution point as the certificates name it.
    const source = `url:http://127.0.0.1:${port('KZ')}/pki/kz.crl`;
    const client = new Client({ connectionString: network.gateway('AZ').db.appUrl });
    await client.connect();
    try {
      await eventually(
        async () => {
          const { rows } = await client.query<{ source: string }>(
            `SELECT source FROM mxg.crl_archive WHERE party = 'KZ'`,
          );
          return rows.some((r) => r.source === source) ? true : undefined;
        },
        20_000,
        "AZ archiving KZ's CRL fetched over plain http",
      );
    } finally {
      await client.end();
    }
  });

  describe("clientCertificates: 'optional' (KZ)", () => {
    it('answers a national system without a client certificate, and one with a certificate from KZ’s CA', async () => {
      const kzCa = readFileSync(caPath('KZ'));
      const url = `https://127.0.0.1:${port('KZ')}/v1/audit/entries?limit=1`;
      expect((await tlsFetch({ ca: kzCa })(url, { headers: bearer('KZ', 'auditor') })).status).toBe(
        200,
      );
      const withCert = tlsFetch({ ca: kzCa, cert: kzSystem.cert, key: kzSystem.key });
      expect((await withCert(url, { headers: bearer('KZ', 'auditor') })).status).toBe(200);
    });
  });

  describe("clientCertificates: 'require' (AZ)", () => {
    const call = async (
      identity: Partial<TlsIdentity>,
      path = '/v1/audit/entries?limit=1',
      token = true,
    ) => {
      const fetchAs = tlsFetch({
        ca: readFileSync(caPath('AZ')),
        cert: identity.cert,
        key: identity.key,
      });
      const response = await fetchAs(`https://127.0.0.1:${port('AZ')}${path}`, {
        headers: token ? bearer('AZ', 'auditor') : {},
      });
      if (response.status < 400) return { status: response.status, body: {} };
      // Refused before routing (an onRequest hook), yet in the API's one shape.
      const problem = await expectProblemResponse(response);
      return { status: response.status, body: problem as { code?: string } };
    };

    it('refuses a national system without a client certificate, even with its bearer token: 401 TLS_CLIENT_CERTIFICATE_REQUIRED', async () => {
      expect(await call({})).toEqual({
        status: 401,
        body: expect.objectContaining({ code: 'TLS_CLIENT_CERTIFICATE_REQUIRED' }) as object,
      });
    });

    it("answers one with a client certificate from AZ's CA and its bearer token", async () => {
      expect((await call(azSystem)).status).toBe(200);
      // The certificate is in addition to the token, not instead of it.
      expect(await call(azSystem, '/v1/audit/entries?limit=1', false)).toEqual({
        status: 401,
        body: expect.objectContaining({ code: 'AUTH_UNAUTHENTICATED' }) as object,
      });
    });

    it("refuses a client certificate from a stranger's CA, and one from KZ's CA (a peer's, good for witness calls only): 403 TLS_CLIENT_CERTIFICATE_UNTRUSTED", async () => {
      for (const identity of [stranger, kzSystem]) {
        expect(await call(identity)).toEqual({
          status: 403,
          body: expect.objectContaining({ code: 'TLS_CLIENT_CERTIFICATE_UNTRUSTED' }) as object,
        });
      }
    });

    it('still answers /health without a client certificate (probes)', async () => {
      expect((await call({}, '/health', false)).status).toBe(200);
    });
  });
});
