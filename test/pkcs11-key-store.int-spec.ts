import { constants, publicEncrypt, randomBytes, verify } from 'node:crypto';
import { copyFileSync, cpSync, existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as pkcs11js from 'pkcs11js';
import { MxgConfigService } from '@mxg/config';
import { initPki, partyPkiPaths, type PkiInitReport } from '@mxg/pki';
import { Pkcs11KeyStore, Pkcs11Token, TokenKeyHolder } from '@mxg/pkcs11';
import { pkiPlanFromConfig } from '../apps/cli/src/commands/pki-plan';
import { createSoftHsm, SOFTHSM_MODULE, type SoftHsm } from './support/softhsm-token';

const PIN = '4711-test';
const SIGNATORY = 'kz-mvd-deputy-minister';

/**
 * The PKCS#11 key store on a real SoftHSM2 token: KZ's keys generated in the token by the
 * development PKI (as `mxg pki init --pkcs11` does), certified by KZ's CA, and used only through
 * the token's operations.
 */
describe(Pkcs11KeyStore.name, () => {
  let hsm: SoftHsm;
  const dirs: string[] = [];
  const stores: Pkcs11KeyStore[] = [];

  /** A development PKI whose KZ keys are in a new token. */
  async function tokenPki(
    name: string,
    signingAlgorithm: 'ecdsa-p256' | 'rsa-2048',
  ): Promise<{ certsDir: string; token: string; report: PkiInitReport }> {
    const certsDir = mkdtempSync(join(tmpdir(), 'mxg-pkcs11-pki-'));
    dirs.push(certsDir);
    const token = hsm.initToken(name, PIN);
    const config = MxgConfigService.load({ env: { MXG_CERTS_DIR: certsDir } });
    const session = Pkcs11Token.open({ module: SOFTHSM_MODULE, token, pin: PIN });
    try {
      const report = await initPki({
        certsDir,
        parties: pkiPlanFromConfig(config),
        signingAlgorithm,
        externalKeys: new TokenKeyHolder(session, 'KZ'),
      });
      return { certsDir, token, report };
    } finally {
      session.close();
    }
  }

  async function open(
    certsDir: string,
    token: string,
    overrides: Partial<Parameters<typeof Pkcs11KeyStore.open>[0]> = {},
  ): Promise<Pkcs11KeyStore> {
    const sut = await Pkcs11KeyStore.open({
      module: SOFTHSM_MODULE,
      token,
      pin: PIN,
      certsDir,
      party: 'KZ',
      ...overrides,
    });
    stores.push(sut);
    return sut;
  }

  let ec: { certsDir: string; token: string; report: PkiInitReport };
  let rsa: { certsDir: string; token: string };

  beforeAll(async () => {
    hsm = createSoftHsm('shared');
    ec = await tokenPki('kz-ec', 'ecdsa-p256');
    rsa = await tokenPki('kz-rsa', 'rsa-2048');
  });

  afterEach(() => {
    for (const store of stores.splice(0)) store.close();
  });

  afterAll(() => {
    for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
    hsm.cleanup();
  });

  it('issues certificates for the token keys and writes no private key file for them', () => {
    const kz = partyPkiPaths(ec.certsDir, 'KZ');
    for (const leaf of [
      kz.gateway.seal,
      kz.gateway.encryption,
      kz.gateway.auditCheckpoint,
      kz.signatory(SIGNATORY),
    ]) {
      expect(existsSync(leaf.certificate)).toBe(true);
      expect(existsSync(leaf.privateKey)).toBe(false);
    }
    // The other party of the development PKI keeps its files.
    expect(existsSync(partyPkiPaths(ec.certsDir, 'AZ').gateway.seal.privateKey)).toBe(true);
    // The CA stays a file: it is the development PKI's, not the gateway's.
    expect(existsSync(kz.caPrivateKey)).toBe(true);
  });

  it('keeps every token key and certificate when init runs again', async () => {
    const config = MxgConfigService.load({ env: { MXG_CERTS_DIR: ec.certsDir } });
    const token = Pkcs11Token.open({ module: SOFTHSM_MODULE, token: ec.token, pin: PIN });
    try {
      const again = await initPki({
        certsDir: ec.certsDir,
        parties: pkiPlanFromConfig(config),
        externalKeys: new TokenKeyHolder(token, 'KZ'),
      });
      expect(again.created).toEqual([]);
      expect(again.reissued).toEqual([]);
      expect(again.kept).toContain(join('kz', 'gateway', 'seal.cert.pem'));
    } finally {
      token.close();
    }
  });

  it('generates private keys that are sensitive and never extractable', () => {
    const token = Pkcs11Token.open({ module: SOFTHSM_MODULE, token: ec.token, pin: PIN });
    try {
      for (const label of ['seal', 'encryption', 'audit-checkpoint', `signatory.${SIGNATORY}`]) {
        const [key] = token.find(label, pkcs11js.CKO_PRIVATE_KEY);
        const attributes = token.inspect((library, session) =>
          library.C_GetAttributeValue(session, key, [
            { type: pkcs11js.CKA_SENSITIVE },
            { type: pkcs11js.CKA_EXTRACTABLE },
            { type: pkcs11js.CKA_PRIVATE },
          ]),
        );
        expect(attributes.map((a) => a.value[0])).toEqual([1, 0, 1]);
        expect(() =>
          token.inspect((library, session) =>
            library.C_GetAttributeValue(session, key, [
              // The secret: an RSA key's private exponent, an EC key's scalar.
              { type: label === 'encryption' ? pkcs11js.CKA_PRIVATE_EXPONENT : pkcs11js.CKA_VALUE },
            ]),
          ),
        ).toThrow(/CKR_ATTRIBUTE_SENSITIVE/);
      }
    } finally {
      token.close();
    }
  });

  it.each([
    ['seal', 'ecdsa-sha256'],
    ['audit checkpoint', 'ecdsa-sha256'],
    ['signatory', 'ecdsa-sha256'],
  ] as const)('signs with the %s key (%s) in the token', async (which, scheme) => {
    const sut = await open(ec.certsDir, ec.token);
    const key =
      which === 'seal'
        ? await sut.seal()
        : which === 'signatory'
          ? await sut.signatory(SIGNATORY)
          : await sut.auditCheckpoint();
    const data = randomBytes(200);
    const signature = await key.sign(data, scheme);
    expect(verify('sha256', data, key.certificate.publicKey, signature)).toBe(true);
    expect(verify('sha256', randomBytes(200), key.certificate.publicKey, signature)).toBe(false);
  });

  it('signs RSA-PSS (salt 32) and RSA PKCS#1 v1.5 with RSA keys in the token', async () => {
    const sut = await open(rsa.certsDir, rsa.token);
    const seal = await sut.seal();
    const data = randomBytes(300);
    const pss = await seal.sign(data, 'rsa-pss-sha256');
    expect(
      verify(
        'sha256',
        data,
        {
          key: seal.certificate.publicKey,
          padding: constants.RSA_PKCS1_PSS_PADDING,
          saltLength: 32,
        },
        pss,
      ),
    ).toBe(true);
    const pkcs1 = await seal.sign(data, 'rsa-pkcs1-sha256');
    expect(verify('sha256', data, seal.certificate.publicKey, pkcs1)).toBe(true);
  });

  // Regression: the submit use case copies the signatory key (`{ ...keys, id }`); a method on
  // the prototype was lost and the gateway answered 500 "signer.sign is not a function".
  it('keeps its operations when the key object is copied', async () => {
    const sut = await open(ec.certsDir, ec.token);
    const copy = { ...(await sut.signatory(SIGNATORY)), id: SIGNATORY };
    const data = randomBytes(50);
    expect(
      verify('sha256', data, copy.certificate.publicKey, await copy.sign(data, 'ecdsa-sha256')),
    ).toBe(true);
    const [decryption] = await sut.decryption();
    const { decryptKey, certificate } = { ...decryption };
    const contentKey = randomBytes(32);
    const wrapped = publicEncrypt(
      { key: certificate.publicKey, padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash: 'sha256' },
      contentKey,
    );
    expect(Buffer.from(await decryptKey(wrapped, 'sha256'))).toEqual(contentKey);
  });

  it('refuses to sign with a scheme that does not fit the key', async () => {
    const sut = await open(ec.certsDir, ec.token);
    await expect((await sut.seal()).sign(randomBytes(10), 'rsa-pss-sha256')).rejects.toMatchObject({
      code: 'UNSUPPORTED_ALGORITHM',
    });
  });

  it('unwraps an RSA-OAEP-SHA256 key: the token decrypts raw, the OAEP decoding is done outside it', async () => {
    const sut = await open(ec.certsDir, ec.token);
    const [key] = await sut.decryption();
    const contentKey = randomBytes(32);
    const wrapped = publicEncrypt(
      {
        key: key.certificate.publicKey,
        padding: constants.RSA_PKCS1_OAEP_PADDING,
        oaepHash: 'sha256',
      },
      contentKey,
    );
    expect(Buffer.from(await key.decryptKey(wrapped, 'sha256'))).toEqual(contentKey);
    // SoftHSM 2.6.1 refuses CKM_RSA_PKCS_OAEP with SHA-256; remembered after the first refusal.
    expect(key.decodesOaepInToken('sha256')).toBe(false);
    expect(Buffer.from(await key.decryptKey(wrapped, 'sha256'))).toEqual(contentKey);
  });

  it("uses the token's own OAEP where it supports the hash (SHA-1 in SoftHSM)", async () => {
    const sut = await open(ec.certsDir, ec.token);
    const [key] = await sut.decryption();
    const contentKey = randomBytes(32);
    const wrapped = publicEncrypt(
      {
        key: key.certificate.publicKey,
        padding: constants.RSA_PKCS1_OAEP_PADDING,
        oaepHash: 'sha1',
      },
      contentKey,
    );
    expect(Buffer.from(await key.decryptKey(wrapped, 'sha1'))).toEqual(contentKey);
    expect(key.decodesOaepInToken('sha1')).toBe(true);
  });

  it('says only DECRYPTION_FAILED for a corrupted or foreign wrapped key', async () => {
    const sut = await open(ec.certsDir, ec.token);
    const [key] = await sut.decryption();
    const wrapped = publicEncrypt(
      {
        key: key.certificate.publicKey,
        padding: constants.RSA_PKCS1_OAEP_PADDING,
        oaepHash: 'sha256',
      },
      randomBytes(32),
    );
    wrapped[wrapped.length - 1] ^= 0x01;
    await expect(key.decryptKey(wrapped, 'sha256')).rejects.toMatchObject({
      code: 'DECRYPTION_FAILED',
      message: 'DECRYPTION_FAILED: The message could not be decrypted',
    });
    // Encrypted with SHA-256 but announced as SHA-512: the padding check fails.
    const other = publicEncrypt(
      {
        key: key.certificate.publicKey,
        padding: constants.RSA_PKCS1_OAEP_PADDING,
        oaepHash: 'sha256',
      },
      randomBytes(32),
    );
    await expect(key.decryptKey(other, 'sha512')).rejects.toMatchObject({
      code: 'DECRYPTION_FAILED',
    });
  });

  it('serves many operations at once over a few sessions', async () => {
    const sut = await open(ec.certsDir, ec.token, { maxSessions: 2 });
    const seal = await sut.seal();
    const data = Array.from({ length: 24 }, () => randomBytes(64));
    const signatures = await Promise.all(data.map((d) => seal.sign(d, 'ecdsa-sha256')));
    signatures.forEach((signature, i) =>
      expect(verify('sha256', data[i], seal.certificate.publicKey, signature)).toBe(true),
    );
  });

  it('refuses a wrong PIN as KEY_NOT_AVAILABLE, naming the return code and never the PIN', async () => {
    const wrongPin = 'not-the-pin-9876';
    const error = await open(ec.certsDir, ec.token, { pin: wrongPin }).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'KEY_NOT_AVAILABLE' });
    expect((error as Error).message).toContain('CKR_PIN_INCORRECT');
    expect((error as Error).message).not.toContain(wrongPin);
  });

  it('refuses to open without a PIN, or on a token that is not there', async () => {
    await expect(open(ec.certsDir, ec.token, { pin: undefined })).rejects.toThrow(
      /KEY_NOT_AVAILABLE.*MXG_PKCS11_PIN|MXG_PKCS11_PIN/,
    );
    await expect(open(ec.certsDir, 'no-such-token')).rejects.toMatchObject({
      code: 'KEY_NOT_AVAILABLE',
      message: expect.stringContaining('no token with that label'),
    });
  });

  it('answers KEY_NOT_AVAILABLE once its token is closed (logged out)', async () => {
    const sut = await open(ec.certsDir, ec.token);
    const seal = await sut.seal();
    sut.close();
    await expect(seal.sign(randomBytes(10), 'ecdsa-sha256')).rejects.toMatchObject({
      code: 'KEY_NOT_AVAILABLE',
    });
  });

  it('refuses a signatory whose key is not in the token', async () => {
    const sut = await open(ec.certsDir, ec.token);
    // AZ's signatory has a certificate in the layout of KZ? No: ask KZ's store for a key it lacks.
    await expect(sut.signatory('kz-nobody')).rejects.toMatchObject({ code: 'KEY_NOT_AVAILABLE' });
  });

  it('refuses to open when a certificate is not that of the token key with its label', async () => {
    const copy = mkdtempSync(join(tmpdir(), 'mxg-pkcs11-mismatch-'));
    dirs.push(copy);
    cpSync(ec.certsDir, copy, { recursive: true });
    const kz = partyPkiPaths(copy, 'KZ').gateway;
    // An EC certificate of another token key: the challenge signature does not verify.
    copyFileSync(kz.auditCheckpoint.certificate, kz.seal.certificate);
    await expect(open(copy, ec.token)).rejects.toMatchObject({
      code: 'KEY_NOT_AVAILABLE',
      message: expect.stringContaining('does not belong to the certificate'),
    });

    const copy2 = mkdtempSync(join(tmpdir(), 'mxg-pkcs11-mismatch-'));
    dirs.push(copy2);
    cpSync(ec.certsDir, copy2, { recursive: true });
    // An RSA certificate of another party: the token key's modulus differs.
    copyFileSync(
      partyPkiPaths(copy2, 'AZ').gateway.encryption.certificate,
      partyPkiPaths(copy2, 'KZ').gateway.encryption.certificate,
    );
    await expect(open(copy2, ec.token)).rejects.toMatchObject({
      code: 'KEY_NOT_AVAILABLE',
      message: expect.stringContaining('the encryption key of KZ'),
    });
  });

  it('refuses a signatory whose certificate belongs to another key', async () => {
    const copy = mkdtempSync(join(tmpdir(), 'mxg-pkcs11-mismatch-'));
    dirs.push(copy);
    cpSync(ec.certsDir, copy, { recursive: true });
    const kz = partyPkiPaths(copy, 'KZ');
    copyFileSync(kz.gateway.seal.certificate, kz.signatory(SIGNATORY).certificate);
    const sut = await open(copy, ec.token);
    await expect(sut.signatory(SIGNATORY)).rejects.toMatchObject({
      code: 'KEY_NOT_AVAILABLE',
      message: expect.stringContaining('does not belong'),
    });
  });
});
