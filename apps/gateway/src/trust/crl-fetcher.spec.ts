import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Logger } from '@nestjs/common';
import type { MxgConfigService } from '@mxg/config';
import { SystemClock } from '@mxg/core';
import { crlDer, TrustList } from '@mxg/envelope';
import { initPki, loadCertificatePem, partyPkiPaths } from '@mxg/pki';
import { CrlFetcher } from './crl-fetcher';
import { PersistentCrlArchive } from './persistent-crl-archive';

/** What the fake CRL distribution point answers, in turn; the last answer repeats. */
type Answer = { status: number; body: Buffer | string };

describe(CrlFetcher.name, () => {
  let certsDir: string;
  let server: Server;
  let answers: Answer[];
  let requests: number;
  let sut: CrlFetcher | undefined;
  const inserts: unknown[][] = [];
  const logs: string[] = [];

  beforeAll(async () => {
    server = createServer((_request, response) => {
      const answer = answers[Math.min(requests, answers.length - 1)];
      requests += 1;
      response.writeHead(answer.status, { 'content-type': 'application/pkix-crl' });
      response.end(answer.body);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    certsDir = await mkdtemp(join(tmpdir(), 'mxg-crl-fetcher-'));
    await initPki({
      certsDir,
      parties: [
        {
          code: 'KZ',
          nameEn: 'Kazakhstan',
          signatories: [],
          crlDistributionPoint: `http://127.0.0.1:${port}/pki/kz.crl`,
        },
        { code: 'AZ', nameEn: 'Azerbaijan', signatories: [] },
      ],
    });
    const keep = (message: unknown) => {
      logs.push(String(message));
    };
    jest.spyOn(Logger.prototype, 'log').mockImplementation(keep);
    jest.spyOn(Logger.prototype, 'warn').mockImplementation(keep);
  });

  afterAll(async () => {
    jest.restoreAllMocks();
    await new Promise((resolve) => server.close(resolve));
    await rm(certsDir, { recursive: true, force: true });
  });

  afterEach(async () => {
    await sut?.onApplicationShutdown();
    sut = undefined;
    logs.length = 0;
    inserts.length = 0;
  });

  async function start(): Promise<TrustList> {
    requests = 0;
    const archive = await PersistentCrlArchive.load(
      {
        query: (sql: string, parameters?: unknown[]) => {
          if (sql.includes('INSERT')) inserts.push(parameters ?? []);
          return Promise.resolve([]);
        },
      },
      (message) => logs.push(message),
    );
    const trust = new TrustList({ archive });
    for (const party of ['KZ', 'AZ']) {
      const paths = partyPkiPaths(certsDir, party);
      trust.addParty({
        party,
        anchors: [await loadCertificatePem(paths.caCertificate)],
        seals: [await loadCertificatePem(paths.gateway.seal.certificate)],
        encryptionCertificates: [await loadCertificatePem(paths.gateway.encryption.certificate)],
      });
    }
    const config = { gateway: { party: 'AZ' }, env: { MXG_CRL_REFRESH_MS: 50 } };
    sut = new CrlFetcher(trust, archive, config as unknown as MxgConfigService, new SystemClock());
    sut.onApplicationBootstrap();
    return trust;
  }
  const until = async (what: () => boolean) => {
    for (let i = 0; i < 200 && !what(); i++) await new Promise((r) => setTimeout(r, 25));
    expect(what()).toBe(true);
  };
  const kzCrl = async () =>
    Buffer.from(crlDer(await readFile(partyPkiPaths(certsDir, 'KZ').caCrl, 'latin1'))!);

  it('fetches the peer’s CRL from the distribution point its certificates name, and archives it', async () => {
    answers = [{ status: 200, body: await kzCrl() }];
    const trust = await start();
    await until(() => trust.party('KZ').archive.length === 1);
    expect(trust.party('KZ').archive[0].source).toMatch(
      /^url:http:\/\/127\.0\.0\.1:\d+\/pki\/kz\.crl$/,
    );
    expect(inserts).toHaveLength(1);
    expect(inserts[0][0]).toBe('KZ');
    expect(sut!.state('KZ')).toMatchObject({ outcome: 'archived', failures: 0 });
    // Its own party (AZ, no distribution point here) is never fetched.
    expect(sut!.state('AZ')).toBeUndefined();
  });

  it('retries after failures and refusals, logging party, URL and status only, then takes a good CRL', async () => {
    const foreign = Buffer.from(
      crlDer(await readFile(partyPkiPaths(certsDir, 'AZ').caCrl, 'latin1'))!,
    );
    answers = [
      { status: 500, body: 'stack trace with SECRET-DETAIL' },
      { status: 200, body: 'SECRET-DETAIL, not a CRL' },
      { status: 200, body: foreign },
      { status: 200, body: await kzCrl() },
    ];
    const trust = await start();
    await until(() => trust.party('KZ').archive.length === 1);
    expect(requests).toBeGreaterThanOrEqual(4);
    const warnings = logs.filter((l) => l.includes('could not be fetched'));
    expect(warnings.map((w) => w.replace(/http:\/\/127\.0\.0\.1:\d+/, 'URL'))).toEqual([
      "KZ's CRL could not be fetched from URL/pki/kz.crl: HTTP 500; retrying (1 failure(s) in a row)",
      "KZ's CRL could not be fetched from URL/pki/kz.crl: refused: the answer is not a CRL; retrying (2 failure(s) in a row)",
      "KZ's CRL could not be fetched from URL/pki/kz.crl: refused: is not a CRL signed by KZ's CA; retrying (3 failure(s) in a row)",
    ]);
    expect(logs.join('\n')).not.toContain('SECRET');
    expect(inserts).toHaveLength(1);
  });
});
