import { readFileSync } from 'node:fs';
import { isIP } from 'node:net';
import { checkServerIdentity, type PeerCertificate } from 'node:tls';
import { MxgError } from '@mxg/core';
import type { ClientConfig } from 'pg';

/**
 * #15: how a gateway reaches PostgreSQL over TLS — `sslmode=verify-full`: the server's
 * certificate must chain to `ca` and name the host dialled.
 */
export interface DatabaseTls {
  /** The CA's certificate (PEM file, absolute path). */
  readonly ca: string;
  /**
   * The name the server's certificate must carry, when it is not the host dialled (tests:
   * dial 127.0.0.1, expect another name). Default: the URL's host.
   */
  readonly servername?: string;
}

/** What node-postgres (and TypeORM, which hands it on) takes as `ssl`: tls.connect options. */
export interface PostgresSslOptions {
  readonly ca: string;
  readonly rejectUnauthorized: true;
  readonly servername?: string;
  readonly checkServerIdentity: (host: string, certificate: PeerCertificate) => Error | undefined;
}

/** The connection-string parameters that carry TLS settings (libpq's and node-postgres'). */
const SSL_PARAMETERS = ['ssl', 'sslmode', 'sslrootcert', 'sslcert', 'sslkey', 'uselibpqcompat'];

/**
 * The URL with `sslmode=verify-full&sslrootcert=<ca>`, replacing any TLS parameters it had:
 * the form libpq (psql) and node-postgres both read, so that a URL handed on — to a child
 * process as DATABASE_URL, to a test's own client — keeps verify-full wherever it goes.
 */
export function databaseUrlWithTls(url: string, tls: DatabaseTls): string {
  const parsed = parseDatabaseUrl(url);
  for (const name of SSL_PARAMETERS) parsed.searchParams.delete(name);
  parsed.searchParams.set('sslmode', 'verify-full');
  parsed.searchParams.set('sslrootcert', tls.ca);
  return parsed.toString();
}

/**
 * The TLS a URL asks for: verify-full against its `sslrootcert`, or undefined when it names
 * none. Any other sslmode (require, verify-ca, no-verify…) is refused: each either skips the
 * chain or the host name check, which #15 rules out for a gateway.
 */
export function databaseTlsOfUrl(url: string): DatabaseTls | undefined {
  const params = parseDatabaseUrl(url).searchParams;
  const mode = params.get('sslmode');
  const ca = params.get('sslrootcert');
  if (mode === null && ca === null && !params.has('ssl')) return undefined;
  if (mode !== 'verify-full' || ca === null || ca === '') {
    throw new MxgError(
      'DATABASE_TLS_INVALID',
      `a database URL that asks for TLS must say sslmode=verify-full and sslrootcert=<CA file> (it says sslmode=${mode ?? 'absent'}, sslrootcert=${ca ?? 'absent'})`,
    );
  }
  return { ca };
}

/**
 * node-postgres' `ssl` for verify-full: the CA read once, `rejectUnauthorized` (the chain), and
 * the server's name checked by node's own `tls.checkServerIdentity` — against `servername`
 * when given, else the host node-postgres dials (an IP address is matched against the
 * certificate's iPAddress entries, a name against its DNS entries).
 */
export function postgresSslOptions(tls: DatabaseTls): PostgresSslOptions {
  let ca: string;
  try {
    ca = readFileSync(tls.ca, 'utf8');
  } catch (error) {
    throw new MxgError(
      'DATABASE_TLS_CA_UNREADABLE',
      `cannot read the database CA certificate ${tls.ca}: ${(error as Error).message}; run \`mxg pki init\`, which issues the development services CA`,
      { path: tls.ca },
    );
  }
  const expected = tls.servername;
  return {
    ca,
    rejectUnauthorized: true,
    // SNI only for a DNS name (RFC 6066 §3); node-postgres sets it for a DNS host itself.
    ...(expected !== undefined && isIP(expected) === 0 ? { servername: expected } : {}),
    checkServerIdentity: (host: string, certificate: PeerCertificate) => {
      const name = expected ?? host;
      const problem = checkServerIdentity(name, certificate);
      if (problem === undefined) return undefined;
      return new MxgError(
        'DATABASE_TLS_REFUSED',
        `PostgreSQL's certificate does not name ${name} (${problem.message})`,
        { host: name },
      );
    },
  };
}

/**
 * The node-postgres client configuration for a URL: when the URL asks for TLS, its TLS
 * parameters are taken out of the connection string (node-postgres would let them override
 * `ssl`) and given as `postgresSslOptions` instead.
 */
export function postgresClientConfig(url: string, extra: ClientConfig = {}): ClientConfig {
  const tls = databaseTlsOfUrl(url);
  if (tls === undefined) return { ...extra, connectionString: url };
  return { ...extra, connectionString: withoutTlsParameters(url), ssl: postgresSslOptions(tls) };
}

export function withoutTlsParameters(url: string): string {
  const parsed = parseDatabaseUrl(url);
  for (const name of SSL_PARAMETERS) parsed.searchParams.delete(name);
  return parsed.toString();
}

/**
 * A readable account of why a TLS connection to PostgreSQL failed, or undefined when the error
 * is not about TLS: node's OpenSSL codes say what, not for whom.
 */
export function databaseTlsProblem(error: unknown): string | undefined {
  if (error instanceof MxgError && error.code.startsWith('DATABASE_TLS_')) return error.message;
  const { code, message } = (error ?? {}) as { code?: unknown; message?: unknown };
  const text = typeof message === 'string' ? message : '';
  if (text.includes('does not support SSL')) {
    return 'PostgreSQL does not accept TLS connections: run `mxg services provision`, which turns TLS on in the development PostgreSQL';
  }
  const chain = new Set([
    'SELF_SIGNED_CERT_IN_CHAIN',
    'DEPTH_ZERO_SELF_SIGNED_CERT',
    'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
    'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
    'UNABLE_TO_GET_ISSUER_CERT',
    'CERT_SIGNATURE_FAILURE',
  ]);
  if (typeof code === 'string' && chain.has(code)) {
    return `PostgreSQL's certificate does not chain to the configured database CA (${code})`;
  }
  if (code === 'CERT_HAS_EXPIRED' || code === 'CERT_NOT_YET_VALID') {
    return `PostgreSQL's certificate is not valid now (${code})`;
  }
  if (code === 'ERR_TLS_CERT_ALTNAME_INVALID') {
    return `PostgreSQL's certificate does not name the host dialled (${text})`;
  }
  return undefined;
}

/** Connects `connect()`, turning a TLS failure into DATABASE_TLS_REFUSED with a plain reason. */
export async function connectOrExplain<T>(connect: () => Promise<T>): Promise<T> {
  try {
    return await connect();
  } catch (error) {
    if (error instanceof MxgError) throw error;
    const problem = databaseTlsProblem(error);
    if (problem === undefined) throw error;
    throw new MxgError('DATABASE_TLS_REFUSED', problem);
  }
}

function parseDatabaseUrl(url: string): URL {
  try {
    return new URL(url);
  } catch {
    // Never the URL itself in the message: it may hold a password.
    throw new MxgError('DATABASE_URL_INVALID', 'a database URL is not a valid URL');
  }
}
