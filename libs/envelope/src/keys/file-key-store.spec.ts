import { verify } from 'node:crypto';
import { copyFile, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { decryptCms, encryptCms } from '@mxg/cms';
import { FixedClock } from '@mxg/core';
import {
  gatewaySubject,
  initPki,
  issueCertificate,
  keyGenerationPaths,
  loadCertificateAuthority,
  partyPkiPaths,
  type PkiPartyPlan,
} from '@mxg/pki';
import { FileKeyStore } from './file-key-store';

const NOW = new Date('2030-03-01T12:00:00.000Z');
const HOUR = 3_600_000;
const DAY = 24 * HOUR;

const kz: PkiPartyPlan = {
  code: 'KZ',
  nameEn: 'Kazakhstan',
  signatories: [
    {
      id: 'kz-officer',
      authorityCode: 'KZ-MVD',
      authorityNameEn: 'Migration Service',
      commonName: 'Officer One',
      position: 'Inspector',
    },
  ],
};

describe(FileKeyStore.name, () => {
  let certsDir: string;
  const gateway = () => partyPkiPaths(certsDir, 'KZ').gateway;

  beforeEach(async () => {
    certsDir = await mkdtemp(join(tmpdir(), 'mxg-file-key-store-'));
    await initPki({ certsDir, parties: [kz], now: new Date(NOW.getTime() - 30 * DAY) });
  });
  afterEach(() => rm(certsDir, { recursive: true, force: true }));

  /** `mxg pki rotate`'s layout: generation n ≥ 2 of the seal or encryption key, beside the first. */
  const rotate = async (key: 'seal' | 'encryption', generation: number, notBefore: Date) =>
    issueCertificate({
      issuer: await loadCertificateAuthority(certsDir, 'KZ'),
      profile: key,
      subject: gatewaySubject('KZ', key),
      keyAlgorithm: key === 'seal' ? 'ecdsa-p256' : 'rsa-2048',
      notBefore,
      now: notBefore,
      writeTo: (({ certificate, privateKey }) => ({
        certificatePath: certificate,
        privateKeyPath: privateKey,
      }))(keyGenerationPaths(gateway()[key], generation)),
    });

  const store = (at = NOW, rescanMs?: number) =>
    new FileKeyStore(certsDir, 'KZ', { clock: new FixedClock(at), rescanMs });

  it('signs with the seal, the audit-checkpoint and a signatory key, and hands out no key', async () => {
    const sut = store();
    const data = Buffer.from('signed attributes');
    for (const key of [
      await sut.seal(),
      await sut.auditCheckpoint(),
      await sut.signatory('kz-officer'),
    ]) {
      const signature = await key.sign(data, 'ecdsa-sha256');
      expect(
        verify('sha256', data, { key: key.certificate.publicKey, dsaEncoding: 'der' }, signature),
      ).toBe(true);
      // An operation and a (public) certificate: nothing else is reachable from it.
      expect(Object.keys(key).sort()).toEqual(['certificate', 'sign']);
    }
  });

  it('seals with the newest generation in force at the clock’s now', async () => {
    const first = (await store().seal()).certificate;
    const second = await rotate('seal', 2, new Date(NOW.getTime() + DAY));

    expect((await store(NOW).seal()).certificate.raw.equals(first.raw)).toBe(true);
    const later = await store(new Date(NOW.getTime() + 2 * DAY)).seal();
    expect(later.certificate.raw.equals(second.certificate.raw)).toBe(true);
  });

  it('takes up a generation added while it runs at its next look at the directory', async () => {
    const sut = store(NOW, 0);
    const first = await sut.seal();
    const second = await rotate('seal', 2, new Date(NOW.getTime() - HOUR));

    const now = await sut.seal();
    expect(now.certificate.raw.equals(second.certificate.raw)).toBe(true);
    expect(now.certificate.raw.equals(first.certificate.raw)).toBe(false);
  });

  it('does not look at the directory again before rescanMs has passed', async () => {
    const sut = store(NOW, 60_000);
    const first = await sut.seal();
    await rotate('seal', 2, new Date(NOW.getTime() - HOUR));

    expect((await sut.seal()).certificate.raw.equals(first.certificate.raw)).toBe(true);
  });

  it('opens envelopes to every encryption generation held, newest first', async () => {
    const second = await rotate('encryption', 2, new Date(NOW.getTime() - HOUR));
    const keys = await store().decryption();
    expect(keys.map((k) => k.certificate.raw.equals(second.certificate.raw))).toEqual([
      true,
      false,
    ]);

    for (const key of keys) {
      const content = Buffer.from(`to ${key.certificate.serialNumber}`);
      const enveloped = await encryptCms(
        content,
        { certificate: key.certificate },
        { keyTransport: 'rsa-oaep-sha256', contentEncryption: 'aes-256-cbc' },
      );
      expect(Buffer.from(await decryptCms(enveloped, keys)).equals(content)).toBe(true);
    }
  });

  it('says KEY_NOT_AVAILABLE for a key it does not hold, and tries again next time', async () => {
    const sut = store();
    await expect(sut.signatory('kz-nobody')).rejects.toMatchObject({ code: 'KEY_NOT_AVAILABLE' });
    await rm(gateway().seal.privateKey);
    await expect(sut.seal()).rejects.toMatchObject({ code: 'KEY_NOT_AVAILABLE' });
    await copyFile(gateway().auditCheckpoint.privateKey, gateway().seal.privateKey);
    // A key that is not the certificate's is not the seal either.
    await expect(sut.seal()).rejects.toMatchObject({ code: 'KEY_NOT_AVAILABLE' });
  });

  it('serves the generations it holds when a newer one has no key here', async () => {
    const first = await store().seal();
    await rotate('seal', 2, new Date(NOW.getTime() - HOUR));
    await rm(keyGenerationPaths(gateway().seal, 2).privateKey);

    const seal = await store().seal();
    expect(seal.certificate.raw.equals(first.certificate.raw)).toBe(true);
  });
});
