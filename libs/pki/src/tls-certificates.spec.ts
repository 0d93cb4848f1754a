import { execFileSync, spawnSync } from 'node:child_process';
import { createHash, generateKeyPairSync, X509Certificate } from 'node:crypto';
import { mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { readCaDatabase } from './ca-database';
import { loadCertificateAuthority } from './certificate-authority';
import { certificateProfileProblem } from './certificate-profile-check';
import { issueCertificate } from './issue-certificate';
import { initPki } from './pki-init';
import { partyPkiPaths, servicesPkiPaths } from './pki-layout';
import type { ExternalKeyHolder, PkiPartyPlan } from './pki-plan';
import { initServicesPki } from './services-pki';
import { x509 } from './x509-provider';

// Now: openssl verify checks validity against the real clock.
const NOW = new Date();
const kz: PkiPartyPlan = {
  code: 'KZ',
  nameEn: 'Kazakhstan',
  signatories: [],
  crlDistributionPoint: 'http://127.0.0.1:3101/crl/kz',
  tls: {},
};
const TLS_FILES = [
  'kz/tls/server.key.pem',
  'kz/tls/server.cert.pem',
  'kz/tls/client.key.pem',
  'kz/tls/client.cert.pem',
  'kz/tls/link.key.pem',
  'kz/tls/link.cert.pem',
];

const EMAIL_PROTECTION = '1.3.6.1.5.5.7.3.4';
const SERVER_AUTH = '1.3.6.1.5.5.7.3.1';
const CLIENT_AUTH = '1.3.6.1.5.5.7.3.2';

async function parsed(path: string): Promise<x509.X509Certificate> {
  return new x509.X509Certificate(await readFile(path));
}

async function snapshot(dir: string): Promise<Record<string, string>> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  const result: Record<string, string> = {};
  for (const entry of entries.filter((e) => e.isFile())) {
    const file = join(entry.parentPath, entry.name);
    result[relative(dir, file)] = createHash('sha256')
      .update(await readFile(file))
      .digest('hex');
  }
  return result;
}

function openssl(...args: string[]): string {
  return execFileSync('openssl', args, { encoding: 'utf8' });
}

describe('#15 TLS certificates of the development PKI', () => {
  let certsDir: string;

  beforeEach(async () => {
    certsDir = await mkdtemp(join(tmpdir(), 'mxg-pki-tls-'));
  });

  afterEach(async () => {
    await rm(certsDir, { recursive: true, force: true });
  });

  it('issues tls/server, tls/client and tls/link for a party with a gateway, keys 0600, ECDSA P-256', async () => {
    const report = await initPki({ certsDir, parties: [kz], now: NOW });
    for (const file of TLS_FILES) expect(report.created).toContain(file);
    for (const file of TLS_FILES.filter((f) => f.endsWith('.key.pem'))) {
      expect((await stat(join(certsDir, file))).mode & 0o777).toBe(0o600);
    }
    const paths = partyPkiPaths(certsDir, 'KZ');
    const ca = await loadCertificateAuthority(certsDir, 'KZ');
    for (const pair of [paths.tls.server, paths.tls.client, paths.tls.link]) {
      const cert = new X509Certificate(await readFile(pair.certificate));
      expect(cert.verify(ca.certificate.publicKey)).toBe(true);
      expect(cert.publicKey.asymmetricKeyType).toBe('ec');
      expect(cert.publicKey.asymmetricKeyDetails?.namedCurve).toBe('prime256v1');
      // openssl chains it to the party's CA, for the purpose the profile says.
      const purpose = pair === paths.tls.server ? 'sslserver' : 'sslclient';
      expect(
        openssl('verify', '-purpose', purpose, '-CAfile', paths.caCertificate, pair.certificate),
      ).toContain('OK');
    }
    const profiles = (await readCaDatabase(paths.caDatabase)).issued.map((e) => e.profile);
    expect(profiles).toEqual([
      'seal',
      'encryption',
      'audit-checkpoint',
      'tls-server',
      'tls-client',
      'tls-client',
    ]);
  });

  it('tls/server: KU digitalSignature, EKU serverAuth, SAN DNS:localhost + IP:127.0.0.1, not for CMS', async () => {
    await initPki({ certsDir, parties: [kz], now: NOW });
    const paths = partyPkiPaths(certsDir, 'KZ');
    const server = await parsed(paths.tls.server.certificate);
    expect(server.getExtension(x509.BasicConstraintsExtension)?.ca).toBe(false);
    expect(server.getExtension(x509.KeyUsagesExtension)?.usages).toBe(
      x509.KeyUsageFlags.digitalSignature,
    );
    expect(server.getExtension(x509.ExtendedKeyUsageExtension)?.usages).toEqual([SERVER_AUTH]);
    const san = server.getExtension(x509.SubjectAlternativeNameExtension);
    expect(san?.names.toJSON()).toEqual([
      { type: 'dns', value: 'localhost' },
      { type: 'ip', value: '127.0.0.1' },
    ]);
    const text = openssl('x509', '-in', paths.tls.server.certificate, '-noout', '-text');
    expect(text).toContain('DNS:localhost, IP Address:127.0.0.1');
    expect(text).toContain('TLS Web Server Authentication');
    expect(text).not.toContain('E-mail Protection');
    // Not a message signer: the seal profile (emailProtection) refuses it.
    expect(
      certificateProfileProblem(new X509Certificate(Buffer.from(server.rawData)), 'seal'),
    ).toMatch(/key usage|extended key usage/);
  });

  it('tls/client and tls/link: EKU clientAuth only; the link is CN=mxg-link-kz, O=KZ, C=KZ', async () => {
    await initPki({ certsDir, parties: [kz], now: NOW });
    const paths = partyPkiPaths(certsDir, 'KZ');
    for (const pair of [paths.tls.client, paths.tls.link]) {
      const cert = await parsed(pair.certificate);
      expect(cert.getExtension(x509.KeyUsagesExtension)?.usages).toBe(
        x509.KeyUsageFlags.digitalSignature,
      );
      expect(cert.getExtension(x509.ExtendedKeyUsageExtension)?.usages).toEqual([CLIENT_AUTH]);
      expect(cert.getExtension(x509.SubjectAlternativeNameExtension)).toBeNull();
    }
    expect((await parsed(paths.tls.link.certificate)).subject).toBe('C=KZ, O=KZ, CN=mxg-link-kz');
    expect((await parsed(paths.tls.client.certificate)).subject).toBe(
      'C=KZ, O=KZ, CN=mxg-gateway-kz',
    );
    // As RabbitMQ's EXTERNAL login reads it (RFC 4514, most specific first).
    expect(
      openssl(
        'x509',
        '-in',
        paths.tls.link.certificate,
        '-noout',
        '-subject',
        '-nameopt',
        'RFC2253',
      ),
    ).toBe('subject=CN=mxg-link-kz,O=KZ,C=KZ\n');
  });

  it('no TLS certificate passes openssl as an S/MIME (CMS) signer', async () => {
    await initPki({ certsDir, parties: [kz], now: NOW });
    const paths = partyPkiPaths(certsDir, 'KZ');
    for (const pair of [paths.tls.server, paths.tls.client, paths.tls.link]) {
      const cert = await parsed(pair.certificate);
      expect(cert.getExtension(x509.ExtendedKeyUsageExtension)?.usages).not.toContain(
        EMAIL_PROTECTION,
      );
      const refused = spawnSync(
        'openssl',
        ['verify', '-purpose', 'smimesign', '-CAfile', paths.caCertificate, pair.certificate],
        { encoding: 'utf8' },
      );
      expect(refused.status).not.toBe(0);
      expect(refused.stdout + refused.stderr).toContain('unsuitable certificate purpose');
    }
  });

  it('issues them to an existing checkout that has none, and changes no byte on the next run', async () => {
    await initPki({ certsDir, parties: [{ ...kz, tls: undefined }], now: NOW });
    const before = await snapshot(certsDir);
    expect(Object.keys(before).some((f) => f.includes('/tls/'))).toBe(false);

    const second = await initPki({ certsDir, parties: [kz], now: NOW });
    expect(second.created).toEqual(TLS_FILES);
    expect(second.updated).toEqual(['kz/ca.db.json']);
    expect(second.reissued).toEqual([]);
    const after = await snapshot(certsDir);
    for (const [file, digest] of Object.entries(before)) {
      if (file !== 'kz/ca.db.json') expect(after[file]).toBe(digest);
    }

    const third = await initPki({ certsDir, parties: [kz], now: NOW });
    expect(third.created).toEqual([]);
    expect(third.updated).toEqual([]);
    expect(await snapshot(certsDir)).toEqual(after);
  });

  it('takes the server names as a parameter and re-issues tls/server when they change', async () => {
    await initPki({ certsDir, parties: [kz], now: NOW });
    const paths = partyPkiPaths(certsDir, 'KZ');
    const names = { dns: ['gw.kz.example', 'localhost'], ip: ['127.0.0.1', '::1'] };
    const report = await initPki({
      certsDir,
      parties: [{ ...kz, tls: { serverNames: names } }],
      now: NOW,
    });
    expect(report.reissued).toEqual([
      {
        file: 'kz/tls/server.cert.pem',
        reason: expect.stringContaining(
          'not DNS:gw.kz.example, DNS:localhost, IP Address:127.0.0.1, IP Address:0:0:0:0:0:0:0:1',
        ) as string,
        supersededTo: expect.stringMatching(
          /^kz\/tls\/superseded\/server\.[0-9A-F]+\.cert\.pem$/,
        ) as string,
      },
    ]);
    expect(report.created).toEqual(['kz/tls/server.key.pem', 'kz/tls/server.cert.pem']);
    // node prints IPv6 SANs expanded; the planned '::1' is written as that address.
    expect(new X509Certificate(await readFile(paths.tls.server.certificate)).subjectAltName).toBe(
      'DNS:gw.kz.example, DNS:localhost, IP Address:127.0.0.1, IP Address:0:0:0:0:0:0:0:1',
    );
  });

  it('refuses server names that are not names', async () => {
    await initPki({ certsDir, parties: [kz], now: NOW });
    const issuer = await loadCertificateAuthority(certsDir, 'KZ');
    const issue = (dns: string[], ip: string[]) =>
      issueCertificate({
        issuer,
        profile: 'tls-server',
        subject: { organization: 'KZ', commonName: 'x' },
        keyAlgorithm: 'ecdsa-p256',
        serverNames: { dns, ip },
      });
    await expect(issue([], [])).rejects.toMatchObject({ code: 'PKI_INVALID_REQUEST' });
    await expect(issue(['localhost'], ['127.0.0.256'])).rejects.toMatchObject({
      code: 'PKI_INVALID_REQUEST',
    });
    await expect(issue(['bad name'], [])).rejects.toMatchObject({ code: 'PKI_INVALID_REQUEST' });
  });

  it('keeps TLS keys in files when the party’s other keys are held in a token (--pkcs11)', async () => {
    const generated: string[] = [];
    const held = new Map<string, ReturnType<typeof generateKeyPairSync>['publicKey']>();
    const token: ExternalKeyHolder = {
      party: 'KZ',
      description: 'a test token',
      publicKey: (path) => Promise.resolve(held.get(path)),
      generate: (path, algorithm) => {
        generated.push(relative(certsDir, path));
        const pair =
          algorithm === 'rsa-2048'
            ? generateKeyPairSync('rsa', { modulusLength: 2048 })
            : generateKeyPairSync('ec', { namedCurve: 'P-256' });
        held.set(path, pair.publicKey);
        return Promise.resolve(pair.publicKey);
      },
    };
    const report = await initPki({ certsDir, parties: [kz], now: NOW, externalKeys: token });
    expect(generated).toEqual([
      'kz/gateway/seal.cert.pem',
      'kz/gateway/encryption.cert.pem',
      'kz/gateway/audit-checkpoint.cert.pem',
    ]);
    for (const file of TLS_FILES) expect(report.created).toContain(file);
    expect(report.created).not.toContain('kz/gateway/seal.key.pem');
  });

  it('refuses a party code that would collide with certs/services', async () => {
    await expect(
      initPki({ certsDir, parties: [{ code: 'SERVICES', nameEn: 'x', signatories: [] }] }),
    ).rejects.toMatchObject({ code: 'PKI_INVALID_PLAN' });
  });
});

describe('#15 the development services CA', () => {
  let certsDir: string;

  beforeEach(async () => {
    certsDir = await mkdtemp(join(tmpdir(), 'mxg-pki-services-'));
  });

  afterEach(async () => {
    await rm(certsDir, { recursive: true, force: true });
  });

  it('issues certs/services/ca and a tls-server PostgreSQL certificate for localhost and 127.0.0.1', async () => {
    const report = await initServicesPki({ certsDir });
    expect(report).toEqual({
      created: [
        'services/ca.key.pem',
        'services/ca.cert.pem',
        'services/postgresql.key.pem',
        'services/postgresql.cert.pem',
      ],
      kept: [],
      reissued: [],
    });
    const paths = servicesPkiPaths(certsDir);
    for (const key of [paths.caPrivateKey, paths.postgresql.privateKey]) {
      expect((await stat(key)).mode & 0o777).toBe(0o600);
    }
    expect(
      openssl(
        'verify',
        '-purpose',
        'sslserver',
        '-CAfile',
        paths.caCertificate,
        paths.postgresql.certificate,
      ),
    ).toContain('OK');
    const text = openssl('x509', '-in', paths.postgresql.certificate, '-noout', '-text');
    expect(text).toContain('DNS:localhost, IP Address:127.0.0.1');
    expect(text).toContain('TLS Web Server Authentication');
    expect(text).not.toContain('E-mail Protection');
    const ca = new X509Certificate(await readFile(paths.caCertificate));
    expect(ca.ca).toBe(true);
    expect(ca.subject).toBe('O=MXG development services\nCN=MXG development services CA');
  });

  it('changes no byte on a second run', async () => {
    await initServicesPki({ certsDir });
    const before = await snapshot(certsDir);
    const second = await initServicesPki({ certsDir });
    expect(second.created).toEqual([]);
    expect(second.kept).toHaveLength(4);
    expect(await snapshot(certsDir)).toEqual(before);
  });

  it('re-issues a PostgreSQL certificate the services CA did not issue', async () => {
    await initServicesPki({ certsDir });
    const paths = servicesPkiPaths(certsDir);
    const stranger = await mkdtemp(join(tmpdir(), 'mxg-pki-stranger-'));
    try {
      await initServicesPki({ certsDir: stranger });
      const strangerPaths = servicesPkiPaths(stranger);
      await writeFile(
        paths.postgresql.certificate,
        await readFile(strangerPaths.postgresql.certificate),
      );
      await writeFile(
        paths.postgresql.privateKey,
        await readFile(strangerPaths.postgresql.privateKey),
      );
    } finally {
      await rm(stranger, { recursive: true, force: true });
    }
    const report = await initServicesPki({ certsDir });
    expect(report.reissued).toEqual([
      { file: 'services/postgresql.cert.pem', reason: 'the services CA did not issue it' },
    ]);
    expect(
      openssl('verify', '-CAfile', paths.caCertificate, paths.postgresql.certificate),
    ).toContain('OK');
  });

  it('refuses half a pair', async () => {
    await initServicesPki({ certsDir });
    await rm(servicesPkiPaths(certsDir).caPrivateKey);
    await expect(initServicesPki({ certsDir })).rejects.toMatchObject({
      code: 'PKI_LAYOUT_INCONSISTENT',
    });
  });
});
