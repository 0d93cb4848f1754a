import { randomBytes, verify, type X509Certificate } from 'node:crypto';
import * as pkcs11js from 'pkcs11js';
import { SystemClock, type Clock } from '@mxg/core';
import {
  EnvelopeError,
  generationOf,
  newestInForce,
  type KeyGeneration,
  type KeyStore,
} from '@mxg/envelope';
import { keyGenerations, loadCertificatePem, partyPkiPaths } from '@mxg/pki';
import { Pkcs11Token, type Pkcs11TokenOptions } from './pkcs11-token';
import { TokenDecryptionKey } from './token-decryption-key';
import { gatewayKeyLabel, signatoryKeyLabel } from './token-key-labels';
import { readPublicKey, samePublicKey } from './token-public-key';
import { TokenSigningKey } from './token-signing-key';

export interface Pkcs11KeyStoreOptions extends Pkcs11TokenOptions {
  /** Where the party's certificates are (public; they stay files). */
  readonly certsDir: string;
  readonly party: string;
  /** Decides which seal generation is in force; the gateway's clock. */
  readonly clock?: Clock;
  /**
   * How often the certificates directory is looked at again for new seal and encryption
   * generations while the gateway runs, in milliseconds. Default 10 s.
   */
  readonly rescanMs?: number;
}

type Rotating = 'seal' | 'encryption';

/**
 * This gateway's keys in a PKCS#11 token (an HSM; SoftHSM2 in development and tests). Keys are
 * found by CKA_LABEL and used through the token's operations: nothing private is ever read out,
 * and `mxg pki init --pkcs11` generates them non-extractable. Certificates stay files.
 *
 * Opening it checks every gateway key (each seal and encryption generation, the audit-checkpoint
 * key) against its certificate, so a token holding the wrong key stops the gateway at start
 * (KEY_NOT_AVAILABLE) rather than at its first message. Signatory keys, and generations that
 * appear while it runs, are checked the same way when first used.
 */
export class Pkcs11KeyStore implements KeyStore {
  private readonly signatories = new Map<string, Promise<TokenSigningKey>>();
  private readonly generations: Record<
    Rotating,
    KeyGeneration<TokenSigningKey | TokenDecryptionKey>[]
  >;
  private readonly scanned: Record<Rotating, number>;
  private readonly clock: Clock;

  private constructor(
    private readonly token: Pkcs11Token,
    private readonly options: Pkcs11KeyStoreOptions,
    seals: KeyGeneration<TokenSigningKey>[],
    decryptions: KeyGeneration<TokenDecryptionKey>[],
    private readonly checkpoint: TokenSigningKey,
  ) {
    this.generations = { seal: seals, encryption: decryptions };
    this.scanned = { seal: Date.now(), encryption: Date.now() };
    this.clock = options.clock ?? new SystemClock();
  }

  get party(): string {
    return this.options.party;
  }

  static async open(options: Pkcs11KeyStoreOptions): Promise<Pkcs11KeyStore> {
    const paths = partyPkiPaths(options.certsDir, options.party).gateway;
    const token = Pkcs11Token.open(options);
    try {
      const seals = await Promise.all(
        generationsOf(paths.seal.certificate, keyGenerations(paths.seal), 'seal', options).map(
          (certificate) => signingGeneration(token, certificate, options),
        ),
      );
      const decryptions = await Promise.all(
        generationsOf(
          paths.encryption.certificate,
          keyGenerations(paths.encryption),
          'encryption',
          options,
        ).map((certificate) => decryptionGeneration(token, certificate, options)),
      );
      const checkpoint = await signingKey(
        token,
        paths.auditCheckpoint.certificate,
        gatewayKeyLabel(paths.auditCheckpoint.certificate),
        options,
      );
      return new Pkcs11KeyStore(token, options, seals, decryptions, checkpoint);
    } catch (error) {
      token.close();
      throw error;
    }
  }

  /** The newest seal generation in force now (the newest of all when none is: checks refuse it). */
  async seal(): Promise<TokenSigningKey> {
    await this.rescan('seal');
    return newestInForce(this.generations.seal, this.clock.now()).key as TokenSigningKey;
  }

  /** Every encryption generation held, newest first: an envelope to any of them opens. */
  async decryption(): Promise<readonly TokenDecryptionKey[]> {
    await this.rescan('encryption');
    return [...this.generations.encryption].reverse().map((g) => g.key as TokenDecryptionKey);
  }

  auditCheckpoint(): Promise<TokenSigningKey> {
    return Promise.resolve(this.checkpoint);
  }

  signatory(signatoryId: string): Promise<TokenSigningKey> {
    let key = this.signatories.get(signatoryId);
    if (!key) {
      key = Promise.resolve().then(() =>
        signingKey(
          this.token,
          partyPkiPaths(this.options.certsDir, this.party).signatory(signatoryId).certificate,
          signatoryKeyLabel(signatoryId),
          this.options,
        ),
      );
      // A key not (yet) in the token may be put there later: do not remember the failure.
      key.catch(() => this.signatories.delete(signatoryId));
      this.signatories.set(signatoryId, key);
    }
    return key;
  }

  /** Logs out and closes the token's sessions. */
  close(): void {
    this.token.close();
  }

  /**
   * Takes in generations whose certificates appeared since the last look (a rotation while the
   * gateway runs), at most every `rescanMs`; one whose key is not in the token, or not the
   * certificate's, is left out until it is.
   */
  private async rescan(which: Rotating): Promise<void> {
    const now = Date.now();
    if (now - this.scanned[which] < (this.options.rescanMs ?? 10_000)) return;
    this.scanned[which] = now;
    const gateway = partyPkiPaths(this.options.certsDir, this.party).gateway;
    const known = this.generations[which];
    const fresh = keyGenerations(which === 'seal' ? gateway.seal : gateway.encryption)
      .map((g) => g.certificate)
      .filter((path) => !known.some((g) => g.path === path));
    if (fresh.length === 0) return;
    const load = which === 'seal' ? signingGeneration : decryptionGeneration;
    const added = await Promise.all(
      fresh.map((path) => load(this.token, path, this.options).catch(() => undefined)),
    );
    const all = [...known, ...added.filter((g) => g !== undefined)];
    // In the layout's order (ascending generation), as keyGenerations lists them.
    const order = keyGenerations(which === 'seal' ? gateway.seal : gateway.encryption).map(
      (g) => g.certificate,
    );
    all.sort((a, b) => order.indexOf(a.path) - order.indexOf(b.path));
    this.generations[which] = all;
  }
}

async function signingGeneration(
  token: Pkcs11Token,
  certificatePath: string,
  options: Pkcs11KeyStoreOptions,
): Promise<KeyGeneration<TokenSigningKey>> {
  const key = await signingKey(token, certificatePath, gatewayKeyLabel(certificatePath), options);
  return generationOf(certificatePath, key);
}

async function decryptionGeneration(
  token: Pkcs11Token,
  certificatePath: string,
  options: Pkcs11KeyStoreOptions,
): Promise<KeyGeneration<TokenDecryptionKey>> {
  const key = await decryptionKey(
    token,
    certificatePath,
    gatewayKeyLabel(certificatePath),
    options,
  );
  return generationOf(certificatePath, key);
}

function generationsOf(
  first: string,
  generations: readonly { certificate: string }[],
  name: string,
  options: Pkcs11KeyStoreOptions,
): string[] {
  if (generations.length === 0) {
    throw notAvailable(options, name, `no certificate at ${first}`);
  }
  return generations.map((g) => g.certificate);
}

async function signingKey(
  token: Pkcs11Token,
  certificatePath: string,
  label: string,
  options: Pkcs11KeyStoreOptions,
): Promise<TokenSigningKey> {
  const { certificate, privateKey } = await tokenKey(token, certificatePath, label, options);
  return new TokenSigningKey(token, privateKey, certificate, label);
}

async function decryptionKey(
  token: Pkcs11Token,
  certificatePath: string,
  label: string,
  options: Pkcs11KeyStoreOptions,
): Promise<TokenDecryptionKey> {
  const { certificate, privateKey } = await tokenKey(token, certificatePath, label, options);
  const modulus = certificate.publicKey.export({ format: 'jwk' }).n;
  if (modulus === undefined) {
    throw notAvailable(options, label, 'an encryption key must be RSA');
  }
  return new TokenDecryptionKey(
    token,
    privateKey,
    certificate,
    label,
    Buffer.from(modulus, 'base64url'),
  );
}

/**
 * The private key labelled `label`, once it is found to be the certificate's: an RSA private key
 * shows its modulus and public exponent (public attributes, readable even when the key is
 * sensitive); an EC private key does not show its point, so it signs a random challenge that the
 * certificate's key must verify. Exactly one private key may carry the label.
 */
async function tokenKey(
  token: Pkcs11Token,
  certificatePath: string,
  label: string,
  options: Pkcs11KeyStoreOptions,
): Promise<{ certificate: X509Certificate; privateKey: pkcs11js.Handle }> {
  let certificate: X509Certificate;
  try {
    certificate = await loadCertificatePem(certificatePath);
  } catch {
    throw notAvailable(options, label, `its certificate ${certificatePath} cannot be read`);
  }
  const privateKeys = token.find(label, pkcs11js.CKO_PRIVATE_KEY);
  if (privateKeys.length !== 1) {
    throw notAvailable(
      options,
      label,
      privateKeys.length === 0
        ? 'the token holds no private key with that label'
        : `the token holds ${privateKeys.length} private keys with that label`,
    );
  }
  const privateKey = privateKeys[0];
  let matches: boolean;
  try {
    matches = await belongsTo(token, privateKey, certificate, label);
  } catch {
    matches = false;
  }
  if (!matches) {
    throw notAvailable(
      options,
      label,
      `the token's key does not belong to the certificate ${certificatePath}`,
    );
  }
  return { certificate, privateKey };
}

async function belongsTo(
  token: Pkcs11Token,
  privateKey: pkcs11js.Handle,
  certificate: X509Certificate,
  label: string,
): Promise<boolean> {
  const publicKey = certificate.publicKey;
  if (publicKey.asymmetricKeyType === 'rsa') {
    const shown = token.inspect((library, session) => readPublicKey(library, session, privateKey));
    return samePublicKey(shown, publicKey);
  }
  if (publicKey.asymmetricKeyType !== 'ec') return false;
  const scheme =
    publicKey.asymmetricKeyDetails?.namedCurve === 'secp384r1' ? 'ecdsa-sha384' : 'ecdsa-sha256';
  const challenge = randomBytes(32);
  const signature = await new TokenSigningKey(token, privateKey, certificate, label).sign(
    challenge,
    scheme,
  );
  return verify(scheme === 'ecdsa-sha384' ? 'sha384' : 'sha256', challenge, publicKey, signature);
}

function notAvailable(options: Pkcs11KeyStoreOptions, label: string, why: string): EnvelopeError {
  return new EnvelopeError(
    'KEY_NOT_AVAILABLE',
    `the ${label} key of ${options.party} is not available in PKCS#11 token '${options.token}': ${why}`,
  );
}
