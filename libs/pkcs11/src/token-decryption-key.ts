import type { X509Certificate } from 'node:crypto';
import * as pkcs11js from 'pkcs11js';
import { CmsError, type OaepHash } from '@mxg/cms';
import type { DecryptionKey } from '@mxg/envelope';
import { decodeEmeOaep } from './eme-oaep';
import { isPkcs11Error } from './pkcs11-module';
import type { Pkcs11Token } from './pkcs11-token';

const HASH_MECHANISMS: Readonly<Record<OaepHash, { hash: number; mgf: number }>> = {
  sha1: { hash: pkcs11js.CKM_SHA_1, mgf: pkcs11js.CKG_MGF1_SHA1 },
  sha256: { hash: pkcs11js.CKM_SHA256, mgf: pkcs11js.CKG_MGF1_SHA256 },
  sha384: { hash: pkcs11js.CKM_SHA384, mgf: pkcs11js.CKG_MGF1_SHA384 },
  sha512: { hash: pkcs11js.CKM_SHA512, mgf: pkcs11js.CKG_MGF1_SHA512 },
};

/** Data source of OAEP parameters: an (empty) label given explicitly (PKCS#11 CKZ_DATA_SPECIFIED). */
const CKZ_DATA_SPECIFIED = 1;

/** What a token answers to OAEP parameters it does not support. */
const PARAMETERS_REFUSED = [
  pkcs11js.CKR_ARGUMENTS_BAD,
  pkcs11js.CKR_MECHANISM_INVALID,
  pkcs11js.CKR_MECHANISM_PARAM_INVALID,
  pkcs11js.CKR_FUNCTION_NOT_SUPPORTED,
];

/**
 * An RSA key-transport key that stays in a PKCS#11 token. The token's own CKM_RSA_PKCS_OAEP is
 * tried first with the envelope's hash; a token that refuses those parameters (SoftHSM 2.6.1
 * supports OAEP with SHA-1 only) does the RSA private-key operation alone (CKM_RSA_X_509) and
 * the EME-OAEP decoding runs here (`decodeEmeOaep`, node-forge). Either way the private key
 * never leaves the token; the refusal is remembered per hash, so it is asked once.
 */
export class TokenDecryptionKey implements DecryptionKey {
  private readonly tokenOaep = new Map<OaepHash, boolean>();

  constructor(
    private readonly token: Pkcs11Token,
    private readonly privateKey: pkcs11js.Handle,
    readonly certificate: X509Certificate,
    readonly label: string,
    private readonly modulus: Buffer,
  ) {}

  /** Whether the token decodes OAEP with `hash` itself (undefined: not asked yet). */
  decodesOaepInToken(hash: OaepHash): boolean | undefined {
    return this.tokenOaep.get(hash);
  }

  /** An own property, like TokenSigningKey.sign: it survives a copy of the key object. */
  readonly decryptKey = async (
    encryptedKey: Uint8Array,
    oaepHash: OaepHash,
  ): Promise<Uint8Array> => {
    const input = Buffer.from(encryptedKey);
    if (this.tokenOaep.get(oaepHash) !== false) {
      const decrypted = await this.decryptInToken(input, oaepHash);
      if (decrypted !== undefined) return decrypted;
    }
    let encodedMessage: Buffer;
    try {
      encodedMessage = await this.run({ mechanism: pkcs11js.CKM_RSA_X_509 }, input);
    } catch {
      throw decryptionFailed();
    }
    try {
      return decodeEmeOaep(encodedMessage, this.modulus, oaepHash);
    } catch {
      throw decryptionFailed();
    } finally {
      encodedMessage.fill(0);
    }
  };

  /** The token's OAEP, or undefined when the token refuses the parameters (remembered). */
  private async decryptInToken(input: Buffer, hash: OaepHash): Promise<Buffer | undefined> {
    const mechanism: pkcs11js.Mechanism = {
      mechanism: pkcs11js.CKM_RSA_PKCS_OAEP,
      parameter: {
        type: pkcs11js.CK_PARAMS_RSA_OAEP,
        hashAlg: HASH_MECHANISMS[hash].hash,
        mgf: HASH_MECHANISMS[hash].mgf,
        source: CKZ_DATA_SPECIFIED,
      } as pkcs11js.RsaOAEP,
    };
    let refused = false;
    try {
      const decrypted = await this.run(mechanism, input, () => {
        refused = true;
      });
      this.tokenOaep.set(hash, true);
      return decrypted;
    } catch (error) {
      if (refused && isPkcs11Error(error, ...PARAMETERS_REFUSED)) {
        this.tokenOaep.set(hash, false);
        return undefined;
      }
      throw decryptionFailed();
    }
  }

  /** C_DecryptInit then C_Decrypt on a session of its own; `onInitFailed` marks where it failed. */
  private run(
    mechanism: pkcs11js.Mechanism,
    input: Buffer,
    onInitFailed: () => void = () => undefined,
  ): Promise<Buffer> {
    return this.token.withSession(async (session) => {
      try {
        this.token.library.C_DecryptInit(session, mechanism, this.privateKey);
      } catch (error) {
        onInitFailed();
        throw error;
      }
      return this.token.library.C_DecryptAsync(session, input, Buffer.alloc(this.modulus.length));
    });
  }
}

/** Deliberately vague, like every decryption failure in MXG. */
function decryptionFailed(): CmsError {
  return new CmsError('DECRYPTION_FAILED', 'The message could not be decrypted');
}
