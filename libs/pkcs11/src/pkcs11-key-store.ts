import { randomBytes, verify, type X509Certificate } from 'node:crypto';
import * as pkcs11js from 'pkcs11js';
import { EnvelopeError } from '@mxg/envelope';
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
  /** The gateway's clock, for "the seal generation in force now". */
  readonly now?: () => Date;
}

/**
 * This gateway's keys in a PKCS#11 token (an HSM; SoftHSM2 in development and tests). Keys are
 * found by CKA_LABEL and used through the token's operations: nothing private is ever read out,
 * and the keys are generated non-extractable (`mxg pki init --pkcs11`). Certificates stay files.
 *
 * Opening it checks every gateway key (each seal and encryption generation, the audit-checkpoint
 * key) against its certificate, so a token holding the wrong key stops the gateway at start
 * (KEY_NOT_AVAILABLE) rather than at its first message. Signatory keys are checked the same way
 * when first asked for.
 */
export class Pkcs11KeyStore {
  private readonly signatories = new Map<string, Promise<TokenSigningKey>>();

  private constructor(
    private readonly token: Pkcs11Token,
    private readonly options: Pkcs11KeyStoreOptions,
    private readonly seals: readonly TokenSigningKey[],
    private readonly decryptions: readonly TokenDecryptionKey[],
    private readonly checkpoint: TokenSigningKey,
  ) {}

  get party(): string {
    return this.options.party;
  }

  static async open(options: Pkcs11KeyStoreOptions): Promise<Pkcs11KeyStore> {
    const paths = partyPkiPaths(options.certsDir, options.party).gateway;
    const token = Pkcs11Token.open(options);
    try {
      const seals = await Promise.all(
        generationsOf(paths.seal.certificate, keyGenerations(paths.seal), 'seal', options).map(
          (certificate) => signingKey(token, certificate, gatewayKeyLabel(certificate), options),
        ),
      );
      const decryptions = await Promise.all(
        generationsOf(
          paths.encryption.certificate,
          keyGenerations(paths.encryption),
          'encryption',
          options,
        ).map((certificate) =>
          decryptionKey(token, certificate, gatewayKeyLabel(certificate), options),
        ),
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
  seal(): Promise<TokenSigningKey> {
    const now = (this.options.now ?? (() => new Date()))();
    const inForce = this.seals.filter(({ certificate }) => isInForce(certificate, now));
    return Promise.resolve((inForce.length > 0 ? inForce : this.seals).at(-1)!);
  }

  /** Every encryption generation held: an envelope may be encrypted to any of them. */
  decryption(): Promise<readonly TokenDecryptionKey[]> {
    return Promise.resolve(this.decryptions);
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
}

function isInForce(certificate: X509Certificate, now: Date): boolean {
  return new Date(certificate.validFrom) <= now && now <= new Date(certificate.validTo);
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
