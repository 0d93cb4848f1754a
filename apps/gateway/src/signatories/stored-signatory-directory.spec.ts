import type { X509Certificate } from 'node:crypto';
import type { SignatoryDirectory } from '@mxg/envelope';
import { createRootCa, issueCertificate } from '@mxg/pki';
import type { SignatoryListVersion } from './signatory-list.types';
import { StoredSignatoryDirectory } from './stored-signatory-directory';

const POSITION = { ru: 'Должность', en: 'Position' };

/** Configuration: both people on KZ-MVD's list, each with their one certificate. */
function configured(certs: Record<string, X509Certificate>): SignatoryDirectory {
  return {
    known: (authority) =>
      authority === 'KZ-MVD'
        ? Object.entries(certs).map(([id, c]) => ({ id, authority, certificates: [c] }))
        : [],
    isAuthorised: (id, authority, _at, certificate) =>
      authority === 'KZ-MVD' && certs[id]?.raw.equals(certificate.raw) === true,
  };
}

describe(StoredSignatoryDirectory.name, () => {
  let head: X509Certificate;
  let deputy: X509Certificate;
  let deputyRenewed: X509Certificate;

  beforeAll(async () => {
    const ca = await createRootCa({
      partySubject: { country: 'KZ', organization: 'Test', commonName: 'Test CA' },
      keyAlgorithm: 'ecdsa-p256',
    });
    const issue = async (cn: string) =>
      (
        await issueCertificate({
          issuer: ca,
          profile: 'signatory',
          subject: { country: 'KZ', organization: 'Test', commonName: cn },
          keyAlgorithm: 'ecdsa-p256',
        })
      ).certificate;
    head = await issue('Head');
    deputy = await issue('Deputy');
    deputyRenewed = await issue('Deputy renewed');
  });

  /** Version `version` of KZ-MVD's list, from `effectiveFrom`, with these people. */
  const list = (
    version: number,
    effectiveFrom: string,
    people: Record<string, X509Certificate[]>,
  ): SignatoryListVersion => ({
    authority: 'KZ-MVD',
    version,
    effectiveFrom,
    listSha256: '0'.repeat(64),
    signatories: Object.entries(people).map(([id, certificates]) => ({
      id,
      position: POSITION,
      certificates,
    })),
    messageId: `00000000-0000-4000-8000-00000000000${version}`,
    direction: 'received',
    toAuthority: 'AZ-DMX',
    signedAt: new Date('2026-03-01T08:00:00Z'),
    appliedAt: new Date('2026-03-01T08:00:05Z'),
  });

  const sut = (versions: SignatoryListVersion[] = []) =>
    new StoredSignatoryDirectory(
      configured({ 'kz-mvd-head': head, 'kz-mvd-deputy': deputy }),
      () => 'Asia/Almaty',
      versions,
    );

  it('answers from configuration before any list was received', () => {
    const directory = sut();
    expect(directory.isAuthorised('kz-mvd-head', 'KZ-MVD', new Date(), head)).toBe(true);
    expect(directory.inForce('KZ-MVD', new Date())).toEqual({ source: 'configuration' });
  });

  it('applies a list from its effective date, a day in the authority’s time zone (MIG-9.4)', () => {
    // Version 1 drops the head from 10 March (Asia/Almaty, UTC+05).
    const directory = sut([list(1, '2026-03-10', { 'kz-mvd-deputy': [deputy] })]);
    const dayBefore = new Date('2026-03-09T18:59:59Z'); // 23:59:59 on 9 March in Almaty
    const dayOf = new Date('2026-03-09T19:00:00Z'); // 00:00 on 10 March in Almaty
    expect(directory.isAuthorised('kz-mvd-head', 'KZ-MVD', dayBefore, head)).toBe(true);
    expect(directory.isAuthorised('kz-mvd-head', 'KZ-MVD', dayOf, head)).toBe(false);
    expect(directory.isAuthorised('kz-mvd-deputy', 'KZ-MVD', dayOf, deputy)).toBe(true);
    expect(directory.inForce('KZ-MVD', dayOf)).toMatchObject({
      source: 'message',
      list: { version: 1 },
    });
  });

  it('judges each signature by the version in force on its day, every version kept', () => {
    const directory = sut([
      list(1, '2026-03-10', { 'kz-mvd-deputy': [deputy] }),
      list(2, '2026-04-01', { 'kz-mvd-deputy': [deputy, deputyRenewed] }),
    ]);
    const march = new Date('2026-03-20T10:00:00Z');
    const april = new Date('2026-04-02T10:00:00Z');
    // The renewed certificate is registered only from version 2.
    expect(directory.isAuthorised('kz-mvd-deputy', 'KZ-MVD', march, deputyRenewed)).toBe(false);
    expect(directory.isAuthorised('kz-mvd-deputy', 'KZ-MVD', april, deputyRenewed)).toBe(true);
    // The old one still verifies older and newer messages while it stays listed.
    expect(directory.isAuthorised('kz-mvd-deputy', 'KZ-MVD', april, deputy)).toBe(true);
    expect(directory.latestVersion('KZ-MVD')?.version).toBe(2);
  });

  it('refuses a listed person’s signature made with a certificate not registered for them', () => {
    const directory = sut([list(1, '2026-03-10', { 'kz-mvd-deputy': [deputy] })]);
    const at = new Date('2026-03-20T10:00:00Z');
    expect(directory.isAuthorised('kz-mvd-deputy', 'KZ-MVD', at, head)).toBe(false);
  });

  it('knows everyone ever listed, with every certificate, once each', () => {
    const directory = sut([
      list(1, '2026-03-10', { 'kz-mvd-deputy': [deputy] }),
      list(2, '2026-04-01', { 'kz-mvd-deputy': [deputy, deputyRenewed] }),
    ]);
    const known = directory.known('KZ-MVD');
    expect(known.map((e) => e.id).sort()).toEqual(['kz-mvd-deputy', 'kz-mvd-head']);
    expect(known.find((e) => e.id === 'kz-mvd-deputy')?.certificates).toHaveLength(2);
  });

  it('adds a version once, however often it is applied', () => {
    const directory = sut();
    const v1 = list(1, '2026-03-10', { 'kz-mvd-deputy': [deputy] });
    directory.add(v1);
    directory.add(v1);
    expect(directory.history('KZ-MVD')).toHaveLength(1);
  });
});
