import type { X509Certificate } from 'node:crypto';
import type { MessageHeader } from '@mxg/envelope';
import { createRootCa, issueCertificate } from '@mxg/pki';
import {
  type SignatoryListUpdateBody,
  signatoryListDigest,
  signatoryListRefusal,
  signatoryListVersion,
} from './signatory-list-update';

const header = {
  id: '11111111-1111-4111-8111-111111111111',
  type: 'signatory-list-update',
  from: { party: 'KZ', authority: 'KZ-MVD' },
  to: { party: 'AZ', authority: 'AZ-DMX' },
} as MessageHeader;

/** Signed at 10:00 on 1 March in Almaty (UTC+05). */
const SIGNED_AT = new Date('2026-03-01T05:00:00Z');

describe(signatoryListRefusal.name, () => {
  let kzCa: X509Certificate;
  let kzSigner: string;
  let azSigner: string;

  beforeAll(async () => {
    const ca = await createRootCa({
      partySubject: { country: 'KZ', organization: 'KZ', commonName: 'KZ CA' },
      keyAlgorithm: 'ecdsa-p256',
    });
    const az = await createRootCa({
      partySubject: { country: 'AZ', organization: 'AZ', commonName: 'AZ CA' },
      keyAlgorithm: 'ecdsa-p256',
    });
    const issue = async (issuer: typeof ca) =>
      (
        await issueCertificate({
          issuer,
          profile: 'signatory',
          subject: { country: 'KZ', organization: 'KZ', commonName: 'Signer' },
          keyAlgorithm: 'ecdsa-p256',
        })
      ).certificate.raw.toString('base64');
    kzCa = ca.certificate;
    kzSigner = await issue(ca);
    azSigner = await issue(az);
  });

  const body = (over: Partial<SignatoryListUpdateBody> = {}): SignatoryListUpdateBody => ({
    authority: 'KZ-MVD',
    effectiveFrom: '2026-03-01',
    version: 2,
    signatories: [
      {
        id: 'kz-mvd-head',
        person: { ru: 'Тестов', en: 'Testov' },
        position: { ru: 'Министр', en: 'Minister' },
        certificates: [kzSigner],
        sampleSignature: 'sample-1',
      },
    ],
    attachments: [{ id: 'sample-1', sha256: '0'.repeat(64) }],
    ...over,
  });

  const refusal = (
    b: SignatoryListUpdateBody,
    held: ReturnType<typeof signatoryListVersion>[] = [],
  ) =>
    signatoryListRefusal({
      header,
      body: b,
      signedAt: SIGNED_AT,
      anchors: [kzCa],
      timeZone: 'Asia/Almaty',
      held,
    });
  const held = (b: SignatoryListUpdateBody, id = header.id) => [
    signatoryListVersion({ ...header, id }, b, SIGNED_AT, 'received', SIGNED_AT),
  ];

  it('accepts the authority’s own list, from its signing day, of a new version', async () => {
    expect(await refusal(body())).toBeNull();
  });

  it('refuses a list of another authority than the sender’s (SIGNATORY_LIST_INVALID)', async () => {
    expect(await refusal(body({ authority: 'KZ-MTSZN' }))).toMatchObject({
      code: 'SIGNATORY_LIST_INVALID',
    });
  });

  it('refuses a certificate from another party’s CA (SIGNATORY_LIST_INVALID, MIG-9.3)', async () => {
    const b = body();
    const other = { ...b.signatories[0], certificates: [kzSigner, azSigner] };
    expect(await refusal({ ...b, signatories: [other] })).toMatchObject({
      code: 'SIGNATORY_LIST_INVALID',
      message: expect.stringContaining('signatories[0].certificates[1]'),
    });
  });

  it('refuses a list in force before the day it was signed, in the authority’s time zone (SIGNATORY_LIST_RETROACTIVE)', async () => {
    expect(await refusal(body({ effectiveFrom: '2026-02-28' }))).toMatchObject({
      code: 'SIGNATORY_LIST_RETROACTIVE',
    });
  });

  it('refuses a version not above the highest held (SIGNATORY_LIST_STALE), but takes a copy of a held version', async () => {
    const v2 = body();
    expect(await refusal(body({ version: 1 }), held(v2))).toMatchObject({
      code: 'SIGNATORY_LIST_STALE',
    });
    expect(await refusal(body({ note: 'другой список' }), held(v2))).toMatchObject({
      code: 'SIGNATORY_LIST_STALE',
    });
    expect(await refusal(body(), held(v2))).toBeNull();
    expect(await refusal(body({ version: 3 }), held(v2))).toBeNull();
  });

  it('digests a list the same however its keys are ordered', () => {
    const b = body();
    const reordered = Object.fromEntries(
      Object.entries(b).reverse(),
    ) as unknown as SignatoryListUpdateBody;
    expect(Object.keys(reordered)[0]).toBe('attachments');
    expect(signatoryListDigest(reordered)).toBe(signatoryListDigest(b));
    expect(signatoryListDigest(body({ version: 3 }))).not.toBe(signatoryListDigest(b));
  });
});
