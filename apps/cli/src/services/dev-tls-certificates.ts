import { execFileSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { partyPkiPaths } from '@mxg/pki';
import { MxgError } from '@mxg/core';

/**
 * STOP-GAP until `mxg pki init` issues the transport certificates itself (#15, libs/pki): the
 * party's TLS server, client and link certificates, issued with OpenSSL by the party's own
 * development CA, only where they are missing. Same profiles and file names as the PKI's
 * (certs/<p>/tls/{server,client,link}.{cert,key}.pem): server = serverAuth, SAN localhost and
 * 127.0.0.1; client and link = clientAuth; link subject CN=mxg-link-<party>, O=<PARTY>,
 * C=<PARTY>. Remove this file once the PKI issues them; nothing else depends on how they came.
 */
export function ensureDevTlsCertificates(certsDir: string, party: string): string[] {
  const paths = partyPkiPaths(certsDir, party);
  const id = party.toLowerCase();
  const wanted = [
    { pair: paths.tls.server, cn: `mxg-broker-${id}`, server: true },
    { pair: paths.tls.client, cn: `mxg-gateway-${id}`, server: false },
    { pair: paths.tls.link, cn: `mxg-link-${id}`, server: false },
  ].filter((w) => !existsSync(w.pair.certificate) || !existsSync(w.pair.privateKey));
  if (wanted.length === 0) return [];
  if (!existsSync(paths.caCertificate) || !existsSync(paths.caPrivateKey)) {
    throw new MxgError(
      'PKI_MISSING',
      `${party}'s CA is missing in ${certsDir}: run \`npx mxg pki init\` first`,
    );
  }
  const work = mkdtempSync(join(tmpdir(), 'mxg-tls-'));
  try {
    const ext = join(work, 'ext.cnf');
    writeFileSync(
      ext,
      [
        '[server]',
        'basicConstraints=critical,CA:FALSE',
        'keyUsage=critical,digitalSignature,keyEncipherment',
        'extendedKeyUsage=serverAuth',
        'subjectAltName=DNS:localhost,IP:127.0.0.1',
        '[client]',
        'basicConstraints=critical,CA:FALSE',
        'keyUsage=critical,digitalSignature,keyEncipherment',
        'extendedKeyUsage=clientAuth',
        '',
      ].join('\n'),
    );
    const made: string[] = [];
    for (const w of wanted) {
      mkdirSync(dirname(w.pair.certificate), { recursive: true });
      const csr = join(work, 'req.csr');
      const key = join(work, 'key.pem');
      openssl([
        'req',
        '-new',
        '-newkey',
        'ec',
        '-pkeyopt',
        'ec_paramgen_curve:P-256',
        '-nodes',
        '-keyout',
        key,
        '-subj',
        `/C=${party}/O=${party}/CN=${w.cn}`,
        '-out',
        csr,
      ]);
      openssl([
        'x509',
        '-req',
        '-in',
        csr,
        '-CA',
        paths.caCertificate,
        '-CAkey',
        paths.caPrivateKey,
        '-set_serial',
        `0x${BigInt(Date.now()).toString(16)}${made.length}`,
        '-days',
        '825',
        '-extfile',
        ext,
        '-extensions',
        w.server ? 'server' : 'client',
        '-out',
        w.pair.certificate,
      ]);
      writeFileSync(w.pair.privateKey, execFileSync('openssl', ['pkey', '-in', key]), {
        mode: 0o600,
      });
      chmodSync(w.pair.privateKey, 0o600);
      made.push(`issued ${w.pair.certificate} (development TLS, ${w.cn})`);
    }
    return made;
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

function openssl(args: string[]): void {
  execFileSync('openssl', args, { stdio: ['ignore', 'ignore', 'pipe'] });
}
