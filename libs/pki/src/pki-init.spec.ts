import { createHash } from 'node:crypto';
import {
  copyFile,
  mkdtemp,
  readdir,
  readFile,
  rm,
  stat,
  unlink,
  writeFile,
} from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { X509Certificate } from 'node:crypto';
import { readCaDatabase } from './ca-database';
import { loadCertificateAuthority } from './certificate-authority';
import { certificateProfileProblem } from './certificate-profile-check';
import { crlDistributionPointUrls } from './crl-distribution-point';
import { privateKeyToPem, publicKeyToSpki, generateKeyPair, toWebCryptoSigner } from './key-pair';
import { x509 } from './x509-provider';
import { loadCertificatePem, loadPrivateKey } from './pem-files';
import { initPki } from './pki-init';
import { partyPkiPaths } from './pki-layout';
import { PkiInitOptions, PkiPartyPlan, PkiSignatoryPlan } from './pki-plan';

const NOW = new Date('2030-03-01T12:00:00.000Z');

const signatory = (id: string): PkiSignatoryPlan => ({
  id,
  authorityCode: 'KZ-MVD',
  authorityNameEn: 'Migration Service',
  commonName: `Officer ${id}`,
  position: 'Inspector',
});
const kz = (...ids: string[]): PkiPartyPlan => ({
  code: 'KZ',
  nameEn: 'Kazakhstan',
  signatories: ids.map(signatory),
});
const az: PkiPartyPlan = { code: 'AZ', nameEn: 'Azerbaijan', signatories: [] };

const KZ_FILES = [
  'kz/ca.key.pem',
  'kz/ca.cert.pem',
  'kz/gateway/seal.key.pem',
  'kz/gateway/seal.cert.pem',
  'kz/gateway/encryption.key.pem',
  'kz/gateway/encryption.cert.pem',
  'kz/gateway/audit-checkpoint.key.pem',
  'kz/gateway/audit-checkpoint.cert.pem',
  'kz/signatories/s1.key.pem',
  'kz/signatories/s1.cert.pem',
  'kz/ca.db.json',
  'kz/ca.crl.pem',
  'kz/gateway/storage-kek.key',
];

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

describe(initPki.name, () => {
  let certsDir: string;
  let options: PkiInitOptions;

  beforeEach(async () => {
    certsDir = await mkdtemp(join(tmpdir(), 'mxg-pki-init-'));
    options = { certsDir, parties: [kz('s1')], now: NOW };
  });

  afterEach(async () => {
    await rm(certsDir, { recursive: true, force: true });
  });

  it('creates a CA, the gateway certificates, the signatories, a database and a CRL', async () => {
    const report = await initPki(options);
    expect(report).toEqual({ created: KZ_FILES, updated: [], kept: [], reissued: [] });

    for (const file of KZ_FILES.filter((f) => /\.key(\.pem)?$/.test(f))) {
      expect((await stat(join(certsDir, file))).mode & 0o777).toBe(0o600);
    }
    const paths = partyPkiPaths(certsDir, 'KZ');
    const db = await readCaDatabase(paths.caDatabase);
    expect(db.crlNumber).toBe(1);
    expect(db.revoked).toEqual([]);
    expect(db.issued.map((entry) => entry.profile)).toEqual([
      'seal',
      'encryption',
      'audit-checkpoint',
      'signatory',
    ]);
    const signatoryCert = await loadCertificatePem(paths.signatory('s1').certificate);
    expect(db.issued[3]).toEqual({
      serial: signatoryCert.serialNumber.toUpperCase(),
      profile: 'signatory',
      subject: 'C=KZ, O=Migration Service, OU=KZ-MVD, title=Inspector, CN=Officer s1',
      notBefore: '2030-03-01T12:00:00.000Z',
      notAfter: '2032-03-01T12:00:00.000Z',
    });
  });

  it('uses the planned signing key type everywhere but the RSA encryption key', async () => {
    await initPki({ ...options, signingAlgorithm: 'ecdsa-p384', encryptionAlgorithm: 'rsa-3072' });
    const paths = partyPkiPaths(certsDir, 'KZ');
    const details = async (file: string): Promise<unknown> =>
      (await loadPrivateKey(file)).asymmetricKeyDetails;
    await expect(details(paths.caPrivateKey)).resolves.toEqual({ namedCurve: 'secp384r1' });
    await expect(details(paths.gateway.seal.privateKey)).resolves.toEqual({
      namedCurve: 'secp384r1',
    });
    await expect(details(paths.signatory('s1').privateKey)).resolves.toEqual({
      namedCurve: 'secp384r1',
    });
    await expect(details(paths.gateway.encryption.privateKey)).resolves.toMatchObject({
      modulusLength: 3072,
    });
  });

  it("creates each party's storage KEK (MIG-11.4) once, and refuses one that is not a key", async () => {
    await initPki({ ...options, parties: [kz('s1'), az] });
    const kek = (party: string) =>
      readFile(partyPkiPaths(certsDir, party).gateway.storageKek, 'utf8');
    expect(await kek('KZ')).toMatch(/^[0-9a-f]{64}\n$/);
    expect(await kek('AZ')).not.toBe(await kek('KZ'));
    await writeFile(partyPkiPaths(certsDir, 'AZ').gateway.storageKek, 'not a key\n');
    await expect(initPki({ ...options, parties: [kz('s1'), az] })).rejects.toThrow(
      'PKI_LAYOUT_INCONSISTENT',
    );
  });

  it('changes no byte on a second run and reports every file as kept', async () => {
    await initPki(options);
    const before = await snapshot(certsDir);
    // A day later: within the CRL's life (a CRL near its nextUpdate is re-issued, below).
    const report = await initPki({ ...options, now: new Date(NOW.getTime() + 86_400_000) });
    expect(report).toEqual({ created: [], updated: [], kept: KZ_FILES, reissued: [] });
    expect(await snapshot(certsDir)).toEqual(before);
  });

  it('issues only what a grown plan adds, from the existing CA', async () => {
    await initPki(options);
    const before = await snapshot(certsDir);
    const report = await initPki({ ...options, parties: [kz('s1', 's2'), az] });

    expect(report.created).toEqual([
      'kz/signatories/s2.key.pem',
      'kz/signatories/s2.cert.pem',
      'az/ca.key.pem',
      'az/ca.cert.pem',
      'az/gateway/seal.key.pem',
      'az/gateway/seal.cert.pem',
      'az/gateway/encryption.key.pem',
      'az/gateway/encryption.cert.pem',
      'az/gateway/audit-checkpoint.key.pem',
      'az/gateway/audit-checkpoint.cert.pem',
      'az/ca.db.json',
      'az/ca.crl.pem',
      'az/gateway/storage-kek.key',
    ]);
    expect(report.updated).toEqual(['kz/ca.db.json']);
    const after = await snapshot(certsDir);
    for (const file of KZ_FILES.filter((f) => f !== 'kz/ca.db.json')) {
      expect(after[file]).toBe(before[file]);
    }

    const paths = partyPkiPaths(certsDir, 'KZ');
    const ca = await loadCertificatePem(paths.caCertificate);
    const s2 = await loadCertificatePem(paths.signatory('s2').certificate);
    expect(s2.verify(ca.publicKey)).toBe(true);
    const db = await readCaDatabase(paths.caDatabase);
    expect(db.issued.map((entry) => entry.serial)).toContain(s2.serialNumber.toUpperCase());
  });

  it('#10.1 re-issues an audit-checkpoint certificate of the old profile and moves the old pair aside unchanged', async () => {
    await initPki(options);
    const paths = partyPkiPaths(certsDir, 'KZ');
    const audit = paths.gateway.auditCheckpoint;
    // What `mxg pki init` issued before #10: digitalSignature, no key purpose.
    const ca = await loadCertificateAuthority(certsDir, 'KZ');
    const keys = await generateKeyPair('ecdsa-p256');
    const signer = await toWebCryptoSigner(ca.privateKey);
    const caCertificate = new x509.X509Certificate(ca.certificate.raw);
    const legacy = await x509.X509CertificateGenerator.create({
      serialNumber: '4c0ffee0',
      subject: 'C=KZ, O=MXG development PKI (KZ), CN=MXG KZ gateway audit checkpoint',
      issuer: caCertificate.subjectName,
      notBefore: NOW,
      notAfter: new Date('2031-03-01T12:00:00.000Z'),
      publicKey: publicKeyToSpki(keys.publicKey),
      signingKey: signer.key,
      signingAlgorithm: signer.algorithm,
      extensions: [
        new x509.BasicConstraintsExtension(false, undefined, true),
        new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature, true),
        new x509.AuthorityKeyIdentifierExtension(
          caCertificate.getExtension(x509.SubjectKeyIdentifierExtension)?.keyId ?? '',
        ),
      ],
    });
    const legacyPem = legacy.toString('pem') + '\n';
    const legacyKeyPem = privateKeyToPem(keys.privateKey);
    for (const file of [audit.certificate, audit.privateKey]) await unlink(file);
    await writeFile(audit.certificate, legacyPem);
    await writeFile(audit.privateKey, legacyKeyPem, { mode: 0o600 });
    const before = await snapshot(certsDir);

    const report = await initPki(options);

    expect(report.reissued).toEqual([
      {
        file: 'kz/gateway/audit-checkpoint.cert.pem',
        reason: expect.stringMatching(/extended key usage is absent/),
        supersededTo: 'kz/gateway/superseded/audit-checkpoint.4C0FFEE0.cert.pem',
      },
    ]);
    expect(report.created).toEqual([
      'kz/gateway/audit-checkpoint.key.pem',
      'kz/gateway/audit-checkpoint.cert.pem',
    ]);
    expect(report.updated).toEqual(['kz/ca.db.json']);
    // The old pair, byte for byte, under superseded/; every other file untouched.
    const superseded = join(paths.dir, 'gateway', 'superseded');
    expect(await readFile(join(superseded, 'audit-checkpoint.4C0FFEE0.cert.pem'), 'utf8')).toBe(
      legacyPem,
    );
    expect(await readFile(join(superseded, 'audit-checkpoint.4C0FFEE0.key.pem'), 'utf8')).toBe(
      legacyKeyPem,
    );
    expect((await stat(join(superseded, 'audit-checkpoint.4C0FFEE0.key.pem'))).mode & 0o777).toBe(
      0o600,
    );
    const after = await snapshot(certsDir);
    for (const file of KZ_FILES.filter(
      (f) => !f.includes('audit-checkpoint') && f !== 'kz/ca.db.json',
    )) {
      expect(after[file]).toBe(before[file]);
    }
    const reissued = await loadCertificatePem(audit.certificate);
    expect(certificateProfileProblem(reissued, 'audit-checkpoint')).toBeUndefined();
    expect(reissued.checkPrivateKey(await loadPrivateKey(audit.privateKey))).toBe(true);
    expect(reissued.verify(ca.certificate.publicKey)).toBe(true);
    expect(new X509Certificate(legacyPem).publicKey.equals(reissued.publicKey)).toBe(false);

    // Once re-issued, a run changes nothing again.
    const settled = await snapshot(certsDir);
    expect((await initPki(options)).reissued).toEqual([]);
    expect(await snapshot(certsDir)).toEqual(settled);
  });

  it('names the party’s CRL endpoint as every certificate’s CRL distribution point', async () => {
    const url = 'http://127.0.0.1:3101/pki/kz.crl';
    await initPki({ ...options, parties: [{ ...kz('s1'), crlDistributionPoint: url }] });
    const paths = partyPkiPaths(certsDir, 'KZ');
    for (const leaf of [paths.gateway.seal, paths.gateway.encryption, paths.signatory('s1')]) {
      expect(crlDistributionPointUrls(await loadCertificatePem(leaf.certificate))).toEqual([url]);
    }
    // The root has none: nothing above it revokes it.
    expect(crlDistributionPointUrls(await loadCertificatePem(paths.caCertificate))).toEqual([]);
  });

  it('re-issues every certificate whose CRL distribution point is not the plan’s, keeping the old pairs', async () => {
    await initPki(options);
    const paths = partyPkiPaths(certsDir, 'KZ');
    const oldSeal = await loadCertificatePem(paths.gateway.seal.certificate);
    const url = 'http://gw.kz.example:8443/pki/kz.crl';

    const report = await initPki({
      ...options,
      parties: [{ ...kz('s1'), crlDistributionPoint: url }],
    });

    expect(report.reissued.map((r) => r.file)).toEqual([
      'kz/gateway/seal.cert.pem',
      'kz/gateway/encryption.cert.pem',
      'kz/gateway/audit-checkpoint.cert.pem',
      'kz/signatories/s1.cert.pem',
    ]);
    expect(report.reissued[0]).toEqual({
      file: 'kz/gateway/seal.cert.pem',
      reason: `its CRL distribution point is absent, not ${url}`,
      supersededTo: `kz/gateway/superseded/seal.${oldSeal.serialNumber.toUpperCase()}.cert.pem`,
    });
    const moved = await loadCertificatePem(join(certsDir, report.reissued[0].supersededTo));
    expect(moved.raw.equals(oldSeal.raw)).toBe(true);
    const seal = await loadCertificatePem(paths.gateway.seal.certificate);
    expect(crlDistributionPointUrls(seal)).toEqual([url]);
    expect((await readCaDatabase(paths.caDatabase)).issued).toHaveLength(8);
    // A second run with the same plan keeps everything.
    const again = await initPki({
      ...options,
      parties: [{ ...kz('s1'), crlDistributionPoint: url }],
    });
    expect(again.reissued).toEqual([]);
    expect(again.created).toEqual([]);
  });

  it('refuses a CRL distribution point that is not an http(s) URL', async () => {
    await expect(
      initPki({ ...options, parties: [{ ...kz('s1'), crlDistributionPoint: 'ldap://x/kz.crl' }] }),
    ).rejects.toThrow('PKI_INVALID_PLAN');
  });

  it('re-issues a CRL with less than a week left before its nextUpdate, under the next number', async () => {
    await initPki(options);
    const paths = partyPkiPaths(certsDir, 'KZ');
    const first = await readFile(paths.caCrl, 'utf8');
    // 22 days on: 8 days left, nothing to do.
    const early = await initPki({ ...options, now: new Date(NOW.getTime() + 22 * 86_400_000) });
    expect(early.updated).toEqual([]);
    expect(await readFile(paths.caCrl, 'utf8')).toBe(first);
    // 24 days on: 6 days left.
    const later = new Date(NOW.getTime() + 24 * 86_400_000);
    const report = await initPki({ ...options, now: later });
    expect(report.updated).toEqual(['kz/ca.db.json', 'kz/ca.crl.pem']);
    expect((await readCaDatabase(paths.caDatabase)).crlNumber).toBe(2);
    const crl = new x509.X509Crl(await readFile(paths.caCrl, 'utf8'));
    expect(crl.thisUpdate).toEqual(later);
  });

  it('rebuilds a lost CRL under the next CRL number', async () => {
    await initPki(options);
    const paths = partyPkiPaths(certsDir, 'KZ');
    await unlink(paths.caCrl);
    const report = await initPki(options);
    expect(report.created).toEqual(['kz/ca.crl.pem']);
    expect(report.updated).toEqual(['kz/ca.db.json']);
    expect((await readCaDatabase(paths.caDatabase)).crlNumber).toBe(2);
  });

  it('refuses to replace half of a certificate/key pair', async () => {
    await initPki(options);
    const { seal } = partyPkiPaths(certsDir, 'KZ').gateway;
    const key = await readFile(seal.privateKey);
    await unlink(seal.certificate);
    await expect(initPki(options)).rejects.toMatchObject({
      code: 'PKI_LAYOUT_INCONSISTENT',
      details: { path: seal.certificate },
    });
    expect(await readFile(seal.privateKey)).toEqual(key);
  });

  it('refuses a kept certificate whose key is not its own', async () => {
    await initPki(options);
    const { seal, auditCheckpoint } = partyPkiPaths(certsDir, 'KZ').gateway;
    await unlink(seal.privateKey);
    await copyFile(auditCheckpoint.privateKey, seal.privateKey);
    await expect(initPki(options)).rejects.toMatchObject({ code: 'PKI_LAYOUT_INCONSISTENT' });
  });

  it("refuses a kept certificate that another party's CA issued", async () => {
    await initPki({ ...options, parties: [kz('s1'), az] });
    const kzSeal = partyPkiPaths(certsDir, 'KZ').gateway.seal;
    const azSeal = partyPkiPaths(certsDir, 'AZ').gateway.seal;
    for (const [from, to] of [
      [azSeal.certificate, kzSeal.certificate],
      [azSeal.privateKey, kzSeal.privateKey],
    ] as const) {
      await unlink(to);
      await copyFile(from, to);
    }
    await expect(initPki(options)).rejects.toMatchObject({
      code: 'PKI_LAYOUT_INCONSISTENT',
      details: { path: kzSeal.certificate },
    });
  });

  it('refuses to mint a new CA next to an old CA database', async () => {
    await initPki(options);
    const paths = partyPkiPaths(certsDir, 'KZ');
    await unlink(paths.caCertificate);
    await unlink(paths.caPrivateKey);
    await expect(initPki(options)).rejects.toMatchObject({
      code: 'PKI_LAYOUT_INCONSISTENT',
      details: { path: paths.caDatabase },
    });
  });

  it('refuses a corrupt CA database', async () => {
    await initPki(options);
    await writeFile(partyPkiPaths(certsDir, 'KZ').caDatabase, '{"format":"other"}');
    await expect(initPki(options)).rejects.toMatchObject({ code: 'PKI_DB_CORRUPT' });
  });

  it('validates the plan before writing anything', async () => {
    await expect(initPki({ ...options, parties: [kz('s1', '../s2')] })).rejects.toMatchObject({
      code: 'PKI_INVALID_PLAN',
    });
    await expect(
      initPki({ ...options, encryptionAlgorithm: 'ecdsa-p256' as unknown as 'rsa-2048' }),
    ).rejects.toMatchObject({ code: 'PKI_INVALID_PLAN' });
    expect(await readdir(certsDir)).toEqual([]);
  });
});
