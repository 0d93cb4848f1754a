import { cpSync, mkdtempSync, readFileSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { signCms } from '@mxg/cms';
import {
  encodeMessage,
  EnvelopeError,
  FileKeyStore,
  FileTrustStore,
  firstFailure,
  type SigningKey,
  sealEnvelope,
  type SealEnvelopeInput,
  type TrustStore,
  verifySignedLayer,
} from '@mxg/envelope';
import {
  issueCertificate,
  loadCertificateAuthority,
  partyPkiPaths,
  revokeCertificate,
  signatorySubject,
} from '@mxg/pki';
import { createPkiFixture, migRequest, signingKeyOf, type PkiFixture } from './support/pki-fixture';

const DAY = 86_400_000;

/**
 * Issue #10, finding 5: revoking a certificate changed nothing on a running gateway (CRLs were
 * read once, at start) and the sender never checked its own certificates. Here, on files: the
 * trust store follows the CRL file and keeps the last good CRL against anything worse, and
 * sealEnvelope refuses every certificate not in force at signing time.
 */
describe('#10.5 revocation takes effect without a restart (trust store, sealEnvelope)', () => {
  let fx: PkiFixture;
  let work: string;
  let copies = 0;

  beforeAll(async () => {
    fx = await createPkiFixture();
    work = mkdtempSync(join(tmpdir(), 'mxg-revocation-'));
  });
  afterAll(() => {
    fx.cleanup();
    rmSync(work, { recursive: true, force: true });
  });

  /** A copy of the PKI a test may revoke in without disturbing the others. */
  const copyOfCerts = (source = fx.certsDir) => {
    const dir = join(work, `certs-${(copies += 1)}`);
    cpSync(source, dir, { recursive: true });
    return dir;
  };
  const kz = (dir: string) => partyPkiPaths(dir, 'KZ');
  const revoke = (dir: string, certificatePath: string, now?: Date) =>
    revokeCertificate({ certsDir: dir, certificatePath, reason: 'keyCompromise', now });
  const trustIn = (dir: string) => {
    const logs: { level: string; message: string }[] = [];
    const trust = new FileTrustStore(dir, fx.config.treaty, {
      log: (level, message) => logs.push({ level, message }),
    });
    return { trust, logs, warnings: () => logs.filter((l) => l.level === 'warn') };
  };
  const policy = () => fx.config.treaty.agreement('MIG').algorithms;

  /** The signatory's own SignedData over a MIG request, as a national system would submit it. */
  const signedBy = async (dir: string, signatoryId: string) =>
    signCms(
      encodeMessage(migRequest(new Date())),
      await new FileKeyStore(dir, 'KZ').signatory(signatoryId),
      { scheme: 'ecdsa-sha256', signingTime: new Date() },
    );
  /** What the receiver (and the pre-signed submit) decides about that signature now. */
  const verdict = async (signedData: Uint8Array, trust: TrustStore) =>
    firstFailure(
      await verifySignedLayer(signedData, {
        layer: 'inner',
        role: 'signatory',
        party: 'KZ',
        authority: 'KZ-MVD',
        trust,
        treaty: fx.config.treaty,
        policy: policy(),
        now: new Date(),
      }),
    )?.code ?? 'valid';

  describe('FileTrustStore follows its CRL files', () => {
    it('#10.5 refuses a signatory revoked after the trust store was built, at the next check', async () => {
      const dir = copyOfCerts();
      const signed = await signedBy(dir, 'kz-mvd-migration-head');
      const { trust, logs } = trustIn(dir);
      expect(await verdict(signed, trust)).toBe('valid');

      await revoke(dir, kz(dir).signatory('kz-mvd-migration-head').certificate);
      expect(await verdict(signed, trust)).toBe('CERT_REVOKED');
      expect(trust.party('KZ').crls).toEqual([readFileSync(kz(dir).caCrl, 'utf8')]);
      expect(logs.map((l) => l.message)).toContainEqual(
        expect.stringMatching(
          /^KZ's CRL 2 \(1 revoked, .*\) taken into use from .*, replacing CRL 1$/,
        ),
      );
    });

    it('#10.5 keeps the last good CRL against garbage, half a CRL, another CA’s, an older one, one issued earlier, or none', async () => {
      const dir = copyOfCerts();
      const crlPath = kz(dir).caCrl;
      const signed = await signedBy(dir, 'kz-mvd-migration-head');
      const unrevoked = readFileSync(crlPath, 'utf8'); // CRL 1, listing nothing
      await revoke(dir, kz(dir).signatory('kz-mvd-migration-head').certificate);
      const good = readFileSync(crlPath, 'utf8'); // CRL 2, listing the signatory
      // CRL 3 of KZ's own CA, but dated a day before CRL 2 (made in a copy, so dir keeps 2).
      const other = copyOfCerts(dir);
      await revoke(
        other,
        kz(other).gateway.auditCheckpoint.certificate,
        new Date(Date.now() - DAY),
      );
      const backdated = readFileSync(kz(other).caCrl, 'utf8');

      const { trust, warnings } = trustIn(dir);
      expect(await verdict(signed, trust)).toBe('CERT_REVOKED');
      const attempts: [string, () => void, RegExp][] = [
        ['garbage', () => writeFileSync(crlPath, 'not a CRL'), /is not a CRL/],
        [
          'half a CRL',
          () => writeFileSync(crlPath, good.slice(0, good.length / 2)),
          /not a whole one/,
        ],
        [
          'AZ’s CRL',
          () => writeFileSync(crlPath, readFileSync(partyPkiPaths(dir, 'AZ').caCrl)),
          /is not a CRL signed by KZ's CA/,
        ],
        [
          'the CRL before the revocation',
          () => writeFileSync(crlPath, unrevoked),
          /has CRL number 1, not above the 2 in use/,
        ],
        [
          'a higher number issued earlier',
          () => writeFileSync(crlPath, backdated),
          /before the CRL in use/,
        ],
        ['no file', () => unlinkSync(crlPath), /is missing/],
      ];
      for (const [what, drop, why] of attempts) {
        const before = warnings().length;
        drop();
        expect({ what, crls: trust.party('KZ').crls }).toEqual({ what, crls: [good] });
        expect({ what, verdict: await verdict(signed, trust) }).toEqual({
          what,
          verdict: 'CERT_REVOKED',
        });
        // Said once, however many decisions see the same file.
        expect({
          what,
          warnings: warnings()
            .slice(before)
            .map((w) => w.message),
        }).toEqual({
          what,
          warnings: [expect.stringMatching(why)],
        });
        expect(warnings()[before].message).toContain('keeping CRL 2 (1 revoked');
      }
      // The good CRL put back is the one in use already: nothing to say.
      const before = warnings().length;
      writeFileSync(crlPath, good);
      expect(trust.party('KZ').crls).toEqual([good]);
      expect(warnings()).toHaveLength(before);
    });

    it('#10.5 takes up a CRL that appears after start; until then revocation cannot be checked', async () => {
      const dir = copyOfCerts();
      const crlPath = kz(dir).caCrl;
      const crl = readFileSync(crlPath, 'utf8');
      const signed = await signedBy(dir, 'kz-mvd-migration-head');
      unlinkSync(crlPath);
      const { trust, warnings } = trustIn(dir);
      expect(warnings().map((w) => w.message)).toEqual([
        expect.stringMatching(/is missing; no CRL of KZ is in use: revocation cannot be checked$/),
      ]);
      expect(await verdict(signed, trust)).toBe('REVOCATION_STATUS_UNKNOWN');

      writeFileSync(crlPath, crl);
      expect(await verdict(signed, trust)).toBe('valid');
      await revoke(dir, kz(dir).signatory('kz-mvd-migration-head').certificate);
      expect(await verdict(signed, trust)).toBe('CERT_REVOKED');
    });
  });

  describe('sealEnvelope uses no certificate that is not in force at signing time', () => {
    const sealIn = async (
      dir: string,
      trust: TrustStore,
      overrides: Partial<SealEnvelopeInput> & { signatoryId?: string } = {},
    ) => {
      const keys = new FileKeyStore(dir, 'KZ');
      return sealEnvelope({
        message: migRequest(new Date()),
        signatory: await keys.signatory(overrides.signatoryId ?? 'kz-mvd-deputy-minister'),
        seal: await keys.seal(),
        recipient: (await new FileKeyStore(dir, 'AZ').decryption())[0].certificate,
        trust,
        policy: policy(),
        signingTime: new Date(),
        ...overrides,
      });
    };
    const refusal = async (sealing: Promise<unknown>) => {
      try {
        await sealing;
      } catch (error) {
        if (error instanceof EnvelopeError) {
          return { code: error.code, layer: error.layer, message: error.message };
        }
        throw error;
      }
      throw new Error('it was sealed');
    };

    it('#10.5 refuses a signatory revoked since start-up (CERT_REVOKED), naming the certificate by serial only', async () => {
      const dir = copyOfCerts();
      const { trust } = trustIn(dir);
      await expect(
        sealIn(dir, trust, { signatoryId: 'kz-mvd-migration-head' }),
      ).resolves.toBeDefined();
      const { serial } = await revoke(dir, kz(dir).signatory('kz-mvd-migration-head').certificate);

      const refused = await refusal(sealIn(dir, trust, { signatoryId: 'kz-mvd-migration-head' }));
      expect(refused).toMatchObject({ code: 'CERT_REVOKED', layer: 'inner' });
      expect(refused.message).toContain(`serial ${serial}`);
      expect(refused.message).not.toMatch(/Primerova|Примерова/);
      // Only that signatory: the others still sign.
      await expect(sealIn(dir, trust)).resolves.toBeDefined();
    });

    it('#10.5 refuses a pre-signed SignedData whose signatory was revoked since it was signed (CERT_REVOKED)', async () => {
      const dir = copyOfCerts();
      const { trust } = trustIn(dir);
      const signedData = await signedBy(dir, 'kz-mvd-migration-head');
      const presigned = {
        signedData,
        certificate: trust.signatoryCertificate('kz-mvd-migration-head')!,
      };
      await expect(sealIn(dir, trust, { signatory: presigned })).resolves.toBeDefined();
      await revoke(dir, kz(dir).signatory('kz-mvd-migration-head').certificate);
      expect(await refusal(sealIn(dir, trust, { signatory: presigned }))).toMatchObject({
        code: 'CERT_REVOKED',
        layer: 'inner',
      });
    });

    it('#10.5 refuses an expired signatory certificate (CERT_EXPIRED), though its CRL is current', async () => {
      const dir = copyOfCerts();
      const ca = await loadCertificateAuthority(dir, 'KZ');
      const lapsed = await issueCertificate({
        issuer: ca,
        profile: 'signatory',
        subject: signatorySubject('KZ', {
          id: 'kz-mvd-migration-head',
          authorityCode: 'KZ-MVD',
          authorityNameEn: 'Ministry of Internal Affairs',
          commonName: 'Primerova Aigul',
        }),
        keyAlgorithm: 'ecdsa-p256',
        notBefore: new Date(Date.now() - 10 * DAY),
        notAfter: new Date(Date.now() - DAY),
      });
      const signatory: SigningKey = signingKeyOf(lapsed.certificate, lapsed.privateKey);
      const refused = await refusal(sealIn(dir, trustIn(dir).trust, { signatory }));
      expect(refused).toMatchObject({ code: 'CERT_EXPIRED', layer: 'inner' });
      expect(refused.message).not.toMatch(/Primerova/);
      // A certificate in force today is refused once the signing time passes its notAfter.
      const deputy = await new FileKeyStore(dir, 'KZ').signatory('kz-mvd-deputy-minister');
      const afterExpiry = new Date(new Date(deputy.certificate.validTo).getTime() + DAY);
      expect(
        await refusal(sealIn(dir, trustIn(dir).trust, { signingTime: afterExpiry })),
      ).toMatchObject({ code: 'CERT_EXPIRED', layer: 'inner' });
    });

    it('#10.5 a revoked gateway seal does not keep sealing (CERT_REVOKED, outer layer)', async () => {
      const dir = copyOfCerts();
      const { trust } = trustIn(dir);
      await revoke(dir, kz(dir).gateway.seal.certificate);
      expect(await refusal(sealIn(dir, trust))).toMatchObject({
        code: 'CERT_REVOKED',
        layer: 'outer',
      });
    });

    it('#10.5 encrypts for no receiving gateway whose encryption certificate its CA revoked (CERT_REVOKED)', async () => {
      const dir = copyOfCerts();
      const { trust } = trustIn(dir);
      await revoke(dir, partyPkiPaths(dir, 'AZ').gateway.encryption.certificate);
      expect(await refusal(sealIn(dir, trust))).toMatchObject({
        code: 'CERT_REVOKED',
        layer: 'envelope',
      });
    });

    it('#10.5 REVOCATION_STATUS_UNKNOWN without a current CRL — none, or one past its nextUpdate — never “not revoked”', async () => {
      const dir = copyOfCerts();
      const { trust } = trustIn(dir);
      const withoutCrl: TrustStore = {
        party: (code) => ({ ...trust.party(code), crls: [] }),
        signatoryCertificate: (id) => trust.signatoryCertificate(id),
      };
      expect(await refusal(sealIn(dir, withoutCrl))).toMatchObject({
        code: 'REVOCATION_STATUS_UNKNOWN',
        layer: 'inner',
      });
      // Development CRLs are good for 30 days; certificates for two years.
      const stale = new Date(Date.now() + 31 * DAY);
      expect(await refusal(sealIn(dir, trust, { signingTime: stale }))).toMatchObject({
        code: 'REVOCATION_STATUS_UNKNOWN',
        layer: 'inner',
      });
    });

    it('CERT_UNTRUSTED: a signatory certificate from another party’s CA', async () => {
      const dir = copyOfCerts();
      const foreign = await new FileKeyStore(dir, 'AZ').signatory('az-dmx-deputy-head');
      expect(await refusal(sealIn(dir, trustIn(dir).trust, { signatory: foreign }))).toMatchObject({
        code: 'CERT_UNTRUSTED',
        layer: 'inner',
      });
    });
  });
});
