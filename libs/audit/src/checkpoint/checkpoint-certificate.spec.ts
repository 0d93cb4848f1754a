import type { X509Certificate } from 'node:crypto';
import {
  type CertificateAuthority,
  type CertificateProfile,
  createRootCa,
  gatewaySubject,
  issueCertificate,
  rootCaSubject,
} from '@mxg/pki';
import { AuditError } from '../audit-error';
import { type AuditTrust, checkCheckpointCertificate } from './checkpoint-certificate';

const NOW = new Date('2030-03-01T12:00:00.000Z');

function codeAndMessage(call: () => unknown): [string, string] | undefined {
  try {
    call();
  } catch (error) {
    if (error instanceof AuditError) return [error.code, error.message];
    throw error;
  }
  return undefined;
}

describe(checkCheckpointCertificate.name, () => {
  let kzCa: CertificateAuthority;
  let azCa: CertificateAuthority;
  let kzAudit: X509Certificate;
  let kzAuditReissued: X509Certificate;
  let azAudit: X509Certificate;
  const issue = async (ca: CertificateAuthority, party: string, profile: CertificateProfile) =>
    (
      await issueCertificate({
        issuer: ca,
        profile,
        subject: gatewaySubject(
          party,
          profile === 'audit-checkpoint' ? 'audit-checkpoint' : 'seal',
        ),
        keyAlgorithm: profile === 'encryption' ? 'rsa-2048' : 'ecdsa-p256',
        now: NOW,
      })
    ).certificate;

  beforeAll(async () => {
    [kzCa, azCa] = await Promise.all(
      ['KZ', 'AZ'].map((party) =>
        createRootCa({ partySubject: rootCaSubject(party), keyAlgorithm: 'ecdsa-p256', now: NOW }),
      ),
    );
    [kzAudit, kzAuditReissued, azAudit] = await Promise.all([
      issue(kzCa, 'KZ', 'audit-checkpoint'),
      issue(kzCa, 'KZ', 'audit-checkpoint'),
      issue(azCa, 'AZ', 'audit-checkpoint'),
    ]);
  });

  const cas = (): AuditTrust => ({ trustedCas: [kzCa.certificate, azCa.certificate] });
  const at = new Date('2030-06-01T00:00:00.000Z');

  it('accepts the party’s audit-checkpoint certificate for its log and its witness', () => {
    expect(
      codeAndMessage(() => checkCheckpointCertificate(kzAudit, 'mxg.kz/audit', cas(), at)),
    ).toBeUndefined();
    expect(
      codeAndMessage(() => checkCheckpointCertificate(azAudit, 'mxg.az/witness', cas(), at)),
    ).toBeUndefined();
  });

  it.each<[string, CertificateProfile]>([
    ['a signatory', 'signatory'],
    ['a seal', 'seal'],
    ['an encryption', 'encryption'],
  ])('#10.1 refuses %s certificate of the same CA', async (_, profile) => {
    const certificate = await issue(kzCa, 'KZ', profile);
    expect(
      codeAndMessage(() => checkCheckpointCertificate(certificate, 'mxg.kz/audit', cas(), at)),
    ).toEqual([
      'AUDIT_CERTIFICATE_UNTRUSTED',
      expect.stringMatching(
        /^AUDIT_CERTIFICATE_UNTRUSTED: mxg\.kz\/audit: certificate is not an audit-checkpoint certificate: /,
      ),
    ]);
  });

  it('#10.1 refuses the party’s CA certificate itself', () => {
    expect(
      codeAndMessage(() =>
        checkCheckpointCertificate(kzCa.certificate, 'mxg.kz/audit', cas(), at),
      )?.[1],
    ).toMatch(/not an audit-checkpoint certificate: it is a CA certificate/);
  });

  it('refuses another party’s audit certificate under this party’s name', () => {
    expect(
      codeAndMessage(() => checkCheckpointCertificate(azAudit, 'mxg.kz/audit', cas(), at))?.[1],
    ).toMatch(/is not of KZ/);
  });

  it('refuses a certificate no given CA of its party issued', () => {
    const trust = { trustedCas: [azCa.certificate] };
    expect(
      codeAndMessage(() => checkCheckpointCertificate(kzAudit, 'mxg.kz/audit', trust, at))?.[1],
    ).toMatch(/not issued by a trusted KZ CA/);
  });

  it('#10.1 accepts only the pinned certificates of a party that has any, as a set', () => {
    const pinned: AuditTrust = { ...cas(), pinned: new Map([['KZ', [kzAudit, kzAuditReissued]]]) };
    expect(
      codeAndMessage(() => checkCheckpointCertificate(kzAuditReissued, 'mxg.kz/audit', pinned, at)),
    ).toBeUndefined();
    const onlyOld: AuditTrust = { ...cas(), pinned: new Map([['KZ', [kzAudit]]]) };
    expect(
      codeAndMessage(() =>
        checkCheckpointCertificate(kzAuditReissued, 'mxg.kz/audit', onlyOld, at),
      )?.[1],
    ).toMatch(/is not one of the KZ audit-checkpoint certificates configured/);
    // Another party's pins do not constrain this one.
    const azPinned: AuditTrust = { ...cas(), pinned: new Map([['AZ', [azAudit]]]) };
    expect(
      codeAndMessage(() =>
        checkCheckpointCertificate(kzAuditReissued, 'mxg.kz/audit', azPinned, at),
      ),
    ).toBeUndefined();
  });

  it('refuses a certificate outside its validity at the time given', () => {
    expect(
      codeAndMessage(() =>
        checkCheckpointCertificate(
          kzAudit,
          'mxg.kz/audit',
          cas(),
          new Date('2040-01-01T00:00:00Z'),
        ),
      )?.[1],
    ).toMatch(/not valid at 2040-01-01T00:00:00.000Z/);
  });

  it('refuses a key name that is not an MXG audit key', () => {
    expect(
      codeAndMessage(() => checkCheckpointCertificate(kzAudit, 'example.org/log', cas(), at))?.[1],
    ).toMatch(/is not an MXG audit key name/);
  });
});
