import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { PeerCertificate } from 'node:tls';
import { dataSourceOptions } from './data-source-options';
import {
  databaseTlsOfUrl,
  databaseTlsProblem,
  databaseUrlWithTls,
  postgresClientConfig,
  postgresSslOptions,
} from './database-tls';

const CA_PEM = '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n';
/** What node hands checkServerIdentity for the development PostgreSQL's certificate. */
const SERVER = {
  subject: { CN: 'mxg-postgresql' },
  subjectaltname: 'DNS:localhost, IP Address:127.0.0.1',
} as unknown as PeerCertificate;

describe('#15 database TLS options (verify-full)', () => {
  let dir: string;
  let ca: string;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'mxg-db-tls-'));
    ca = join(dir, 'ca.cert.pem');
    await writeFile(ca, CA_PEM);
  });

  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('puts sslmode=verify-full and sslrootcert in a URL, replacing what TLS parameters it had', () => {
    const url = databaseUrlWithTls(
      'postgres://app:p%40ss@127.0.0.1:5432/mxg_kz?sslmode=no-verify&ssl=true&application_name=x',
      { ca },
    );
    const parsed = new URL(url);
    expect(parsed.searchParams.get('sslmode')).toBe('verify-full');
    expect(parsed.searchParams.get('sslrootcert')).toBe(ca);
    expect(parsed.searchParams.has('ssl')).toBe(false);
    expect(parsed.searchParams.get('application_name')).toBe('x');
    expect(parsed.password).toBe('p%40ss');
    expect(databaseTlsOfUrl(url)).toEqual({ ca });
  });

  it('reads no TLS from a plain URL and refuses any sslmode short of verify-full', () => {
    expect(databaseTlsOfUrl('postgres://app@127.0.0.1/mxg_kz')).toBeUndefined();
    for (const query of [
      'sslmode=require',
      'sslmode=verify-ca&sslrootcert=/ca',
      'sslmode=verify-full',
      'ssl=true',
    ]) {
      expect(() => databaseTlsOfUrl(`postgres://app@127.0.0.1/mxg_kz?${query}`)).toThrow(
        expect.objectContaining({ code: 'DATABASE_TLS_INVALID' }) as Error,
      );
    }
    expect(() => databaseTlsOfUrl('not a url')).toThrow(
      expect.objectContaining({ code: 'DATABASE_URL_INVALID' }) as Error,
    );
  });

  it('builds ssl: { ca, rejectUnauthorized: true } with the host name checked', () => {
    const ssl = postgresSslOptions({ ca });
    expect(ssl.ca).toBe(CA_PEM);
    expect(ssl.rejectUnauthorized).toBe(true);
    expect(ssl.servername).toBeUndefined();
    // The host node-postgres dialled: an IP address matches an iPAddress entry only.
    expect(ssl.checkServerIdentity('127.0.0.1', SERVER)).toBeUndefined();
    expect(ssl.checkServerIdentity('localhost', SERVER)).toBeUndefined();
    expect(ssl.checkServerIdentity('127.0.0.2', SERVER)).toMatchObject({
      code: 'DATABASE_TLS_REFUSED',
      message: expect.stringContaining('does not name 127.0.0.2') as string,
    });
    expect(ssl.checkServerIdentity('db.example', SERVER)).toMatchObject({
      code: 'DATABASE_TLS_REFUSED',
    });
  });

  it('checks an expected name other than the host dialled, and sends it as SNI', () => {
    const ssl = postgresSslOptions({ ca, servername: 'postgres.example' });
    expect(ssl.servername).toBe('postgres.example');
    expect(ssl.checkServerIdentity('127.0.0.1', SERVER)).toMatchObject({
      code: 'DATABASE_TLS_REFUSED',
      message: expect.stringContaining('does not name postgres.example') as string,
    });
  });

  it('says which CA file it cannot read', () => {
    expect(() => postgresSslOptions({ ca: join(dir, 'missing.pem') })).toThrow(
      expect.objectContaining({ code: 'DATABASE_TLS_CA_UNREADABLE' }) as Error,
    );
  });

  it('gives node-postgres the URL without TLS parameters (they would override ssl) and the ssl options', () => {
    const url = databaseUrlWithTls('postgres://app@127.0.0.1:5432/mxg_kz', { ca });
    const config = postgresClientConfig(url, { application_name: 'mxg-test' });
    expect(config.connectionString).toBe('postgres://app@127.0.0.1:5432/mxg_kz');
    expect(config.application_name).toBe('mxg-test');
    expect(config.ssl).toMatchObject({ ca: CA_PEM, rejectUnauthorized: true });
    const plain = postgresClientConfig('postgres://app@127.0.0.1:5432/mxg_kz');
    expect(plain).toEqual({ connectionString: 'postgres://app@127.0.0.1:5432/mxg_kz' });
  });

  it('gives TypeORM the same: the URL without TLS parameters, ssl beside it', () => {
    const url = databaseUrlWithTls('postgres://app@127.0.0.1:5432/mxg_kz', { ca });
    expect(dataSourceOptions(url)).toMatchObject({
      url: 'postgres://app@127.0.0.1:5432/mxg_kz',
      ssl: { ca: CA_PEM, rejectUnauthorized: true },
    });
    expect(dataSourceOptions('postgres://app@127.0.0.1/x')).not.toHaveProperty('ssl');
  });

  it('explains TLS failures in plain words', () => {
    expect(databaseTlsProblem({ code: 'SELF_SIGNED_CERT_IN_CHAIN', message: 'x' })).toMatch(
      /does not chain to the configured database CA/,
    );
    expect(databaseTlsProblem(new Error('The server does not support SSL connections'))).toMatch(
      /mxg services provision/,
    );
    expect(databaseTlsProblem({ code: '28P01', message: 'password' })).toBeUndefined();
  });
});
