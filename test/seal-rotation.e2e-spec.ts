import { execFile } from 'node:child_process';
import { X509Certificate } from 'node:crypto';
import { join } from 'node:path';
import { parseSignedData, signerFromKeyObject } from '@mxg/cms';
import { MxgConfigService } from '@mxg/config';
import { FileKeyStore, FileTrustStore, sealEnvelope, type SigningKey } from '@mxg/envelope';
import { keyGenerationPaths, loadCertificatePem, loadPrivateKey, partyPkiPaths } from '@mxg/pki';
import { createExchangeNetwork, type ExchangeNetwork } from './support/exchange-network';
import { eventually, type ExchangePair, type GatewayUnderTest } from './support/exchange-pair';
import { refusals, statusBecomes, submit } from './support/exchange-checks';
import { sql } from './support/faults';
import { migRequest } from './support/pki-fixture';
import { publishRaw } from './support/raw-delivery';

const ROOT = join(__dirname, '..');
const MXG = join(ROOT, 'apps', 'cli', 'bin', 'mxg.js');
const DAY = 86_400_000;

function mxg(certsDir: string, args: string[]): Promise<{ code: number; stdout: string }> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [MXG, ...args],
      { cwd: ROOT, env: { ...process.env, MXG_CERTS_DIR: certsDir, TZ: 'UTC' } },
      (error, stdout) => resolve({ code: error ? Number(error.code) : 0, stdout }),
    );
  });
}

/**
 * Issue #14, key generations: `mxg pki rotate` issues KZ's next seal while its gateway runs.
 * Envelopes sealed with generation 1 — delivered before, or still queued for AZ while AZ is down
 * — and those sealed with generation 2 afterwards are all accepted: AZ trusts every generation
 * valid at sealing time (the overlap), and KZ's gateway moves to generation 2 on its own.
 */
describe('#14 seal rotation with an overlap (two gateway processes, mxg pki rotate)', () => {
  let network: ExchangeNetwork;
  let pair: ExchangePair;
  let kz: GatewayUnderTest;
  let az: GatewayUnderTest;
  let generation1: string;
  let generation2: string;
  const sealedWith = new Map<string, string>();

  beforeAll(async () => {
    network = await createExchangeNetwork({ parties: ['KZ', 'AZ'] });
    kz = network.gateway('KZ');
    az = network.gateway('AZ');
    pair = { kz, az, broker: network.broker, configDir: network.configDir, close: network.close };
    const seal = partyPkiPaths(network.certsDir, 'KZ').gateway.seal;
    generation1 = (await loadCertificatePem(seal.certificate)).serialNumber;
  }, 120_000);

  afterAll(() => network?.close());

  /** The serial of the seal certificate on the envelope KZ sent for message `id`. */
  const sealSerial = async (id: string): Promise<string> => {
    const [row] = await sql<{ envelope: Buffer }>(
      kz.db,
      // KZ keeps the envelope as sent (encrypted for AZ, its outer signature in clear).
      `SELECT envelope FROM mxg.message_contents WHERE message_id = $1`,
      [id],
    );
    const certificate = parseSignedData(row.envelope).signers[0].certificate!;
    return new X509Certificate(certificate).serialNumber;
  };
  const send = async (): Promise<string> => {
    const id = await submit(pair);
    sealedWith.set(id, await sealSerial(id));
    return id;
  };

  it('before the rotation, KZ seals with generation 1 and AZ accepts', async () => {
    const id = await send();
    expect(sealedWith.get(id)).toBe(generation1);
    await statusBecomes(kz, id, 'delivered');
  });

  it('#14 envelopes sealed with generation 1 and queued, then generation 2 after the rotation: all accepted', async () => {
    await az.stop();
    const queued = await send();
    expect(sealedWith.get(queued)).toBe(generation1);

    const rotated = await mxg(network.certsDir, [
      'pki',
      'rotate',
      '--party',
      'KZ',
      '--key',
      'seal',
    ]);
    expect(rotated.code).toBe(0);
    expect(rotated.stdout).toContain('seal generation 2 issued at kz/gateway/seal.2.cert.pem');
    const seal = partyPkiPaths(network.certsDir, 'KZ').gateway.seal;
    generation2 = (await loadCertificatePem(keyGenerationPaths(seal, 2).certificate)).serialNumber;
    expect(generation2).not.toBe(generation1);

    // KZ's running gateway moves to generation 2 by itself (its key store looks for new
    // generations while it runs); what it seals meanwhile is generation 1, queued like the rest.
    const moved = await eventually(
      async () => {
        const id = await send();
        return sealedWith.get(id) === generation2 ? id : undefined;
      },
      30_000,
      'a message sealed with generation 2',
    );
    expect(moved).toBeDefined();

    // AZ comes back to a queue holding both generations' envelopes, with both certificates.
    await az.start();
    for (const id of sealedWith.keys()) await statusBecomes(kz, id, 'delivered', 30_000);
    expect(new Set(sealedWith.values())).toEqual(new Set([generation1, generation2]));
    expect(await refusals(az)).toEqual({});
  });

  it('#14 during the overlap AZ still accepts an envelope sealed with generation 1, and KZ keeps sealing with generation 2', async () => {
    const config = MxgConfigService.load({ env: { MXG_CONFIG_DIR: network.configDir } });
    const trust = new FileTrustStore(network.certsDir, config.treaty);
    const seal = partyPkiPaths(network.certsDir, 'KZ').gateway.seal;
    const certificate = await loadCertificatePem(seal.certificate);
    const signer = signerFromKeyObject(certificate, await loadPrivateKey(seal.privateKey));
    const oldSeal: SigningKey = { certificate, sign: (data, scheme) => signer.sign(data, scheme) };
    const message = migRequest(new Date());
    const sealed = await sealEnvelope({
      message,
      signatory: await new FileKeyStore(network.certsDir, 'KZ').signatory('kz-mvd-migration-head'),
      seal: oldSeal,
      recipient: trust.party('AZ').encryption!,
      trust,
      policy: config.treaty.agreement('MIG').algorithms,
      signingTime: new Date(),
    });
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
        return body.messages?.find((m) => m.id === message.header.id);
      },
      20_000,
      'the generation-1 envelope in AZ’s inbox',
    );

    const id = await send();
    expect(sealedWith.get(id)).toBe(generation2);
    await statusBecomes(kz, id, 'delivered');
    expect(await refusals(az)).toEqual({});
  });

  it('#14 a rotation while both run: started a day later, AZ trusts the new seal before KZ moves to it — no restart, nothing refused', async () => {
    const start = new Date(Date.now() + DAY);
    const rotated = await mxg(network.certsDir, [
      'pki',
      'rotate',
      '--party',
      'KZ',
      '--key',
      'seal',
      '--start',
      start.toISOString(),
    ]);
    expect(rotated.code).toBe(0);
    const seal = partyPkiPaths(network.certsDir, 'KZ').gateway.seal;
    const generation3 = (await loadCertificatePem(keyGenerationPaths(seal, 3).certificate))
      .serialNumber;
    const azProcess = az.process.child.pid;
    // AZ takes the new certificate into its trust list while running …
    await eventually(
      async () => {
        const response = await fetch(`http://127.0.0.1:${az.port}/health`);
        const body = (await response.json()) as {
          trust: { parties: Record<string, { certificates: { seals: string[] } }> };
        };
        return body.trust.parties.KZ.certificates.seals.includes(generation3) ? true : undefined;
      },
      30_000,
      'AZ trusting KZ’s seal generation 3',
    );
    // … and until its start KZ keeps sealing with generation 2.
    const before = await send();
    expect(sealedWith.get(before)).toBe(generation2);

    // The day passes for both gateways: KZ moves to generation 3 by itself.
    kz.setClockOffset(DAY + 60_000);
    az.setClockOffset(DAY + 60_000);
    try {
      await eventually(
        async () => {
          const id = await send();
          return sealedWith.get(id) === generation3 ? id : undefined;
        },
        30_000,
        'a message sealed with generation 3',
      );
      for (const id of sealedWith.keys()) await statusBecomes(kz, id, 'delivered', 30_000);
      expect(await refusals(az)).toEqual({});
      expect(az.process.child.pid).toBe(azProcess);
    } finally {
      kz.setClockOffset(0);
      az.setClockOffset(0);
    }
  });
});
