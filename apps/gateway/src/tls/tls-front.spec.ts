import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo, Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { tlsFetch } from './tls-fetch';
import { listenTlsFront } from './tls-front';
import { selfSignedCertificate } from '../../../../test/support/test-tls';

describe('the TLS front (#15): HTTPS, and on plain HTTP the CRL only', () => {
  let dir: string;
  let front: Server;
  let ca: string;
  let base: string;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'mxg-tls-front-'));
    const file = (name: string) => join(dir, name);
    // A self-signed server certificate for 127.0.0.1 is its own CA here.
    ca = selfSignedCertificate({
      subject: '/CN=front',
      certPath: file('cert.pem'),
      keyPath: file('key.pem'),
      extensions: ['subjectAltName=IP:127.0.0.1'],
    });
    const app = (request: { url?: string }, response: { end(body: string): void }) =>
      response.end(`app saw ${request.url}`);
    const https = createHttpsServer({ key: readFileSync(file('key.pem')), cert: ca }, app);
    front = await listenTlsFront({
      https,
      app,
      crlPath: '/pki/kz.crl',
      host: '127.0.0.1',
      port: 0,
    });
    base = `127.0.0.1:${(front.address() as AddressInfo).port}`;
  });

  afterAll(async () => {
    await new Promise((resolve) => front.close(resolve));
    rmSync(dir, { recursive: true, force: true });
  });

  it('hands a TLS connection to the HTTPS server, whatever the path', async () => {
    const response = await tlsFetch({ ca })(`https://${base}/audit/entries`);
    expect(await response.text()).toBe('app saw /audit/entries');
  });

  it('serves GET and HEAD of the CRL path on plain HTTP through the application', async () => {
    const response = await fetch(`http://${base}/pki/kz.crl`);
    expect(response.status).toBe(200);
    expect(await response.text()).toBe('app saw /pki/kz.crl');
    expect((await fetch(`http://${base}/pki/kz.crl`, { method: 'HEAD' })).status).toBe(200);
  });

  it.each([
    ['GET', '/audit/entries'],
    ['GET', '/pki/az.crl'],
    ['GET', '/pki/kz.crl/../../health'],
    ['POST', '/pki/kz.crl'],
  ])('refuses plain HTTP %s %s: 400 HTTPS_REQUIRED', async (method, path) => {
    const response = await fetch(`http://${base}${path}`, { method });
    expect(response.status).toBe(400);
    expect(((await response.json()) as { code: string }).code).toBe('HTTPS_REQUIRED');
  });
});
