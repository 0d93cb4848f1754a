import { createCipheriv, createDecipheriv, createHash, type KeyObject } from 'node:crypto';
import { createSecretKey } from 'node:crypto';
import { loadStorageKek, partyPkiPaths, PkiError, STORAGE_KEK_BYTES } from '@mxg/pki';
import { AtRestError } from './at-rest.errors';
import type { DataKeyWrapper, WrappedDataKey } from './data-key-wrapper';

/** AES-256 key wrap with padding (RFC 5649), as OpenSSL names it. */
const KEY_WRAP = 'id-aes256-wrap-pad';
/** RFC 5649's alternative initial value (its first 32 bits; the rest is the length). */
const KEY_WRAP_AIV = Buffer.from('a65959a6', 'hex');

/**
 * The id of a KEK: `file:` and the first 128 bits of SHA-256 over a label and the key. It tells
 * KEKs apart and says nothing usable about the key (a 256-bit random key is not guessed from a
 * hash); the label keeps it from equalling any other digest of the same bytes.
 */
export function fileKekId(kek: Uint8Array): string {
  const digest = createHash('sha256').update('mxg storage kek id\0').update(kek).digest();
  return `file:${digest.subarray(0, 16).toString('hex')}`;
}

/**
 * The data-key wrapper over this gateway's KEK file (`certs/<party>/gateway/storage-kek.key`,
 * made by `mxg pki init`): AES-256 key wrap with padding (RFC 5649). The KEK is kept as a
 * KeyObject inside this object and never returned.
 */
export class FileDataKeyWrapper implements DataKeyWrapper {
  private constructor(
    readonly kek: string,
    private readonly key: KeyObject,
  ) {}

  /** KEK_NOT_AVAILABLE, naming the file and what to run, when the KEK file is missing or invalid. */
  static async load(certsDir: string, party: string): Promise<FileDataKeyWrapper> {
    const path = partyPkiPaths(certsDir, party).gateway.storageKek;
    let bytes: Buffer;
    try {
      bytes = await loadStorageKek(path);
    } catch (error) {
      if (!(error instanceof PkiError)) throw error;
      throw new AtRestError(
        'KEK_NOT_AVAILABLE',
        `${error.message.replace(/^[A-Z_]+: /, '')}: stored message content cannot be encrypted without it — run \`mxg pki init\`, which creates one`,
        { path },
      );
    }
    return FileDataKeyWrapper.fromKey(bytes);
  }

  /** A wrapper over a KEK in hand (tests, the bench); the bytes are copied and zeroed. */
  static fromKey(bytes: Buffer): FileDataKeyWrapper {
    if (bytes.length !== STORAGE_KEK_BYTES) throw new RangeError('a storage KEK is 32 bytes');
    const wrapper = new FileDataKeyWrapper(fileKekId(bytes), createSecretKey(Buffer.from(bytes)));
    bytes.fill(0);
    return wrapper;
  }

  wrap(dataKey: Uint8Array): Promise<WrappedDataKey> {
    const cipher = createCipheriv(KEY_WRAP, this.key, KEY_WRAP_AIV);
    const wrapped = Buffer.concat([cipher.update(dataKey), cipher.final()]);
    return Promise.resolve({ kek: this.kek, wrapped });
  }

  unwrap({ kek, wrapped }: WrappedDataKey): Promise<Buffer> {
    if (kek !== this.kek) {
      return Promise.reject(
        new AtRestError(
          'KEK_UNKNOWN',
          `data key wrapped by KEK ${kek}, which this gateway does not hold`,
          {
            kek,
          },
        ),
      );
    }
    try {
      const decipher = createDecipheriv(KEY_WRAP, this.key, KEY_WRAP_AIV);
      return Promise.resolve(Buffer.concat([decipher.update(wrapped), decipher.final()]));
    } catch {
      return Promise.reject(
        new AtRestError(
          'DATA_KEY_UNWRAP_FAILED',
          `a data key wrapped by KEK ${kek} failed its integrity check`,
          {
            kek,
          },
        ),
      );
    }
  }
}
