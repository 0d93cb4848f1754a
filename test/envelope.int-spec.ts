import { randomUUID } from 'node:crypto';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { encryptCms, signCms } from '@mxg/cms';
import { TreatyRegistry } from '@mxg/config';
import {
  encodeMessage,
  EnvelopeError,
  type SigningKey,
  messageDigest,
  type MxgMessage,
  openEnvelope,
  type OpenEnvelopeContext,
  openReceipt,
  type Receipt,
  routingHeaderAttribute,
  sealEnvelope,
  signReceipt,
} from '@mxg/envelope';
import {
  gatewaySubject,
  issueCertificate,
  loadCertificateAuthority,
  partyPkiPaths,
  revokeCertificate,
  signatorySubject,
} from '@mxg/pki';
import { outerSignature } from './support/envelope-clear-text';
import { opensslEnvelope } from './support/openssl-envelope';
import { createPkiFixture, migRequest, signingKeyOf, type PkiFixture } from './support/pki-fixture';

/** Runs the real OpenSSL 3 CLI; tests check MXG against it, not against a re-implementation. */
function openssl(
  args: string[],
  input?: Uint8Array,
): { status: number; stdout: Buffer; stderr: string } {
  const result = spawnSync('openssl', args, { input });
  return { status: result.status ?? -1, stdout: result.stdout, stderr: result.stderr.toString() };
}

const DAY_MS = 86_400_000;

describe('secure envelope: CMS triple wrap (real OpenSSL, development PKI)', () => {
  let fx: PkiFixture;
  let work: string;
  // Signing happens "now" — taken once the PKI exists, so its certificates were valid then;
  // certificates a test issues itself are back-dated a day (signing-time is whole seconds).
  let now: Date;
  let dayBefore: Date;
  const file = (name: string, bytes?: Uint8Array) => {
    const path = join(work, name);
    if (bytes) writeFileSync(path, bytes);
    return path;
  };

  beforeAll(async () => {
    fx = await createPkiFixture();
    work = mkdtempSync(join(tmpdir(), 'mxg-envelope-'));
    now = new Date(Date.now() + 1000);
    dayBefore = new Date(now.getTime() - 86_400_000);
  });
  afterAll(() => {
    fx.cleanup();
    rmSync(work, { recursive: true, force: true });
  });

  const kz = () => partyPkiPaths(fx.certsDir, 'KZ');
  const az = () => partyPkiPaths(fx.certsDir, 'AZ');
  const signatory = () => fx.keys('KZ').signatory('kz-mvd-deputy-minister');
  const context = (overrides: Partial<OpenEnvelopeContext> = {}): OpenEnvelopeContext => ({
    self: 'AZ',
    keys: fx.keys('AZ'),
    trust: fx.trust,
    treaty: fx.config.treaty,
    now: new Date(),
    maxSkewMs: 5 * 60_000,
    ...overrides,
  });
  const seal = async (
    message: MxgMessage = migRequest(now),
    signer?: SigningKey,
    routingHeader?: 'sealed' | 'omitted',
  ) =>
    sealEnvelope({
      message,
      signatory: signer ?? (await signatory()),
      seal: await fx.keys('KZ').seal(),
      recipient: (await fx.keys('AZ').decryption())[0].certificate,
      trust: fx.trust,
      policy: fx.config.treaty.agreement('MIG').algorithms,
      signingTime: now,
      routingHeader,
    });
  /** Builds the three layers by hand, so a test can make any one of them wrong. */
  const wrap = async (parts: {
    message: MxgMessage;
    /** The sealed routing header; `null` leaves it out, as `openssl cms -sign` does. */
    routing?: MxgMessage['header'] | null;
    inner?: Uint8Array;
    innerSigner?: SigningKey;
    outerSigner?: SigningKey;
    signingTime?: Date;
    outerSigningTime?: Date;
    enveloped?: (der: Uint8Array) => Uint8Array;
  }) => {
    const signingTime = parts.signingTime ?? now;
    const innerSigner = parts.innerSigner ?? (await signatory());
    const inner =
      parts.inner ??
      (await signCms(encodeMessage(parts.message), innerSigner, {
        scheme: 'ecdsa-sha256',
        signingTime,
      }));
    let enveloped = await encryptCms(
      inner,
      { certificate: (await fx.keys('AZ').decryption())[0].certificate },
      { keyTransport: 'rsa-oaep-sha256', contentEncryption: 'aes-256-cbc' },
    );
    if (parts.enveloped) enveloped = parts.enveloped(enveloped);
    return signCms(enveloped, parts.outerSigner ?? (await fx.keys('KZ').seal()), {
      scheme: 'ecdsa-sha256',
      signingTime: parts.outerSigningTime ?? signingTime,
      extraAttributes:
        parts.routing === null
          ? []
          : [routingHeaderAttribute(parts.routing ?? parts.message.header)],
    });
  };
  const refusal = async (envelope: Uint8Array, ctx: OpenEnvelopeContext = context()) => {
    try {
      await openEnvelope(envelope, ctx);
    } catch (error) {
      if (error instanceof EnvelopeError)
        return {
          code: error.code,
          message: error.message,
          layer: error.layer,
          authenticatedHeader: error.authenticatedHeader,
        };
      throw error;
    }
    throw new Error('the envelope was accepted');
  };

  it('round-trips a MIG-5 request from KZ-MVD to AZ-DMX and names the signatory (MIG-9.3)', async () => {
    const message = migRequest(now);
    const sealed = await seal(message);
    const opened = await openEnvelope(sealed.envelope, context());
    expect(opened.message).toEqual(message);
    expect(opened.signatoryId).toBe('kz-mvd-deputy-minister');
    expect(opened.digest).toBe(sealed.digest);
    expect(opened.digest).toBe(messageDigest(encodeMessage(message)));
    expect(opened.outer.checks.map((c) => c.name)).toEqual(
      expect.arrayContaining(['signature', 'chain', 'revocation', 'seal']),
    );
    expect(Buffer.from(opened.inner).equals(Buffer.from(sealed.inner))).toBe(true);
  });

  describe('OpenSSL accepts what MXG writes', () => {
    it('verifies the outer and inner SignedData and decrypts the EnvelopedData', async () => {
      const message = migRequest(now);
      const sealed = await seal(message);
      const outer = openssl([
        'cms',
        '-verify',
        '-binary',
        '-inform',
        'DER',
        '-in',
        file('outer.p7s', sealed.envelope),
        '-CAfile',
        kz().caCertificate,
      ]);
      expect(outer.stderr).toContain('Verification successful');
      expect(outer.status).toBe(0);

      const decrypted = openssl([
        'cms',
        '-decrypt',
        '-binary',
        '-inform',
        'DER',
        '-in',
        file('enveloped.p7m', outer.stdout),
        '-recip',
        az().gateway.encryption.certificate,
        '-inkey',
        az().gateway.encryption.privateKey,
      ]);
      expect(decrypted.status).toBe(0);
      expect(decrypted.stdout.equals(Buffer.from(sealed.inner))).toBe(true);

      const inner = openssl([
        'cms',
        '-verify',
        '-binary',
        '-inform',
        'DER',
        '-in',
        file('inner.p7s', decrypted.stdout),
        '-CAfile',
        kz().caCertificate,
      ]);
      expect(inner.status).toBe(0);
      expect(inner.stdout.equals(Buffer.from(encodeMessage(message)))).toBe(true);
    });

    it('refuses MXG signatures against the other party’s CA', async () => {
      const sealed = await seal();
      const result = openssl([
        'cms',
        '-verify',
        '-binary',
        '-inform',
        'DER',
        '-in',
        file('outer-az.p7s', sealed.envelope),
        '-CAfile',
        az().caCertificate,
      ]);
      expect(result.status).not.toBe(0);
      expect(result.stderr).toMatch(/certificate verify error|unable to get local issuer/);
    });
  });

  describe('MXG opens what OpenSSL writes', () => {
    it('opens an envelope signed, encrypted and sealed with openssl cms', async () => {
      const message = migRequest(now);
      const envelope = opensslEnvelope({
        message: encodeMessage(message),
        signatory: kz().signatory('kz-mvd-deputy-minister'),
        recipientCertificate: az().gateway.encryption.certificate,
        seal: kz().gateway.seal,
      });

      const opened = await openEnvelope(new Uint8Array(envelope), context());
      expect(opened.message).toEqual(message);
      expect(opened.signatoryId).toBe('kz-mvd-deputy-minister');
    });
  });

  // Before the refusals below: one of them revokes a signatory and reloads KZ's CRL.
  describe('MIG-11.1 a confidential exchange: sealed without the routing header in clear', () => {
    /** What of the header could show outside the envelope: each as text. */
    const revealing = (message: MxgMessage) => [
      message.header.type,
      message.header.agreement,
      message.header.from.authority,
      message.header.to.authority,
      message.header.correlationId,
    ];

    it('by default the outer signature carries the message header in clear (the control)', async () => {
      const message = migRequest(now);
      const outer = outerSignature((await seal(message)).envelope);
      expect(outer.routingHeader).toEqual(message.header);
      for (const word of revealing(message)) expect(outer.clearText).toContain(word);
    });

    it('`omitted`: no routing attribute, nothing of the header in clear; it opens, verifies and names its signatory', async () => {
      const message = migRequest(now);
      const sealed = await seal(message, undefined, 'omitted');
      const outer = outerSignature(sealed.envelope);
      expect(outer.routingHeader).toBeUndefined();
      expect(outer.otherAttributes).toEqual([]);
      // The print is of this envelope: its structure and the seal's certificate are there.
      expect(outer.clearText).toContain('pkcs7-signedData');
      expect(outer.clearText).toContain('pkcs7-envelopedData');
      expect(revealing(message).filter((word) => outer.clearText.includes(word))).toEqual([]);

      const opened = await openEnvelope(sealed.envelope, context());
      expect(opened.message).toEqual(message);
      expect(opened.header).toEqual(message.header);
      expect(opened.digest).toBe(sealed.digest);
      expect(opened.signatoryId).toBe('kz-mvd-deputy-minister');
      expect(opened.outer.checks.map((c) => c.name)).toEqual(
        expect.arrayContaining(['signature', 'chain', 'revocation', 'seal']),
      );
    });

    it('`omitted`: openssl cms -verify still accepts the outer signature', async () => {
      const sealed = await seal(migRequest(now), undefined, 'omitted');
      const outer = openssl([
        'cms',
        '-verify',
        '-binary',
        '-inform',
        'DER',
        '-in',
        file('outer-omitted.p7s', sealed.envelope),
        '-CAfile',
        kz().caCertificate,
      ]);
      expect(outer.stderr).toContain('Verification successful');
      expect(outer.status).toBe(0);
    });

    it('`omitted`: delivered to the wrong gateway, refused NOT_FOR_THIS_RECIPIENT after the seal, naming no sender', async () => {
      const { envelope } = await seal(migRequest(now), undefined, 'omitted');
      const refused = await refusal(envelope, context({ self: 'KZ', keys: fx.keys('KZ') }));
      expect(refused).toMatchObject({ code: 'NOT_FOR_THIS_RECIPIENT', layer: 'envelope' });
      expect(refused.authenticatedHeader).toBeUndefined();
    });

    it('`omitted`: an inner failure still carries the message id for a negative receipt', async () => {
      // KZ-MVD's signatory signing for KZ-MTSZN: refused at the inner layer, and — the seal being
      // KZ's gateway's and the message KZ's — its sender is authenticated all the same (#10.12).
      const message = migRequest(now, { from: { party: 'KZ', authority: 'KZ-MTSZN' } });
      const { envelope } = await seal(message, undefined, 'omitted');
      const refused = await refusal(envelope);
      expect(refused).toMatchObject({ code: 'SIGNATORY_NOT_AUTHORISED', layer: 'inner' });
      expect(refused.authenticatedHeader).toEqual(message.header);
    });
  });

  describe('every refusal has its stable code', () => {
    it('MALFORMED_ENVELOPE: garbage bytes', async () => {
      expect(await refusal(Buffer.from('definitely not CMS'))).toMatchObject({
        code: 'MALFORMED_ENVELOPE',
        layer: 'outer',
      });
    });

    it('SIGNATURE_INVALID: one byte of the sealed ciphertext changed', async () => {
      const { envelope } = await seal();
      const tampered = Buffer.from(envelope);
      tampered[Math.floor(tampered.length / 2)] ^= 0x01;
      expect(await refusal(tampered)).toMatchObject({ code: 'SIGNATURE_INVALID', layer: 'outer' });
    });

    it('CERT_UNTRUSTED: sealed with a seal certificate from the other party’s CA', async () => {
      const ca = await loadCertificateAuthority(fx.certsDir, 'AZ');
      const impostor = await issueCertificate({
        issuer: ca,
        profile: 'seal',
        subject: gatewaySubject('KZ', 'seal'),
        keyAlgorithm: 'ecdsa-p256',
        notBefore: dayBefore,
      });
      const envelope = await wrap({
        message: migRequest(now),
        outerSigner: signingKeyOf(impostor.certificate, impostor.privateKey),
      });
      expect(await refusal(envelope)).toMatchObject({ code: 'CERT_UNTRUSTED', layer: 'outer' });
    });

    it('SEAL_NOT_RECOGNISED: sealed by a valid KZ certificate that is not the gateway’s seal', async () => {
      const envelope = await wrap({ message: migRequest(now), outerSigner: await signatory() });
      expect(await refusal(envelope)).toMatchObject({
        code: 'SEAL_NOT_RECOGNISED',
        layer: 'outer',
      });
    });

    it('CERT_EXPIRED: signed by a signatory certificate that had expired', async () => {
      const ca = await loadCertificateAuthority(fx.certsDir, 'KZ');
      const expired = await issueCertificate({
        issuer: ca,
        profile: 'signatory',
        subject: signatorySubject('KZ', {
          id: 'x',
          authorityCode: 'KZ-MVD',
          authorityNameEn: 'Ministry of Internal Affairs',
          commonName: 'Expired Signatory',
        }),
        keyAlgorithm: 'ecdsa-p256',
        notBefore: new Date(now.getTime() - 400 * 86_400_000),
        notAfter: new Date(now.getTime() - 30 * 86_400_000),
      });
      const envelope = await wrap({
        message: migRequest(now),
        innerSigner: signingKeyOf(expired.certificate, expired.privateKey),
      });
      expect(await refusal(envelope)).toMatchObject({ code: 'CERT_EXPIRED', layer: 'inner' });
    });

    it('SIGNATORY_NOT_AUTHORISED: a genuine KZ certificate of someone not on KZ-MVD’s list (MIG-9.3)', async () => {
      const ca = await loadCertificateAuthority(fx.certsDir, 'KZ');
      const stranger = await issueCertificate({
        issuer: ca,
        profile: 'signatory',
        subject: signatorySubject('KZ', {
          id: 'y',
          authorityCode: 'KZ-MVD',
          authorityNameEn: 'Ministry of Internal Affairs',
          commonName: 'Not Authorised',
        }),
        keyAlgorithm: 'ecdsa-p256',
        notBefore: dayBefore,
      });
      const envelope = await wrap({
        message: migRequest(now),
        innerSigner: signingKeyOf(stranger.certificate, stranger.privateKey),
      });
      const refused = await refusal(envelope);
      expect(refused).toMatchObject({ code: 'SIGNATORY_NOT_AUTHORISED', layer: 'inner' });
      expect(refused.message).toMatch(
        /CN=Not Authorised.* is not on KZ-MVD's list of authorised signatories on \d{4}-\d{2}-\d{2} \(MIG-9\.3\)/,
      );
    });

    it('SIGNATORY_NOT_AUTHORISED: a configured signatory signing for another authority', async () => {
      const envelope = await seal(
        migRequest(now, { from: { party: 'KZ', authority: 'KZ-MTSZN' } }),
      );
      expect(await refusal(envelope.envelope)).toMatchObject({
        code: 'SIGNATORY_NOT_AUTHORISED',
        layer: 'inner',
      });
    });

    it('SIGNATORY_NOT_AUTHORISED: a signatory whose authorisation ended before the signing time', async () => {
      const data = fx.config.treaty.toJSON();
      const treaty = new TreatyRegistry({
        ...data,
        signatories: data.signatories.map((s) =>
          s.id === 'kz-mvd-deputy-minister' ? { ...s, validTo: '2021-01-01' } : s,
        ),
      });
      const { envelope } = await seal();
      expect(await refusal(envelope, context({ treaty }))).toMatchObject({
        code: 'SIGNATORY_NOT_AUTHORISED',
      });
    });

    it('ALGORITHM_NOT_ALLOWED: an inner signature with SHA-1', async () => {
      const signer = kz().signatory('kz-mvd-deputy-minister');
      const message = migRequest(now);
      const sha1 = openssl([
        'cms',
        '-sign',
        '-binary',
        '-nodetach',
        '-md',
        'sha1',
        '-outform',
        'DER',
        '-in',
        file('sha1.json', encodeMessage(message)),
        '-signer',
        signer.certificate,
        '-inkey',
        signer.privateKey,
      ]);
      expect(sha1.status).toBe(0);
      const envelope = await wrap({ message, inner: new Uint8Array(sha1.stdout) });
      expect(await refusal(envelope)).toMatchObject({
        code: 'ALGORITHM_NOT_ALLOWED',
        layer: 'inner',
      });
    });

    it('ALGORITHM_NOT_ALLOWED: a seal algorithm the agreement’s policy leaves out', async () => {
      const data = fx.config.treaty.toJSON();
      const treaty = new TreatyRegistry({
        ...data,
        agreements: data.agreements.map((a) =>
          a.code === 'MIG'
            ? { ...a, algorithms: { ...a.algorithms, signatures: ['rsa-pss-sha256' as const] } }
            : a,
        ),
      });
      const { envelope } = await seal();
      expect(await refusal(envelope, context({ treaty }))).toMatchObject({
        code: 'ALGORITHM_NOT_ALLOWED',
        layer: 'outer',
      });
    });

    it('HEADER_MISMATCH: the sealed header names another receiving authority than the signed message', async () => {
      const message = migRequest(now);
      const routing = { ...message.header, from: { party: 'KZ', authority: 'KZ-MTSZN' } };
      expect(await refusal(await wrap({ message, routing }))).toMatchObject({
        code: 'HEADER_MISMATCH',
      });
    });

    it('HEADER_MISMATCH: the transport’s routing properties disagree with the sealed header', async () => {
      const { envelope } = await seal();
      expect(await refusal(envelope, context({ transport: { type: 'response' } }))).toMatchObject({
        code: 'HEADER_MISMATCH',
        layer: 'outer',
      });
    });

    it('NOT_FOR_THIS_RECIPIENT: opened by a gateway it is not addressed to', async () => {
      const { envelope } = await seal();
      expect(await refusal(envelope, context({ self: 'KZ', keys: fx.keys('KZ') }))).toMatchObject({
        code: 'NOT_FOR_THIS_RECIPIENT',
      });
    });

    it('NOT_FOR_THIS_RECIPIENT: addressed to AZ but encrypted for another certificate', async () => {
      const message = migRequest(now);
      const inner = await signCms(encodeMessage(message), await signatory(), {
        scheme: 'ecdsa-sha256',
        signingTime: now,
      });
      const enveloped = await encryptCms(
        inner,
        { certificate: (await fx.keys('KZ').decryption())[0].certificate },
        { keyTransport: 'rsa-oaep-sha256', contentEncryption: 'aes-256-cbc' },
      );
      const envelope = await signCms(enveloped, await fx.keys('KZ').seal(), {
        scheme: 'ecdsa-sha256',
        signingTime: now,
        extraAttributes: [routingHeaderAttribute(message.header)],
      });
      expect(await refusal(envelope)).toMatchObject({
        code: 'NOT_FOR_THIS_RECIPIENT',
        layer: 'envelope',
      });
    });

    it('DECRYPTION_FAILED: a corrupted encrypted key under a valid seal, with a vague message', async () => {
      const envelope = await wrap({
        message: migRequest(now),
        enveloped: (der) => {
          // The RSA-2048 encrypted content-encryption key: OCTET STRING of 256 bytes.
          const corrupted = Buffer.from(der);
          const key = corrupted.indexOf(Buffer.from([0x04, 0x82, 0x01, 0x00]));
          expect(key).toBeGreaterThan(0);
          corrupted[key + 4 + 100] ^= 0xff;
          return corrupted;
        },
      });
      expect(await refusal(envelope)).toMatchObject({
        code: 'DECRYPTION_FAILED',
        message: 'DECRYPTION_FAILED: the envelope could not be decrypted',
        layer: 'envelope',
      });
    });

    it('SIGNING_TIME_OUT_OF_RANGE: signed an hour ahead of the receiver’s clock', async () => {
      const envelope = await wrap({
        message: migRequest(now),
        signingTime: new Date(now.getTime() + 3_600_000),
      });
      expect(await refusal(envelope)).toMatchObject({
        code: 'SIGNING_TIME_OUT_OF_RANGE',
        layer: 'outer',
      });
    });

    it('ENVELOPE_TOO_OLD: sealed longer ago than the delivery window (#10.6)', async () => {
      const { envelope } = await seal();
      const dayLater = new Date(now.getTime() + DAY_MS + 1000);
      const refused = await refusal(envelope, context({ now: dayLater, maxAgeMs: DAY_MS }));
      expect(refused).toMatchObject({ code: 'ENVELOPE_TOO_OLD', layer: 'outer' });
      expect(refused.message).toContain('older than the delivery window of 86400 s');
    });

    it('SIGNING_TIME_OUT_OF_RANGE: sealed further ahead than the clock skew, however wide the delivery window (#10.6)', async () => {
      const envelope = await wrap({
        message: migRequest(now),
        signingTime: new Date(now.getTime() + 6 * 60_000),
      });
      const refused = await refusal(envelope, context({ now, maxAgeMs: DAY_MS }));
      expect(refused).toMatchObject({ code: 'SIGNING_TIME_OUT_OF_RANGE', layer: 'outer' });
      // (Signing times are whole seconds: 359 or 360 s ahead.)
      expect(refused.message).toMatch(
        /3[56]\d s ahead of this clock .*; at most 300 s of clock skew/,
      );
    });

    it('MESSAGE_TYPE_NOT_ALLOWED: a RET reimbursement claim under MIG', async () => {
      const { envelope } = await seal(migRequest(now, { type: 'reimbursement-claim' }));
      expect(await refusal(envelope)).toMatchObject({ code: 'MESSAGE_TYPE_NOT_ALLOWED' });
    });

    it('AGREEMENT_TERMINATED: a new request after MIG-17 termination took effect; a message of an exchange under way still opens', async () => {
      const data = fx.config.treaty.toJSON();
      const treaty = new TreatyRegistry({
        ...data,
        agreements: data.agreements.map((a) =>
          a.code === 'MIG' ? { ...a, terminationNoticeReceived: '2024-01-10' } : a,
        ),
      });
      const { envelope } = await seal();
      const refused = await refusal(envelope, context({ treaty }));
      expect(refused).toMatchObject({ code: 'AGREEMENT_TERMINATED' });
      expect(refused.message).toContain('MIG-17');
      const answer = await seal(
        migRequest(now, {
          type: 'clarification',
          inReplyTo: { id: randomUUID(), digest: `sha256:${'0'.repeat(64)}` },
        }),
      );
      await expect(openEnvelope(answer.envelope, context({ treaty }))).resolves.toMatchObject({
        header: { type: 'clarification' },
      });
    });

    it('REVOCATION_STATUS_UNKNOWN: no CRL of the sending party is available — never “not revoked”', async () => {
      const { envelope } = await seal();
      const trust = fx.reloadTrust();
      const withoutCrl = {
        party: (code: string) => ({ ...trust.party(code), crls: [] }),
        signatoryCertificate: (id: string) => trust.signatoryCertificate(id),
      };
      expect(await refusal(envelope, context({ trust: withoutCrl }))).toMatchObject({
        code: 'REVOCATION_STATUS_UNKNOWN',
        layer: 'outer',
      });
    });

    it('#10.6 opens an envelope sealed an hour ago, and one just inside the delivery window: queued time is not clock skew', async () => {
      const { envelope, header } = await seal();
      for (const age of [3_600_000, DAY_MS - 1000]) {
        const opened = await openEnvelope(
          envelope,
          context({ now: new Date(now.getTime() + age), maxAgeMs: DAY_MS }),
        );
        expect(opened.header).toEqual(header);
        expect(opened.outer.checks.find((c) => c.name === 'signing-time')).toMatchObject({
          ok: true,
        });
      }
      // Without a delivery window, the past is judged as clock skew (what `mxg envelope open` does).
      expect(
        await refusal(envelope, context({ now: new Date(now.getTime() + 3_600_000) })),
      ).toMatchObject({ code: 'SIGNING_TIME_OUT_OF_RANGE' });
    });

    it('accepts a signatory’s signature made an hour before the envelope was sealed (MIG-9.3: authorised at signing time)', async () => {
      const message = migRequest(now);
      const later = new Date(now.getTime() + 3_600_000);
      const envelope = await wrap({ message, signingTime: now, outerSigningTime: later });
      const opened = await openEnvelope(envelope, context({ now: later }));
      expect(opened.innerReport.signingTime?.getTime()).toBeLessThan(later.getTime() - 3_000_000);
      expect(opened.signatoryId).toBe('kz-mvd-deputy-minister');
    });

    it('CERT_REVOKED: the signatory’s certificate is on KZ’s CRL', async () => {
      const { envelope } = await seal(
        migRequest(now),
        await fx.keys('KZ').signatory('kz-mvd-migration-head'),
      );
      await revokeCertificate({
        certsDir: fx.certsDir,
        certificatePath: kz().signatory('kz-mvd-migration-head').certificate,
        reason: 'keyCompromise',
      });
      expect(await refusal(envelope, context({ trust: fx.reloadTrust() }))).toMatchObject({
        code: 'CERT_REVOKED',
        layer: 'inner',
      });
    });
  });

  describe('#10.12 a refusal past the seal names its sender, sealed routing header or not', () => {
    const stranger = async () => {
      const ca = await loadCertificateAuthority(fx.certsDir, 'KZ');
      const issued = await issueCertificate({
        issuer: ca,
        profile: 'signatory',
        subject: signatorySubject('KZ', {
          id: 'z',
          authorityCode: 'KZ-MVD',
          authorityNameEn: 'Ministry of Internal Affairs',
          commonName: 'Not On The List',
        }),
        keyAlgorithm: 'ecdsa-p256',
        notBefore: dayBefore,
      });
      return signingKeyOf(issued.certificate, issued.privateKey);
    };

    it('#10.12 without a routing header (as openssl cms makes it), an inner failure carries the message id for a negative receipt', async () => {
      const message = migRequest(now);
      const refused = await refusal(
        await wrap({ message, routing: null, innerSigner: await stranger() }),
      );
      expect(refused).toMatchObject({ code: 'SIGNATORY_NOT_AUTHORISED', layer: 'inner' });
      expect(refused.authenticatedHeader).toEqual(message.header);
    });

    it('#10.12 without a routing header, a message claiming another party than the seal names no sender to answer', async () => {
      // Sealed by KZ's gateway, but the message inside claims AZ-DMX as its sender: KZ's seal
      // authenticates KZ, not the claim, so nobody is sent a receipt on its strength.
      const foreign = migRequest(now, { from: { party: 'AZ', authority: 'AZ-DMX' } });
      const refused = await refusal(await wrap({ message: foreign, routing: null }));
      expect(refused).toMatchObject({ code: 'HEADER_MISMATCH' });
      expect(refused.authenticatedHeader).toBeUndefined();
    });

    it('#10.12 a seal that fails authenticates nobody, header or not', async () => {
      const message = migRequest(now);
      for (const routing of [null, undefined]) {
        const envelope = Buffer.from(await wrap({ message, routing }));
        envelope[Math.floor(envelope.length / 2)] ^= 0x01;
        const refused = await refusal(envelope);
        expect(refused.code).toBe('SIGNATURE_INVALID');
        expect(refused.authenticatedHeader).toBeUndefined();
      }
    });

    it('#10.12 with a routing header, an inner failure carries the sealed header as before', async () => {
      const message = migRequest(now);
      const refused = await refusal(await wrap({ message, innerSigner: await stranger() }));
      expect(refused).toMatchObject({ code: 'SIGNATORY_NOT_AUTHORISED', layer: 'inner' });
      expect(refused.authenticatedHeader).toEqual(message.header);
    });
  });

  describe('#10.6 receipts: no age limit, no signing time from the future', () => {
    const receipt = (receivedAt: Date): Receipt => ({
      format: 'mxg-receipt/1',
      messageId: '5b0c1d44-3f1e-4c1a-9d64-0c6f3c1e2a11',
      digest: `sha256:${'ab'.repeat(32)}`,
      status: 'accepted',
      code: null,
      from: 'AZ',
      to: 'KZ',
      receivedAt: receivedAt.toISOString(),
    });
    const signedByAz = async (at: Date) =>
      signReceipt(
        receipt(at),
        await fx.keys('AZ').seal(),
        fx.config.treaty.agreement('MIG').algorithms,
        at,
      );
    const openAsKz = (der: Uint8Array, at: Date) =>
      openReceipt(der, {
        trust: fx.reloadTrust(),
        treaty: fx.config.treaty,
        policy: fx.config.treaty.agreement('MIG').algorithms,
        now: at,
        maxSkewMs: 5 * 60_000,
        self: 'KZ',
      });

    it('opens a receipt signed two days before it is read: its addressee was down, or it answers a duplicate', async () => {
      const der = await signedByAz(now);
      const { receipt: opened } = await openAsKz(der, new Date(now.getTime() + 2 * DAY_MS));
      expect(opened).toEqual(receipt(now));
    });

    it('SIGNING_TIME_OUT_OF_RANGE: a receipt signed further ahead of the reader’s clock than the skew', async () => {
      const der = await signedByAz(new Date(now.getTime() + 6 * 60_000));
      await expect(openAsKz(der, now)).rejects.toMatchObject({
        code: 'SIGNING_TIME_OUT_OF_RANGE',
      });
    });
  });
});
