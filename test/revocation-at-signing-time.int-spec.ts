import { cpSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { X509Certificate } from 'node:crypto';
import { readCrl } from '@mxg/cms';
import {
  type ArchivedCrl,
  crlDer,
  EnvelopeError,
  FileTrustStore,
  type MxgMessage,
  openEnvelope,
  revocationAt,
  sealEnvelope,
  type TrustStore,
} from '@mxg/envelope';
import {
  issueCertificate,
  loadCertificateAuthority,
  partyPkiPaths,
  revokeCertificate,
  signatorySubject,
} from '@mxg/pki';
import { createPkiFixture, migRequest, type PkiFixture } from './support/pki-fixture';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

/**
 * Issue #14: revocation is judged as of the signing time, from every CRL version archived — a
 * CRL covers a time when it was current then, or was issued later while the certificate was
 * still unexpired (RFC 5280 §3.3) — and never from a CRL that did not cover it. CRLs here are
 * made by the development CA (`mxg pki revoke`'s code) at chosen times.
 */
describe('revocation as of signing time, from archived CRLs (#14, MIG-11.4)', () => {
  let fx: PkiFixture;
  let work: string;
  let t0: Date;
  let copies = 0;
  const at = (ms: number) => new Date(t0.getTime() + ms);

  beforeAll(async () => {
    fx = await createPkiFixture();
    work = mkdtempSync(join(tmpdir(), 'mxg-revocation-at-'));
    // CRL 1 of each party was issued by the fixture, just now (to the second).
    t0 = new Date(Date.now() + 1000);
  });
  afterAll(() => {
    fx.cleanup();
    rmSync(work, { recursive: true, force: true });
  });

  const copyOfCerts = () => {
    const dir = join(work, `certs-${(copies += 1)}`);
    cpSync(fx.certsDir, dir, { recursive: true });
    return dir;
  };
  const kz = (dir: string) => partyPkiPaths(dir, 'KZ');
  const crlNow = (dir: string): ArchivedCrl => {
    const der = crlDer(readFileSync(kz(dir).caCrl, 'latin1'))!;
    const ca = new X509Certificate(readFileSync(kz(dir).caCertificate));
    return { party: 'KZ', der, info: readCrl(der, [ca]), fetchedAt: new Date(), source: 'test' };
  };
  const revoke = (dir: string, certificatePath: string, now: Date) =>
    revokeCertificate({ certsDir: dir, certificatePath, reason: 'keyCompromise', now });
  const certificate = (path: string) => new X509Certificate(readFileSync(path));

  describe(revocationAt.name, () => {
    it('good before the revocation, revoked after it: CRL 1 current then, CRL 2 issued later', async () => {
      const dir = copyOfCerts();
      const signatory = kz(dir).signatory('kz-mvd-migration-head').certificate;
      const crl1 = crlNow(dir);
      await revoke(dir, signatory, at(HOUR));
      const crl2 = crlNow(dir);
      const sut = (when: Date, crls = [crl1, crl2]) =>
        revocationAt(certificate(signatory), crls, when);

      expect(sut(at(10 * MINUTE))).toMatchObject({ status: 'good', basis: [crl1, crl2] });
      // CRL 2 alone: issued after the signing time, while the certificate was unexpired.
      expect(sut(at(10 * MINUTE), [crl2])).toMatchObject({ status: 'good', basis: [crl2] });
      expect(sut(at(HOUR + MINUTE))).toMatchObject({
        status: 'revoked',
        revokedAt: at(HOUR - (at(HOUR).getTime() % 1000)),
        basis: [crl2],
      });
      // CRL 1 alone, current at that time, did not know yet: the archive must hold CRL 2.
      expect(sut(at(HOUR + MINUTE), [crl1])).toMatchObject({ status: 'good' });
    });

    it('could not check: no CRL archived, or none covering the signing time — past every nextUpdate', () => {
      const dir = copyOfCerts();
      const signatory = certificate(kz(dir).signatory('kz-mvd-migration-head').certificate);
      const crl1 = crlNow(dir);
      expect(revocationAt(signatory, [], at(MINUTE))).toMatchObject({ status: 'unknown' });
      // Development CRLs are good for 30 days.
      expect(revocationAt(signatory, [crl1], at(31 * DAY))).toMatchObject({
        status: 'unknown',
        reason: expect.stringMatching(/none of the 1 archived CRL\(s\) of the issuer covers/),
      });
    });

    it('an expired certificate too: a CRL issued after its expiry does not cover its past; one current then does', async () => {
      const dir = copyOfCerts();
      const ca = await loadCertificateAuthority(dir, 'KZ');
      const path = join(dir, 'kz', 'signatories', 'short-lived');
      await issueCertificate({
        issuer: ca,
        profile: 'signatory',
        subject: signatorySubject('KZ', {
          id: 'short-lived',
          authorityCode: 'KZ-MVD',
          authorityNameEn: 'Ministry of Internal Affairs',
          commonName: 'Short Lived',
        }),
        keyAlgorithm: 'ecdsa-p256',
        notBefore: t0,
        notAfter: at(2 * DAY),
        writeTo: { certificatePath: `${path}.cert.pem`, privateKeyPath: `${path}.key.pem` },
      });
      const shortLived = certificate(`${path}.cert.pem`);
      await revoke(dir, `${path}.cert.pem`, at(DAY));
      const crl2 = crlNow(dir); // current from day 1 to day 31, lists it
      await revoke(dir, kz(dir).gateway.auditCheckpoint.certificate, at(3 * DAY));
      const crl3 = crlNow(dir); // issued after it expired: may have dropped it (RFC 5280 §3.3)

      expect(revocationAt(shortLived, [crl3], at(DAY + HOUR))).toMatchObject({
        status: 'unknown',
      });
      expect(revocationAt(shortLived, [crl3], at(HOUR))).toMatchObject({ status: 'unknown' });
      expect(revocationAt(shortLived, [crl2, crl3], at(DAY + HOUR))).toMatchObject({
        status: 'revoked',
      });
      expect(revocationAt(shortLived, [crl2, crl3], at(HOUR))).toMatchObject({
        status: 'good',
        basis: [crl2],
      });
    });
  });

  describe('a receiver judging both after the revocation (done-when)', () => {
    const sealAt = async (trust: TrustStore, signedAt: Date, message: MxgMessage) =>
      sealEnvelope({
        message,
        signatory: await fx.keys('KZ').signatory('kz-mvd-migration-head'),
        seal: await fx.keys('KZ').seal(),
        recipient: fx.trust.party('AZ').encryption!,
        trust,
        policy: fx.config.treaty.agreement('MIG').algorithms,
        signingTime: signedAt,
      });
    const open = (envelope: Uint8Array, trust: TrustStore, now: Date) =>
      openEnvelope(envelope, {
        self: 'AZ',
        keys: fx.keys('AZ'),
        trust,
        treaty: fx.config.treaty,
        now,
        maxSkewMs: 5 * MINUTE,
        maxAgeMs: DAY,
      });
    const refusal = async (envelope: Uint8Array, trust: TrustStore, now: Date) => {
      try {
        await open(envelope, trust, now);
      } catch (error) {
        if (error instanceof EnvelopeError) return { code: error.code, layer: error.layer };
        throw error;
      }
      throw new Error('the envelope was accepted');
    };

    it('accepts a signature made before the signatory’s certificate was revoked and refuses one made after', async () => {
      const dir = copyOfCerts();
      const receiver = new FileTrustStore(dir, fx.config.treaty); // archives CRL 1 now
      // The sender has not heard of the revocation yet (its CRL is an hour old): both go out.
      const sender = new FileTrustStore(copyOfCerts(), fx.config.treaty);
      const before = await sealAt(sender, at(10 * MINUTE), migRequest(at(10 * MINUTE)));
      await revoke(dir, kz(dir).signatory('kz-mvd-migration-head').certificate, at(HOUR));
      const after = await sealAt(sender, at(HOUR + MINUTE), migRequest(at(HOUR + MINUTE)));

      const judged = at(HOUR + 2 * MINUTE);
      const opened = await open(before.envelope, receiver, judged);
      expect(opened.signatoryId).toBe('kz-mvd-migration-head');
      expect(opened.innerReport.checks.find((c) => c.name === 'revocation')?.detail).toMatch(
        /not revoked at signing time .* \(CRL 1 of .*, CRL 2 of .*\)/,
      );
      expect(await refusal(after.envelope, receiver, judged)).toEqual({
        code: 'CERT_REVOKED',
        layer: 'inner',
      });
      expect(receiver.party('KZ').archive.map((c) => c.info.crlNumber)).toEqual([1n, 2n]);

      // A receiver that only ever saw CRL 2 decides the same: it was issued after the first
      // signature, while the certificate was unexpired, and does not list it as revoked then.
      const late = new FileTrustStore(dir, fx.config.treaty);
      await expect(open(before.envelope, late, judged)).resolves.toMatchObject({
        signatoryId: 'kz-mvd-migration-head',
      });
      expect(await refusal(after.envelope, late, judged)).toMatchObject({ code: 'CERT_REVOKED' });
    });
  });
});
