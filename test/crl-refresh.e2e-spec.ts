import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';
import { readCrl } from '@mxg/cms';
import {
  crlDer,
  FileKeyStore,
  FileTrustStore,
  type SealedEnvelope,
  sealEnvelope,
} from '@mxg/envelope';
import { MxgConfigService } from '@mxg/config';
import { partyPkiPaths } from '@mxg/pki';
import { createExchangeNetwork, type ExchangeNetwork } from './support/exchange-network';
import { eventually, type ExchangePair, type GatewayUnderTest } from './support/exchange-pair';
import { migRequest } from './support/pki-fixture';
import { publishRaw, takeDeadLetters } from './support/raw-delivery';

const ROOT = join(__dirname, '..');
const MXG = join(ROOT, 'apps', 'cli', 'bin', 'mxg.js');
const DAY = 86_400_000;
const SIGNATORY = 'kz-mvd-migration-head';

interface Health {
  status: string;
  trust: {
    status: string;
    parties: Record<
      string,
      { status: string; crlNumber: string | null; nextUpdate: string | null; source: string | null }
    >;
  };
}

function mxg(certsDir: string, args: string[]): Promise<{ code: number; stderr: string }> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [MXG, ...args],
      { cwd: ROOT, env: { ...process.env, MXG_CERTS_DIR: certsDir, TZ: 'UTC' } },
      (error, _stdout, stderr) => resolve({ code: error ? Number(error.code) : 0, stderr }),
    );
  });
}

async function health(gateway: GatewayUnderTest): Promise<{ status: number; body: Health }> {
  const response = await fetch(`http://127.0.0.1:${gateway.port}/health`);
  return { status: response.status, body: (await response.json()) as Health };
}

/**
 * Issue #14, trust-list lifecycle: each gateway serves its party's CRL at the distribution point
 * its certificates name, and fetches its peers' from theirs. AZ runs on a certificates directory
 * of its own that has no copy of KZ's CRL at all: whatever it knows of KZ's revocations came
 * over HTTP from KZ's gateway — `mxg pki revoke` at KZ bites at AZ with no restart and no file
 * copied.
 */
describe('#14 CRLs fetched from their distribution points (two gateway processes)', () => {
  let network: ExchangeNetwork;
  let pair: ExchangePair;
  let kz: GatewayUnderTest;
  let az: GatewayUnderTest;
  let work: string;
  /** AZ's own certificates directory: no KZ CRL in it, ever. */
  let azCerts: string;
  /** The PKI as it was before the revocation, for signing "as KZ would have" afterwards. */
  let before: string;
  let kzUrl: string;

  beforeAll(async () => {
    network = await createExchangeNetwork({
      parties: ['KZ', 'AZ'],
      start: { KZ: false, AZ: false },
    });
    kz = network.gateway('KZ');
    az = network.gateway('AZ');
    pair = { kz, az, broker: network.broker, configDir: network.configDir, close: network.close };
    work = mkdtempSync(join(tmpdir(), 'mxg-crl-refresh-'));
    azCerts = join(work, 'az-certs');
    before = join(work, 'before');
    cpSync(network.certsDir, azCerts, { recursive: true });
    cpSync(network.certsDir, before, { recursive: true });
    rmSync(partyPkiPaths(azCerts, 'KZ').caCrl);
    kzUrl = `http://127.0.0.1:${kz.port}/pki/kz.crl`;
    await kz.start();
    await az.start({ MXG_CERTS_DIR: azCerts, MXG_CRL_REFRESH_MS: '300' });
  }, 120_000);

  afterAll(async () => {
    await network?.close();
    if (work) rmSync(work, { recursive: true, force: true });
  });

  const kzCrlNumber = async (gateway: GatewayUnderTest, wanted: string) =>
    eventually(
      async () => {
        const { body } = await health(gateway);
        const kzTrust = body.trust.parties.KZ;
        return kzTrust.crlNumber === wanted ? kzTrust : undefined;
      },
      20_000,
      `KZ's CRL ${wanted} at ${gateway.party}`,
    );
  const sealedByKz = async (signingTime: Date): Promise<SealedEnvelope> => {
    const config = MxgConfigService.load({ env: { MXG_CONFIG_DIR: network.configDir } });
    // The trust list from before the revocation: KZ's own check would refuse the signatory now.
    const trust = new FileTrustStore(before, config.treaty);
    const keys = new FileKeyStore(network.certsDir, 'KZ');
    return sealEnvelope({
      message: migRequest(signingTime),
      signatory: await keys.signatory(SIGNATORY),
      seal: await keys.seal(),
      recipient: trust.party('AZ').encryption!,
      trust,
      policy: config.treaty.agreement('MIG').algorithms,
      signingTime,
    });
  };
  const archivedAtAz = async () => {
    const client = new Client({ connectionString: az.db.ownerUrl });
    await client.connect();
    try {
      return (
        await client.query<{ crl_number: string; source: string }>(
          `SELECT crl_number::text, source FROM mxg.crl_archive WHERE party = 'KZ' ORDER BY crl_number`,
        )
      ).rows;
    } finally {
      await client.end();
    }
  };

  it('KZ’s gateway serves its CRL, DER, publicly, at the URL its certificates name — and only its own', async () => {
    const response = await fetch(kzUrl);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('application/pkix-crl');
    const served = Buffer.from(await response.arrayBuffer());
    const onFile = crlDer(readFileSync(partyPkiPaths(network.certsDir, 'KZ').caCrl, 'latin1'));
    expect(served.equals(Buffer.from(onFile!))).toBe(true);

    const other = await fetch(`http://127.0.0.1:${kz.port}/pki/az.crl`);
    expect(other.status).toBe(404);
    expect(((await other.json()) as { code: string }).code).toBe('CRL_NOT_FOUND');
  });

  it('AZ fetched KZ’s CRL from that URL at start and archived it with its source', async () => {
    const kzTrust = await kzCrlNumber(az, '1');
    expect(kzTrust).toMatchObject({ status: 'fresh', source: `url:${kzUrl}` });
    expect(await archivedAtAz()).toEqual([{ crl_number: '1', source: `url:${kzUrl}` }]);
  });

  it('a signature by the signatory is accepted at AZ before the revocation', async () => {
    const sealed = await sealedByKz(new Date());
    await publishRaw(pair, 'AZ', [
      { bytes: sealed.envelope, properties: { messageId: sealed.header.id, type: 'mxg.envelope' } },
    ]);
    await eventually(
      async () => {
        const { body } = await az.api<{ messages?: { id: string }[] }>(
          'AZ-DMX',
          'GET',
          '/v1/inbox',
        );
        return body.messages?.find((m) => m.id === sealed.header.id);
      },
      20_000,
      'the message in AZ’s inbox',
    );
  });

  it('#14 after `mxg pki revoke` at KZ, AZ fetches the new CRL and refuses the revoked signer — no restart, no file copied', async () => {
    const azProcess = az.process.child.pid;
    const revoke = await mxg(network.certsDir, [
      'pki',
      'revoke',
      partyPkiPaths(network.certsDir, 'KZ').signatory(SIGNATORY).certificate,
      '--reason',
      'keyCompromise',
    ]);
    expect(revoke.code).toBe(0);
    // KZ serves the new CRL at once (it follows its file) …
    const served = Buffer.from(await (await fetch(kzUrl)).arrayBuffer());
    expect(readCrl(served, []).crlNumber).toBe(2n);
    // … and AZ has fetched it within its refresh interval.
    expect(await kzCrlNumber(az, '2')).toMatchObject({ source: `url:${kzUrl}` });
    expect(await archivedAtAz()).toEqual([
      { crl_number: '1', source: `url:${kzUrl}` },
      { crl_number: '2', source: `url:${kzUrl}` },
    ]);

    const sealed = await sealedByKz(new Date(Date.now() + 1000));
    await publishRaw(pair, 'AZ', [
      { bytes: sealed.envelope, properties: { messageId: sealed.header.id, type: 'mxg.envelope' } },
    ]);
    const [dead] = await takeDeadLetters(
      pair,
      'AZ',
      1,
      (m) => m.properties.messageId === sealed.header.id,
    );
    expect(String(dead.properties.headers?.['x-mxg-error-code'])).toBe('CERT_REVOKED');

    expect(az.process.child.pid).toBe(azProcess);
    expect(az.process.child.exitCode).toBeNull();
    expect(existsSync(partyPkiPaths(azCerts, 'KZ').caCrl)).toBe(false);
  });

  it('#14 the archive as evidence: a security officer lists KZ’s CRL versions at AZ and downloads each exactly as archived; a publisher may not', async () => {
    const listed = await az.api<{
      party: string;
      crls: { crlNumber: string; sha256: string; source: string; href: string }[];
    }>('security-officer', 'GET', '/v1/crl-archive?party=KZ');
    expect(listed.status).toBe(200);
    expect(listed.body.crls.map((c) => [c.crlNumber, c.source])).toEqual([
      ['1', `url:${kzUrl}`],
      ['2', `url:${kzUrl}`],
    ]);
    for (const crl of listed.body.crls) {
      const response = await fetch(`http://127.0.0.1:${az.port}${crl.href}`, {
        headers: { authorization: `Bearer ${az.token('auditor')}` },
      });
      expect(response.status).toBe(200);
      expect(response.headers.get('content-type')).toContain('application/pkix-crl');
      const der = Buffer.from(await response.arrayBuffer());
      expect(createHash('sha256').update(der).digest('hex')).toBe(crl.sha256);
      expect(String(readCrl(der, []).crlNumber)).toBe(crl.crlNumber);
    }
    // #17: pages like every list, oldest first.
    type Page = { crls: { sha256: string }[]; next: string | null };
    const first = await az.api<Page>('auditor', 'GET', '/v1/crl-archive?party=KZ&limit=1');
    expect(first.body.crls.map((c) => c.sha256)).toEqual([listed.body.crls[0].sha256]);
    const second = await az.api<Page>(
      'auditor',
      'GET',
      `/v1/crl-archive?party=KZ&limit=1&cursor=${first.body.next}`,
    );
    expect(second.body).toEqual({
      party: 'KZ',
      crls: [expect.objectContaining({ sha256: listed.body.crls[1].sha256 })],
      next: null,
    });
    expect((await az.api('AZ-DMX', 'GET', '/v1/crl-archive?party=KZ')).status).toBe(403);
    expect((await fetch(`http://127.0.0.1:${az.port}/v1/crl-archive?party=KZ`)).status).toBe(401);
    expect((await az.api('auditor', 'GET', '/v1/crl-archive?party=XX')).status).toBe(400);
    expect(
      (await az.api('auditor', 'GET', `/v1/crl-archive/KZ/${'0'.repeat(64)}.crl`)).status,
    ).toBe(404);
  });

  it('#14 /health turns degraded (still 200) when a CRL is within a day of its nextUpdate, and says which', async () => {
    expect((await health(az)).body.status).toBe('ok');
    az.setClockOffset(29.5 * DAY);
    try {
      const soon = await eventually(async () => {
        const answer = await health(az);
        return answer.body.status === 'degraded' ? answer : undefined;
      });
      expect(soon.status).toBe(200);
      expect(soon.body.trust.parties.KZ).toMatchObject({ status: 'stale-soon', crlNumber: '2' });
      az.setClockOffset(31 * DAY);
      const past = await eventually(async () => {
        const answer = await health(az);
        return answer.body.trust.parties.KZ.status === 'stale' ? answer : undefined;
      });
      expect(past).toMatchObject({ status: 200, body: { status: 'degraded' } });
    } finally {
      az.setClockOffset(0);
    }
    await eventually(async () => ((await health(az)).body.status === 'ok' ? true : undefined));
  });
});
