import { randomBytes } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { partyPkiPaths } from '@mxg/pki';
import type { GatewayTlsClient } from './gateway-process';

/*
 * TLS certificates of test actors, made with OpenSSL (#15): national systems' client
 * certificates from a party's development CA, strangers' CAs and what they issue. The parties'
 * own TLS certificates come from `mxg pki init` (certs/<p>/tls/).
 */

export interface TlsPair {
  readonly cert: string;
  readonly key: string;
}

export interface TlsIdentity extends TlsPair {
  /** The PEM of the CA that issued it. */
  readonly ca: string;
}

const SERVER_EXTENSIONS = [
  'basicConstraints=critical,CA:FALSE',
  'keyUsage=critical,digitalSignature',
  'extendedKeyUsage=serverAuth',
  'subjectAltName=DNS:localhost,IP:127.0.0.1',
  'subjectKeyIdentifier=hash',
  'authorityKeyIdentifier=keyid',
];
const CLIENT_EXTENSIONS = [
  'basicConstraints=critical,CA:FALSE',
  'keyUsage=critical,digitalSignature',
  'extendedKeyUsage=clientAuth',
  'subjectKeyIdentifier=hash',
  'authorityKeyIdentifier=keyid',
];

function openssl(args: string[]): void {
  execFileSync('openssl', args, { stdio: ['ignore', 'ignore', 'pipe'] });
}

/**
 * A self-signed P-256 certificate with `subject` (OpenSSL `-subj` form) and any further
 * `-addext` extensions, written to certPath/keyPath: a CA nobody trusts, or a server that is its
 * own CA. Returns the certificate's PEM.
 */
export function selfSignedCertificate(options: {
  subject: string;
  certPath: string;
  keyPath: string;
  extensions?: readonly string[];
}): string {
  mkdirSync(dirname(options.certPath), { recursive: true });
  openssl([
    'req',
    '-x509',
    '-newkey',
    'ec',
    '-pkeyopt',
    'ec_paramgen_curve:P-256',
    '-nodes',
    '-subj',
    options.subject,
    '-days',
    '30',
    '-keyout',
    options.keyPath,
    '-out',
    options.certPath,
    ...(options.extensions ?? []).flatMap((e) => ['-addext', e]),
  ]);
  return readFileSync(options.certPath, 'utf8');
}

/**
 * Issues a P-256 end-entity certificate from the CA at caCert/caKey into certPath/keyPath, with
 * subject `/CN=<commonName>` or the whole `subject` (OpenSSL `-subj` form).
 */
export function issueTlsCertificate(options: {
  caCert: string;
  caKey: string;
  profile: 'server' | 'client';
  commonName?: string;
  subject?: string;
  certPath: string;
  keyPath: string;
}): TlsPair {
  const work = mkdtempSync(join(tmpdir(), 'mxg-tls-issue-'));
  try {
    mkdirSync(dirname(options.certPath), { recursive: true });
    mkdirSync(dirname(options.keyPath), { recursive: true });
    const csr = join(work, 'req.csr');
    const ext = join(work, 'ext.cnf');
    openssl([
      'genpkey',
      '-algorithm',
      'EC',
      '-pkeyopt',
      'ec_paramgen_curve:P-256',
      '-out',
      options.keyPath,
    ]);
    openssl([
      'req',
      '-new',
      '-key',
      options.keyPath,
      '-subj',
      options.subject ?? `/CN=${options.commonName}`,
      '-out',
      csr,
    ]);
    writeFileSync(
      ext,
      `${(options.profile === 'server' ? SERVER_EXTENSIONS : CLIENT_EXTENSIONS).join('\n')}\n`,
    );
    openssl([
      'x509',
      '-req',
      '-in',
      csr,
      '-CA',
      options.caCert,
      '-CAkey',
      options.caKey,
      '-set_serial',
      `0x${randomBytes(12).toString('hex')}`,
      '-days',
      '30',
      '-sha256',
      '-extfile',
      ext,
      '-out',
      options.certPath,
    ]);
    return {
      cert: readFileSync(options.certPath, 'utf8'),
      key: readFileSync(options.keyPath, 'utf8'),
    };
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

/**
 * How a test reaches `party`'s gateway over HTTPS (#15): trusting that party's CA only and
 * presenting the `tls/client` certificate of `as` from `certsDir` — by default the party's own,
 * as its national systems do; a peer's, as that peer's gateway calls the witness.
 */
export function gatewayTlsClient(certsDir: string, party: string, as = party): GatewayTlsClient {
  const client = partyPkiPaths(certsDir, as).tls.client;
  return {
    ca: readFileSync(partyPkiPaths(certsDir, party).caCertificate, 'utf8'),
    cert: readFileSync(client.certificate, 'utf8'),
    key: readFileSync(client.privateKey, 'utf8'),
  };
}

/** A client certificate from a party's CA, for a national system (kept in `dir`). */
export function partyClientIdentity(
  certsDir: string,
  party: string,
  dir: string,
  name: string,
): TlsIdentity {
  const paths = partyPkiPaths(certsDir, party);
  const pair = issueTlsCertificate({
    caCert: paths.caCertificate,
    caKey: paths.caPrivateKey,
    profile: 'client',
    commonName: name,
    certPath: join(dir, `${name}.cert.pem`),
    keyPath: join(dir, `${name}.key.pem`),
  });
  return { ...pair, ca: readFileSync(paths.caCertificate, 'utf8') };
}

/** A CA nobody trusts, and a client certificate it issued, in `dir`. */
export function strangerClientIdentity(dir: string): TlsIdentity & { caPath: string } {
  mkdirSync(dir, { recursive: true });
  const caCert = join(dir, 'stranger-ca.cert.pem');
  const caKey = join(dir, 'stranger-ca.key.pem');
  selfSignedCertificate({
    subject: '/CN=Stranger CA',
    certPath: caCert,
    keyPath: caKey,
    extensions: [
      'basicConstraints=critical,CA:TRUE,pathlen:0',
      'keyUsage=critical,keyCertSign,cRLSign',
    ],
  });
  const pair = issueTlsCertificate({
    caCert,
    caKey,
    profile: 'client',
    commonName: 'stranger',
    certPath: join(dir, 'stranger.cert.pem'),
    keyPath: join(dir, 'stranger.key.pem'),
  });
  return { ...pair, ca: readFileSync(caCert, 'utf8'), caPath: caCert };
}
