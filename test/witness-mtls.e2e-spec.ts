import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { partyPkiPaths } from '@mxg/pki';
import { tlsFetch } from '../apps/gateway/src/tls/tls-fetch';
import { eventually } from './support/exchange-pair';
import {
  createExchangeNetwork,
  type ExchangeNetwork,
  type GatewayUnderTest,
} from './support/exchange-network';
import { queryOnce } from './support/test-database';
import { strangerClientIdentity, type TlsPair } from './support/test-tls';

const query = queryOnce;

/**
 * #15: witness calls between gateways over HTTPS with mutual TLS. Each gateway presents its
 * party's TLS client certificate and verifies the peer's server against the peer party's CA;
 * the witness takes a call only from a client certificate of a witness peer's CA, for that
 * peer's own log.
 */
describe('audit witnessing over mutual TLS (compiled KZ and AZ gateways serving HTTPS only)', () => {
  let network: ExchangeNetwork;
  let kz: GatewayUnderTest;
  let az: GatewayUnderTest;
  let dir: string;
  let stranger: TlsPair;
  const pairOf = (party: string, kind: 'client' | 'server'): TlsPair => {
    const paths = partyPkiPaths(network.certsDir, party).tls[kind];
    return {
      cert: readFileSync(paths.certificate, 'utf8'),
      key: readFileSync(paths.privateKey, 'utf8'),
    };
  };

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'mxg-witness-mtls-'));
    network = await createExchangeNetwork({ parties: ['KZ', 'AZ'], tls: {} });
    kz = network.gateway('KZ');
    az = network.gateway('AZ');
    stranger = strangerClientIdentity(dir);
  });

  afterAll(async () => {
    await network?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  /** The latest checkpoint of a gateway's log, whether it covers every entry, and `witness`'s cosignature on it. */
  const latest = async (g: GatewayUnderTest, witness: string) =>
    (
      await query<{ tree_size: string; entries: string; cosigned: string | null }>(
        g.db.appUrl,
        `SELECT c.tree_size, (SELECT count(*) FROM audit_entries) AS entries, w.note AS cosigned
         FROM audit_checkpoints c
         LEFT JOIN audit_witness_signatures w ON w.tree_size = c.tree_size AND w.witness = $1
         ORDER BY c.tree_size DESC LIMIT 1`,
        [witness],
      )
    )[0];

  it("each gateway's checkpoints are countersigned by the other, over mutual TLS", async () => {
    let round = 0;
    const cosigned = await eventually(
      async () => {
        const [k, a] = await Promise.all([
          latest(kz, 'mxg.az/witness'),
          latest(az, 'mxg.kz/witness'),
        ]);
        if (k?.cosigned && a?.cosigned) return { k, a };
        // A checkpoint sent before the peer listened is retried with the next: an auditor's
        // query logs one more entry, hence one more checkpoint.
        if (++round % 6 === 0) {
          if (k && !k.cosigned)
            expect((await kz.api('auditor', 'GET', '/v1/audit/entries?limit=1')).status).toBe(200);
          if (a && !a.cosigned)
            expect((await az.api('auditor', 'GET', '/v1/audit/entries?limit=1')).status).toBe(200);
        }
        return undefined;
      },
      60_000,
      'both logs cosigned by the other',
    );
    expect(cosigned.k.cosigned).toContain('— mxg.az/witness ');
    expect(cosigned.a.cosigned).toContain('— mxg.kz/witness ');
    // The witness kept what it countersigned; nothing of the peer's was refused on the way.
    for (const [witness, origin] of [
      [az, 'mxg.kz/audit'],
      [kz, 'mxg.az/audit'],
    ] as const) {
      const kept = await query<{ n: string }>(
        witness.db.appUrl,
        `SELECT count(*) AS n FROM audit_witnessed_checkpoints WHERE origin = $1`,
        [origin],
      );
      expect(Number(kept[0].n)).toBeGreaterThan(0);
    }
  });

  describe("KZ's witness endpoint", () => {
    const kzCa = () => readFileSync(partyPkiPaths(network.certsDir, 'KZ').caCertificate, 'utf8');
    const submit = async (client: Partial<TlsPair>, origin: string) => {
      const fetchAs = tlsFetch({ ca: kzCa(), cert: client.cert, key: client.key });
      const response = await fetchAs(`https://127.0.0.1:${kz.port}/v1/audit/witness`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({
          note: `${origin}\n1\n${Buffer.alloc(32).toString('base64')}\n\n— ${origin} AAAA\n`,
          oldSize: 0,
          consistency: [],
          certificate: 'not a certificate',
        }),
      });
      return { status: response.status, code: ((await response.json()) as { code: string }).code };
    };
    const refusedCodes = async () =>
      (
        await query<{ error_code: string }>(
          kz.db.appUrl,
          `SELECT DISTINCT error_code FROM audit_entries WHERE event_type = 'audit.witness-refused'`,
        )
      ).map((r) => r.error_code);

    it('refuses a call without a client certificate: 401 AUDIT_WITNESS_CLIENT_CERTIFICATE_REQUIRED', async () => {
      expect(await submit({}, 'mxg.az/audit')).toEqual({
        status: 401,
        code: 'AUDIT_WITNESS_CLIENT_CERTIFICATE_REQUIRED',
      });
    });

    it("refuses a client certificate from a stranger's CA, and from KZ's own CA (not a witness peer's): 403 AUDIT_WITNESS_CALLER_UNTRUSTED", async () => {
      expect(await submit(stranger, 'mxg.az/audit')).toEqual({
        status: 403,
        code: 'AUDIT_WITNESS_CALLER_UNTRUSTED',
      });
      expect(await submit(pairOf('KZ', 'client'), 'mxg.az/audit')).toEqual({
        status: 403,
        code: 'AUDIT_WITNESS_CALLER_UNTRUSTED',
      });
      // A server certificate of AZ's CA is not a client certificate either.
      expect(await submit(pairOf('AZ', 'server'), 'mxg.az/audit')).toEqual({
        status: 403,
        code: 'AUDIT_WITNESS_CALLER_UNTRUSTED',
      });
    });

    it("refuses AZ's certificate for a checkpoint of another party's log: 403 AUDIT_WITNESS_CALLER_UNTRUSTED", async () => {
      expect(await submit(pairOf('AZ', 'client'), 'mxg.kz/audit')).toEqual({
        status: 403,
        code: 'AUDIT_WITNESS_CALLER_UNTRUSTED',
      });
    });

    it("lets AZ's certificate through to the witness itself, which judges the checkpoint (here: malformed)", async () => {
      const answer = await submit(pairOf('AZ', 'client'), 'mxg.az/audit');
      expect(answer.code).not.toMatch(/^AUDIT_WITNESS_(CALLER|CLIENT)/);
      expect(answer.status).toBeGreaterThanOrEqual(400);
    });

    it('refuses a witness call over plain HTTP: 400 HTTPS_REQUIRED', async () => {
      const response = await fetch(`http://127.0.0.1:${kz.port}/v1/audit/witness`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: '{}',
      });
      expect(response.status).toBe(400);
      expect(((await response.json()) as { code: string }).code).toBe('HTTPS_REQUIRED');
    });

    it('puts the refused callers on the audit record, by code', async () => {
      await eventually(
        async () => {
          const codes = await refusedCodes();
          return codes.includes('AUDIT_WITNESS_CLIENT_CERTIFICATE_REQUIRED') &&
            codes.includes('AUDIT_WITNESS_CALLER_UNTRUSTED')
            ? codes
            : undefined;
        },
        20_000,
        'the refusals audited',
      );
    });
  });
});
