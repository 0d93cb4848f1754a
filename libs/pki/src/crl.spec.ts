import * as asn1js from 'asn1js';
import * as pkijs from 'pkijs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { crlListsSerial, issueCrl } from './crl';
import { rootCaSubject } from './distinguished-name';
import { CertificateAuthority, createRootCa } from './issue-certificate';
import { x509 } from './x509-provider';

const NOW = new Date('2030-03-01T12:00:00.000Z');

function crlNumber(crl: x509.X509Crl): number | undefined {
  const extension = crl.getExtension('2.5.29.20');
  if (extension === null) return undefined;
  const { result } = asn1js.fromBER(extension.value);
  return (result as asn1js.Integer).valueBlock.valueDec;
}

describe(issueCrl.name, () => {
  let ca: CertificateAuthority;

  beforeAll(async () => {
    ca = await createRootCa({
      partySubject: rootCaSubject('KZ'),
      keyAlgorithm: 'ecdsa-p256',
      now: NOW,
    });
  });

  it('issues a v2 CRL, valid 30 days, numbered and tied to the CA key', async () => {
    const pem = await issueCrl({ ca, revoked: [], crlNumber: 7, now: NOW });
    expect(pem).toMatch(/^-----BEGIN X509 CRL-----\n[\s\S]+\n-----END X509 CRL-----\n$/);
    const crl = new x509.X509Crl(pem);
    expect(crl.version).toBe(1); // v2 is encoded as 1
    expect(crl.issuer).toBe('C=KZ, O=MXG development PKI (KZ), CN=MXG KZ Root CA');
    expect(crl.thisUpdate).toEqual(NOW);
    expect(crl.nextUpdate).toEqual(new Date('2030-03-31T12:00:00.000Z'));
    expect(crlNumber(crl)).toBe(7);
    const caCertificate = new x509.X509Certificate(ca.certificate.raw);
    expect(crl.getExtension(x509.AuthorityKeyIdentifierExtension)?.keyId).toBe(
      caCertificate.getExtension(x509.SubjectKeyIdentifierExtension)?.keyId,
    );
    expect(await crl.verify({ publicKey: caCertificate.publicKey })).toBe(true);
    expect(crl.entries).toHaveLength(0);
  });

  it('lists revoked serials with their date and reason, leaving out "unspecified"', async () => {
    const pem = await issueCrl({
      ca,
      revoked: [
        { serial: '4A01', revokedAt: '2030-02-01T00:00:00.000Z', reason: 'keyCompromise' },
        { serial: '5B02', revokedAt: '2030-02-02T00:00:00.000Z', reason: 'unspecified' },
        { serial: '6C03', revokedAt: '2030-02-03T00:00:00.000Z', reason: 'cessationOfOperation' },
      ],
      crlNumber: 2,
      now: NOW,
    });
    const entries = new x509.X509Crl(pem).entries.map((entry) => ({
      serial: entry.serialNumber.toUpperCase(),
      date: entry.revocationDate.toISOString(),
      reason: entry.reason,
    }));
    expect(entries).toEqual([
      {
        serial: '4A01',
        date: '2030-02-01T00:00:00.000Z',
        reason: x509.X509CrlReason.keyCompromise,
      },
      { serial: '5B02', date: '2030-02-02T00:00:00.000Z', reason: undefined },
      {
        serial: '6C03',
        date: '2030-02-03T00:00:00.000Z',
        reason: x509.X509CrlReason.cessationOfOperation,
      },
    ]);
  });

  // Regression: an 'unspecified' revocation once produced an entry with an empty
  // crlEntryExtensions SEQUENCE — not DER; OpenSSL let it pass, pkijs (and so the gateway's
  // verifier) refused the whole CRL.
  it('writes strict DER for an entry without a reason (the empty-extensions bug)', async () => {
    const pem = await issueCrl({
      ca,
      revoked: [{ serial: '5B02', revokedAt: '2030-02-02T00:00:00.000Z', reason: 'unspecified' }],
      crlNumber: 3,
      now: NOW,
    });
    const der = Buffer.from(pem.replace(/-----[^-]+-----|\s/g, ''), 'base64');
    expect(() => pkijs.CertificateRevocationList.fromBER(der)).not.toThrow();
    const [entry] = new x509.X509Crl(pem).entries;
    expect(entry?.invalidity?.toISOString()).toBe('2030-02-02T00:00:00.000Z');
  });
});

describe(crlListsSerial.name, () => {
  let dir: string;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'mxg-pki-crl-'));
  });

  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('reads serials back from a CRL file, and treats a missing file as listing nothing', async () => {
    const ca = await createRootCa({
      partySubject: rootCaSubject('AZ'),
      keyAlgorithm: 'ecdsa-p256',
    });
    const path = join(dir, 'ca.crl.pem');
    const revoked = [
      { serial: '4A01', revokedAt: NOW.toISOString(), reason: 'superseded' as const },
    ];
    await writeFile(path, await issueCrl({ ca, revoked, crlNumber: 1, now: NOW }));
    await expect(crlListsSerial(path, '4a01')).resolves.toBe(true);
    await expect(crlListsSerial(path, '4A02')).resolves.toBe(false);
    await expect(crlListsSerial(join(dir, 'missing.pem'), '4A01')).resolves.toBe(false);
  });
});
