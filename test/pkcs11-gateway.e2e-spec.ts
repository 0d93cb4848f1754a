import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse, stringify } from 'yaml';
import { Client } from 'pg';
import { auditLogOrigin } from '@mxg/audit';
import { exampleMessage } from '@mxg/messages';
import { partyPkiPaths } from '@mxg/pki';
import { mxg } from './support/audit-fixtures';
import { freePort, spawnGateway } from './support/gateway-process';
import {
  createExchangeNetwork,
  type ExchangeNetwork,
  type GatewayUnderTest,
} from './support/exchange-network';
import { eventually, registrationRequest } from './support/exchange-pair';
import { createSoftHsm, SOFTHSM_MODULE, type SoftHsm } from './support/softhsm-token';

const PIN = '2468-gateway';

interface View {
  id: string;
  status: string;
  correlationId: string;
  receipt?: { status: string } | null;
  messages?: View[];
}

/**
 * #14: a pair of gateways, Kazakhstan's with every key in a PKCS#11 token (SoftHSM2) and
 * Azerbaijan's with key files, exchanging messages both ways with signed receipts. KZ's keys are
 * generated in the token by `mxg pki init --pkcs11`; no KZ private key exists as a file.
 */
describe('PKCS#11: a gateway with its keys in SoftHSM2 and one with files', () => {
  let hsm: SoftHsm;
  let network: ExchangeNetwork;
  let kz: GatewayUnderTest;
  let az: GatewayUnderTest;
  let work: string;
  let certsDir: string;
  let pkiOutput: string;

  beforeAll(async () => {
    hsm = createSoftHsm('own');
    work = mkdtempSync(join(tmpdir(), 'mxg-pkcs11-e2e-'));
    const token = hsm.initToken('kz-gateway', PIN);
    const tokenEnv = { SOFTHSM2_CONF: hsm.conf, MXG_PKCS11_PIN: PIN };
    network = await createExchangeNetwork({
      parties: ['KZ', 'AZ'],
      configure(configDir) {
        const file = join(configDir, 'gateways', 'kz.yaml');
        const gateway = parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
        gateway.keys = { store: 'pkcs11', module: SOFTHSM_MODULE, token };
        writeFileSync(file, stringify(gateway));
      },
      issuePki(env) {
        const init = mxg(['pki', 'init', '--pkcs11'], { ...env, ...tokenEnv, MXG_GATEWAY: 'kz' });
        if (init.status !== 0) throw new Error(`mxg pki init --pkcs11 failed: ${init.stderr}`);
        pkiOutput = init.stdout;
      },
      env: { KZ: tokenEnv },
    });
    certsDir = network.certsDir;
    kz = network.gateway('KZ');
    az = network.gateway('AZ');
  }, 120_000);

  afterAll(async () => {
    await network?.close();
    hsm?.cleanup();
    if (work) rmSync(work, { recursive: true, force: true });
  });

  const inInbox = (gateway: GatewayUnderTest, client: string, id: string) =>
    eventually(
      async () => {
        const { body } = await gateway.api<View>(client, 'GET', '/v1/inbox');
        return body.messages?.find((m) => m.id === id);
      },
      20_000,
      `message ${id} in the inbox`,
    );
  const receipted = (gateway: GatewayUnderTest, client: string, id: string) =>
    eventually(
      async () => {
        const { body } = await gateway.api<View>(client, 'GET', `/v1/messages/${id}`);
        return body.status === 'delivered' && body.receipt ? body : undefined;
      },
      20_000,
      `message ${id} delivered with a receipt`,
    );

  it('generates KZ’s keys in the token: certificates written, no key file', () => {
    expect(pkiOutput).toContain("the keys of KZ are in PKCS#11 token 'kz-gateway-");
    const kzPaths = partyPkiPaths(certsDir, 'KZ');
    for (const leaf of [
      kzPaths.gateway.seal,
      kzPaths.gateway.encryption,
      kzPaths.gateway.auditCheckpoint,
      kzPaths.signatory(registrationRequest().signatory),
    ]) {
      expect(existsSync(leaf.certificate)).toBe(true);
      expect(existsSync(leaf.privateKey)).toBe(false);
    }
    expect(existsSync(partyPkiPaths(certsDir, 'AZ').gateway.seal.privateKey)).toBe(true);
  });

  it('carries a request KZ → AZ and the response AZ → KZ, each with a signed receipt', async () => {
    // KZ: the signatory's signature and the seal are made in the token.
    const submitted = await kz.api<View>('KZ-MVD', 'POST', '/v1/messages', registrationRequest());
    expect(submitted.status).toBe(202);
    const requestId = submitted.body.id;
    await inInbox(az, 'AZ-DMX', requestId);
    // AZ's receipt, verified by KZ.
    expect((await receipted(kz, 'KZ-MVD', requestId)).receipt).toMatchObject({
      status: 'accepted',
    });

    // The token-made signatory signature holds up under OpenSSL, against KZ's CA alone.
    const signed = await az.api<Buffer>('AZ-DMX', 'GET', `/v1/messages/${requestId}/signed`);
    writeFileSync(join(work, 'request.p7s'), signed.body);
    const openssl = spawnSync('openssl', [
      'cms',
      '-verify',
      '-binary',
      '-inform',
      'DER',
      '-in',
      join(work, 'request.p7s'),
      '-CAfile',
      partyPkiPaths(certsDir, 'KZ').caCertificate,
    ]);
    expect(openssl.stderr.toString()).toContain('Verification successful');

    // AZ → KZ: KZ unwraps the content key in the token (RSA-OAEP-SHA256) and seals its receipt there.
    const answer = await az.api<View>('AZ-DMX', 'POST', '/v1/messages', {
      ...exampleMessage('response'),
      inReplyTo: requestId,
    });
    expect(answer.status).toBe(202);
    const response = await inInbox(kz, 'KZ-MVD', answer.body.id);
    expect(response.correlationId).toBe(requestId);
    expect((await receipted(az, 'AZ-DMX', answer.body.id)).receipt).toMatchObject({
      status: 'accepted',
    });
  });

  it("signs KZ's audit checkpoints in the token: AZ, its witness, verifies and records them", async () => {
    const witnessed = await eventually(
      async () => {
        const db = new Client({ connectionString: az.db.appUrl });
        await db.connect();
        try {
          const { rows } = await db.query<{ n: string }>(
            'SELECT count(*) AS n FROM audit_witnessed_checkpoints WHERE origin = $1',
            [auditLogOrigin('KZ')],
          );
          return Number(rows[0].n) > 0 ? Number(rows[0].n) : undefined;
        } finally {
          await db.end();
        }
      },
      30_000,
      'a KZ checkpoint witnessed by AZ',
    );
    expect(witnessed).toBeGreaterThan(0);
  });

  it('does not start with a wrong PIN: KEY_NOT_AVAILABLE, the return code named, never the PIN', async () => {
    const wrongPin = 'wrong-pin-0000';
    const instance = await spawnGateway({
      ...kz.env,
      MXG_HTTP_PORT: String(await freePort()),
      MXG_PKCS11_PIN: wrongPin,
    });
    expect(await instance.exited).not.toBe(0);
    expect(instance.output()).toContain('KEY_NOT_AVAILABLE');
    expect(instance.output()).toContain('CKR_PIN_INCORRECT');
    expect(instance.output()).not.toContain(wrongPin);
  });
});
