import { mkdtemp, open, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { readCaDatabase } from './ca-database';
import { loadCertificateAuthority } from './certificate-authority';
import { revokedSerials } from './crl';
import { gatewaySubject, rootCaSubject } from './distinguished-name';
import { createRootCa, issueCertificate } from './issue-certificate';
import { initPki } from './pki-init';
import { partyPkiPaths } from './pki-layout';
import { revokeCertificate } from './pki-revoke';
import { x509 } from './x509-provider';

const NOW = new Date('2030-03-01T12:00:00.000Z');
const LATER = new Date('2030-04-01T08:30:00.000Z');

describe(revokeCertificate.name, () => {
  let certsDir: string;

  beforeAll(async () => {
    certsDir = await mkdtemp(join(tmpdir(), 'mxg-pki-revoke-'));
  });

  beforeEach(async () => {
    await rm(certsDir, { recursive: true, force: true });
    const signatories = ['s1', 's2'].map((id) => ({
      id,
      authorityCode: 'X',
      authorityNameEn: 'Authority',
      commonName: id,
    }));
    await initPki({
      certsDir,
      now: NOW,
      parties: [
        { code: 'KZ', nameEn: 'Kazakhstan', signatories },
        { code: 'AZ', nameEn: 'Azerbaijan', signatories },
      ],
    });
  });

  afterAll(async () => {
    await rm(certsDir, { recursive: true, force: true });
  });

  const kz = (): ReturnType<typeof partyPkiPaths> => partyPkiPaths(certsDir, 'KZ');

  it("records the revocation in the issuer's database and re-issues its CRL", async () => {
    const azCrlBefore = await readFile(partyPkiPaths(certsDir, 'AZ').caCrl);
    const result = await revokeCertificate({
      certsDir,
      certificatePath: kz().signatory('s1').certificate,
      reason: 'keyCompromise',
      now: LATER,
    });
    expect(result).toEqual({
      crlPath: kz().caCrl,
      serial: expect.any(String),
      alreadyRevoked: false,
    });

    const db = await readCaDatabase(kz().caDatabase);
    expect(db.crlNumber).toBe(2);
    expect(db.revoked).toEqual([
      { serial: result.serial, revokedAt: LATER.toISOString(), reason: 'keyCompromise' },
    ]);
    const crl = new x509.X509Crl(await readFile(kz().caCrl, 'utf8'));
    expect(crl.thisUpdate).toEqual(LATER);
    expect(crl.entries.map((entry) => [entry.serialNumber.toUpperCase(), entry.reason])).toEqual([
      [result.serial, x509.X509CrlReason.keyCompromise],
    ]);
    expect(await readFile(partyPkiPaths(certsDir, 'AZ').caCrl)).toEqual(azCrlBefore);
  });

  it('keeps earlier revocations when revoking more', async () => {
    const first = await revokeCertificate({
      certsDir,
      certificatePath: kz().signatory('s1').certificate,
    });
    const second = await revokeCertificate({
      certsDir,
      certificatePath: kz().gateway.seal.certificate,
      reason: 'superseded',
    });
    expect(revokedSerials(await readFile(kz().caCrl, 'utf8'))).toEqual(
      new Set([first.serial, second.serial]),
    );
    expect((await readCaDatabase(kz().caDatabase)).crlNumber).toBe(3);
  });

  it('is a no-op the second time, keeping the first date and reason', async () => {
    const certificatePath = kz().signatory('s2').certificate;
    await revokeCertificate({
      certsDir,
      certificatePath,
      reason: 'cessationOfOperation',
      now: NOW,
    });
    const crl = await readFile(kz().caCrl);
    const db = await readFile(kz().caDatabase);

    const again = await revokeCertificate({
      certsDir,
      certificatePath,
      reason: 'keyCompromise',
      now: LATER,
    });
    expect(again.alreadyRevoked).toBe(true);
    expect(await readFile(kz().caCrl)).toEqual(crl);
    expect(await readFile(kz().caDatabase)).toEqual(db);
  });

  it('repairs a CRL left stale by an interrupted revocation', async () => {
    const staleCrl = await readFile(kz().caCrl);
    const certificatePath = kz().signatory('s1').certificate;
    const { serial } = await revokeCertificate({ certsDir, certificatePath });
    await writeFile(kz().caCrl, staleCrl);

    const again = await revokeCertificate({ certsDir, certificatePath });
    expect(again.alreadyRevoked).toBe(true);
    expect(revokedSerials(await readFile(kz().caCrl, 'utf8'))).toEqual(new Set([serial]));
    expect((await readCaDatabase(kz().caDatabase)).crlNumber).toBe(3);
  });

  it('replaces the CRL whole (a new file renamed over it): a gateway following it never reads half a CRL', async () => {
    const before = await readFile(kz().caCrl, 'utf8');
    const inodeBefore = (await stat(kz().caCrl)).ino;
    const oldFile = await open(kz().caCrl, 'r');
    try {
      const revoking = revokeCertificate({
        certsDir,
        certificatePath: kz().signatory('s1').certificate,
      });
      // A reader polling while the revocation runs sees one whole CRL or the other.
      const seen = new Set<string>();
      let done = false;
      const stop = () => (done = true);
      void revoking.then(stop, stop);
      while (!done) {
        seen.add(await readFile(kz().caCrl, 'utf8'));
        await new Promise((resolve) => setImmediate(resolve));
      }
      const { serial } = await revoking;
      const after = await readFile(kz().caCrl, 'utf8');
      expect([...seen].every((pem) => pem === before || pem === after)).toBe(true);
      expect(revokedSerials(after)).toEqual(new Set([serial]));
      // The old file was not rewritten in place: whoever held it open still has all of it.
      expect((await oldFile.readFile()).toString('utf8')).toBe(before);
      expect((await stat(kz().caCrl)).ino).not.toBe(inodeBefore);
      expect((await readdir(dirname(kz().caCrl))).filter((f) => f.endsWith('.tmp'))).toEqual([]);
    } finally {
      await oldFile.close();
    }
  });

  it('revokes certificates issued directly with issueCertificate', async () => {
    const writeTo = {
      certificatePath: join(certsDir, 'extra.cert.pem'),
      privateKeyPath: join(certsDir, 'extra.key.pem'),
    };
    await issueCertificate({
      issuer: await loadCertificateAuthority(certsDir, 'AZ'),
      profile: 'seal',
      subject: gatewaySubject('AZ', 'seal'),
      keyAlgorithm: 'ecdsa-p256',
      writeTo,
    });
    const result = await revokeCertificate({ certsDir, certificatePath: writeTo.certificatePath });
    expect(result.crlPath).toBe(partyPkiPaths(certsDir, 'AZ').caCrl);
  });

  it('finds the issuer by signature, so a look-alike CA outside certsDir is unknown', async () => {
    const impostor = await createRootCa({
      partySubject: rootCaSubject('KZ'),
      keyAlgorithm: 'ecdsa-p256',
    });
    const certificatePath = join(certsDir, 'impostor-leaf.cert.pem');
    await issueCertificate({
      issuer: impostor,
      profile: 'seal',
      subject: gatewaySubject('KZ', 'seal'),
      keyAlgorithm: 'ecdsa-p256',
      writeTo: { certificatePath, privateKeyPath: join(certsDir, 'impostor-leaf.key.pem') },
    });
    const crl = await readFile(kz().caCrl);
    await expect(revokeCertificate({ certsDir, certificatePath })).rejects.toMatchObject({
      code: 'PKI_UNKNOWN_ISSUER',
    });
    expect(await readFile(kz().caCrl)).toEqual(crl);
  });

  it('refuses to revoke a root CA', async () => {
    await expect(
      revokeCertificate({ certsDir, certificatePath: kz().caCertificate }),
    ).rejects.toMatchObject({ code: 'PKI_CANNOT_REVOKE_CA' });
  });

  it('reports a missing certificate file', async () => {
    await expect(
      revokeCertificate({ certsDir, certificatePath: join(certsDir, 'nope.cert.pem') }),
    ).rejects.toMatchObject({ code: 'PKI_CERT_NOT_FOUND' });
  });
});
