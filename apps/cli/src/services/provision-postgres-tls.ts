import { X509Certificate } from 'node:crypto';
import {
  copyFile,
  chmod,
  mkdir,
  readFile,
  rename,
  stat,
  writeFile,
  chown,
  rm,
} from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { TLSSocket } from 'node:tls';
import { listGateways, liveCheckouts, type MxgConfigService } from '@mxg/config';
import { MxgError } from '@mxg/core';
import { connectOrExplain, databaseUrlWithTls, postgresClientConfig } from '@mxg/database';
import { initServicesPki, servicesPkiPaths } from '@mxg/pki';
import { Client } from 'pg';

/** The names of the copies in the server's data directory. */
const CERT_FILE = 'mxg-services.cert.pem';
const KEY_FILE = 'mxg-services.key.pem';
const LOOPBACK = new Set(['127.0.0.1', 'localhost', '[::1]']);
/** How long the server may take to load the new certificate after pg_reload_conf(). */
const RELOAD_DEADLINE_MS = 15_000;

/**
 * #15: turns TLS on in the development PostgreSQL with the services CA's certificate
 * (`certs/services/postgresql.*`, issued here if missing, as `mxg pki init` does), when a
 * gateway file asks for TLS against that CA (`database.tls.ca: certs/services/ca.cert.pem`).
 *
 * Nothing changes when the server already answers TLS with exactly that certificate. Otherwise,
 * on a server of this machine (the admin URL names a loopback address), the pair is copied into
 * its data directory, owned by the server's OS user, key 0600 — PostgreSQL refuses a key anyone
 * else can read — then `ALTER SYSTEM SET ssl_cert_file, ssl_key_file, ssl = on` and
 * `pg_reload_conf()`; it is done when a verify-full connection succeeds. A server elsewhere
 * (MXG_PG_ADMIN_URL on another host) is not ours to configure: its TLS is only checked.
 * Plain connections stay allowed (pg_hba.conf is left alone): the gateways choose TLS.
 */
export async function provisionPostgresTls(base: MxgConfigService): Promise<string[]> {
  const services = servicesPkiPaths(base.paths.certs);
  const wanted = listGateways(base.paths.config).some(
    (id) => base.forGateway(id).databaseTlsCa === services.caCertificate,
  );
  if (!wanted) return [];

  const changes: string[] = [];
  const adminUrl = base.postgresAdminUrl;
  const adopted = await adoptServicesPkiInUse(base, adminUrl);
  if (adopted !== undefined) changes.push(adopted);
  const pki = await initServicesPki({ certsDir: base.paths.certs });
  changes.push(...pki.created.map((file) => `issued ${file}`));
  for (const r of pki.reissued) changes.push(`re-issued ${r.file}: ${r.reason}`);

  const expected = new X509Certificate(await readFile(services.postgresql.certificate));
  const tlsAdminUrl = databaseUrlWithTls(adminUrl, { ca: services.caCertificate });
  if ((await presentedCertificate(tlsAdminUrl))?.fingerprint256 === expected.fingerprint256) {
    return changes;
  }
  const host = new URL(adminUrl).hostname;
  if (!LOOPBACK.has(host)) {
    throw new MxgError(
      'PG_TLS_NOT_PROVISIONED',
      `PostgreSQL at ${host} does not answer TLS with ${services.postgresql.certificate}, and a server on another host is not configured from here: give it a certificate the gateways' database.tls.ca trusts`,
    );
  }

  const admin = new Client(postgresClientConfig(adminUrl));
  await admin.connect();
  try {
    const dataDirectory = await setting(admin, 'data_directory');
    await installPair(dataDirectory, services.postgresql, changes);
    const certFile = join(dataDirectory, CERT_FILE);
    const keyFile = join(dataDirectory, KEY_FILE);
    const settings: [string, string][] = [
      ['ssl_cert_file', certFile],
      ['ssl_key_file', keyFile],
      ['ssl', 'on'],
    ];
    for (const [name, value] of settings) {
      if ((await setting(admin, name)) === value) continue;
      // ALTER SYSTEM takes no parameters; the values are our own paths, quoted as literals.
      await admin.query(`ALTER SYSTEM SET ${name} = ${admin.escapeLiteral(value)}`);
      changes.push(`set PostgreSQL's ${name} = ${value}`);
    }
    await admin.query('SELECT pg_reload_conf()');
  } finally {
    await admin.end();
  }
  await provenVerifyFull(tlsAdminUrl, expected);
  changes.push(`PostgreSQL answers TLS with ${services.postgresql.certificate} (verify-full)`);
  return changes;
}

/**
 * #17: the server's certificate is the machine's, not a checkout's. When PostgreSQL presents
 * neither this checkout's services certificate nor one it could check (a fresh clone), but that
 * of another checkout of this machine that still exists (the register of checkout slots), this
 * checkout takes a copy of that checkout's services PKI — CA and server pair, keys 0600 — rather
 * than replacing the server's certificate under the other checkout's gateways.
 */
async function adoptServicesPkiInUse(
  base: MxgConfigService,
  adminUrl: string,
): Promise<string | undefined> {
  const own = servicesPkiPaths(base.paths.certs);
  const presentedAgainst = (ca: string) =>
    presentedCertificate(databaseUrlWithTls(adminUrl, { ca }));
  const fingerprint = async (file: string) =>
    new X509Certificate(await readFile(file)).fingerprint256;
  const ownFingerprint = await fingerprint(own.postgresql.certificate).catch(() => undefined);
  if (
    ownFingerprint !== undefined &&
    (await presentedAgainst(own.caCertificate))?.fingerprint256 === ownFingerprint
  ) {
    return undefined;
  }
  for (const other of liveCheckouts(base.env.MXG_CHECKOUT_REGISTRY)) {
    if (other.root === base.paths.root) continue;
    const theirs = servicesPkiPaths(join(other.root, 'certs'));
    const theirFingerprint = await fingerprint(theirs.postgresql.certificate).catch(
      () => undefined,
    );
    if (theirFingerprint === undefined) continue;
    if ((await presentedAgainst(theirs.caCertificate))?.fingerprint256 !== theirFingerprint) {
      continue;
    }
    await mkdir(dirname(own.caCertificate), { recursive: true });
    const files: [string, string, number][] = [
      [theirs.caCertificate, own.caCertificate, 0o644],
      [theirs.caPrivateKey, own.caPrivateKey, 0o600],
      [theirs.postgresql.certificate, own.postgresql.certificate, 0o644],
      [theirs.postgresql.privateKey, own.postgresql.privateKey, 0o600],
    ];
    for (const [from, to, mode] of files) {
      await copyFile(from, to);
      await chmod(to, mode);
    }
    return `took the services PKI PostgreSQL presents from the checkout at ${other.root} (slot ${other.slot}) rather than replace the server's certificate (#17)`;
  }
  return undefined;
}

async function setting(client: Client, name: string): Promise<string> {
  const rows = await client.query<{ setting: string }>(
    'SELECT setting FROM pg_settings WHERE name = $1',
    [name],
  );
  return rows.rows[0]?.setting ?? '';
}

/**
 * Copies the certificate and key into the data directory unless identical copies are there:
 * written beside and renamed over (the server never reads half a key), owned by the data
 * directory's owner (the server's OS user).
 */
async function installPair(
  dataDirectory: string,
  pair: { certificate: string; privateKey: string },
  changes: string[],
): Promise<void> {
  let owner: { uid: number; gid: number };
  try {
    owner = await stat(dataDirectory);
  } catch (error) {
    throw new MxgError(
      'PG_TLS_NOT_PROVISIONED',
      `PostgreSQL's data directory ${dataDirectory} is not reachable from here (${(error as NodeJS.ErrnoException).code ?? 'error'}): run \`mxg services provision\` on the server's machine as root or as its OS user`,
    );
  }
  const copies: [string, string, number][] = [
    [pair.certificate, join(dataDirectory, CERT_FILE), 0o644],
    [pair.privateKey, join(dataDirectory, KEY_FILE), 0o600],
  ];
  for (const [from, to, mode] of copies) {
    const content = await readFile(from);
    const present = await readFile(to).catch(() => undefined);
    const current = present ? await stat(to) : undefined;
    if (present?.equals(content) && current?.uid === owner.uid && (current.mode & 0o777) === mode) {
      continue;
    }
    const temporary = `${to}.${process.pid}.tmp`;
    try {
      await writeFile(temporary, content, { mode, flag: 'w' });
      await chown(temporary, owner.uid, owner.gid);
      await rename(temporary, to);
    } catch (error) {
      await rm(temporary, { force: true });
      const code = (error as NodeJS.ErrnoException).code;
      if (code === 'EACCES' || code === 'EPERM') {
        throw new MxgError(
          'PG_TLS_NOT_PROVISIONED',
          `cannot write ${to} owned by the PostgreSQL server's user (uid ${owner.uid}): run \`npm run services\` as root or as that user, or copy ${pair.certificate} and its key there yourself (key mode 0600) and set ssl, ssl_cert_file and ssl_key_file`,
        );
      }
      throw error;
    }
    changes.push(`installed ${to}`);
  }
}

/** The certificate a verify-full connection to `url` is presented; throws when it fails. */
async function handshake(url: string): Promise<X509Certificate | undefined> {
  const client = new Client(postgresClientConfig(url, { connectionTimeoutMillis: 5000 }));
  try {
    await connectOrExplain(() => client.connect());
    // node-postgres keeps the socket it upgraded to TLS as its connection's stream.
    const socket = (client as unknown as { connection: { stream: unknown } }).connection.stream;
    return socket instanceof TLSSocket ? socket.getPeerX509Certificate() : undefined;
  } finally {
    await client.end().catch(() => undefined);
  }
}

async function presentedCertificate(url: string): Promise<X509Certificate | undefined> {
  return handshake(url).catch(() => undefined);
}

/** Polls (the reload is asynchronous) until a verify-full connection presents `expected`. */
async function provenVerifyFull(url: string, expected: X509Certificate): Promise<void> {
  const deadline = Date.now() + RELOAD_DEADLINE_MS;
  let last: unknown;
  while (Date.now() < deadline) {
    try {
      const presented = await handshake(url);
      if (presented?.fingerprint256 === expected.fingerprint256) return;
      last = new Error('it presents another certificate');
    } catch (error) {
      last = error;
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new MxgError(
    'PG_TLS_NOT_PROVISIONED',
    `PostgreSQL did not take its TLS certificate within ${RELOAD_DEADLINE_MS / 1000} s (${(last as Error | undefined)?.message ?? 'no answer'}): see the server's log`,
  );
}
