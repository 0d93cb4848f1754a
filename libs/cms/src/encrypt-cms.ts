import { constants, createCipheriv, publicEncrypt, randomBytes } from 'node:crypto';
import {
  OID,
  contentEncryptionAlgorithmIdentifier,
  keyTransportAlgorithmIdentifier,
  type ContentEncryptionScheme,
  type KeyTransportScheme,
} from './cms-algorithms';
import { issuerAndSerialNumber, parseCertificate, type CertificateInput } from './certificate';
import type { ContentKeyReuse, WrappedContentKey } from './content-key-reuse';
import { CmsError } from './cms.errors';
import { wrapContentInfo } from './content-info';
import {
  contextPrimitive,
  objectIdentifier,
  octetString,
  sequence,
  setOf,
  smallInteger,
} from './der';
import { assertStrongKey } from './keys';

export interface CmsRecipient {
  readonly certificate: CertificateInput;
}

export interface EncryptCmsOptions {
  readonly keyTransport: KeyTransportScheme;
  /**
   * CBC, not GCM: OpenSSL rejects AES-GCM inside EnvelopedData. CBC is malleable, so the
   * ciphertext must travel inside an outer signature that the receiver checks first.
   */
  readonly contentEncryption: ContentEncryptionScheme;
  /** Type of the encrypted content; defaults to id-data (what `openssl cms -encrypt` writes). */
  readonly contentType?: string;
  /** Reuse a content-encryption key per recipient (see ContentKeyReuse); default: one per call. */
  readonly reuse?: ContentKeyReuse;
}

/**
 * ContentInfo(EnvelopedData) for one RSA recipient, addressed by issuerAndSerialNumber — what
 * `openssl cms -decrypt -recip` looks for (RFC 5652 §6.2.1).
 */
export function encryptCms(
  content: Uint8Array,
  recipient: CmsRecipient,
  options: EncryptCmsOptions,
): Promise<Uint8Array> {
  // A promise so that an HSM-backed implementation can replace this without touching callers.
  return new Promise((resolve) => resolve(encrypt(content, recipient, options)));
}

function encrypt(
  content: Uint8Array,
  recipient: CmsRecipient,
  options: EncryptCmsOptions,
): Uint8Array {
  const { keyTransport, contentEncryption, contentType = OID.data } = options;
  if (keyTransport !== 'rsa-oaep-sha256' || contentEncryption !== 'aes-256-cbc') {
    throw new CmsError('UNSUPPORTED_ALGORITHM', 'Unsupported encryption algorithms', {
      keyTransport,
      contentEncryption,
    });
  }
  const certificate = parseCertificate(recipient.certificate);
  const publicKey = certificate.x509.publicKey;
  if (publicKey.asymmetricKeyType !== 'rsa') {
    throw new CmsError(
      'UNSUPPORTED_ALGORITHM',
      'Recipient certificate does not hold an RSA encryption key',
    );
  }
  assertStrongKey(publicKey, 'Recipient');

  const fresh = (): WrappedContentKey => {
    const key = randomBytes(32);
    const encryptedKey = publicEncrypt(
      { key: publicKey, padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash: 'sha256' },
      key,
    );
    return { key, encryptedKey };
  };
  const { reuse } = options;
  const { key: contentEncryptionKey, encryptedKey } = reuse
    ? reuse.take(certificate.x509.fingerprint256, fresh)
    : fresh();
  const iv = randomBytes(16);
  try {
    // PKCS#7 padding, as RFC 5652 §6.3 requires; node's default for CBC.
    const cipher = createCipheriv('aes-256-cbc', contentEncryptionKey, iv);
    const encryptedContent = Buffer.concat([cipher.update(content), cipher.final()]);
    const keyTransRecipientInfo = sequence(
      smallInteger(0), // v0: rid is issuerAndSerialNumber (RFC 5652 §6.2.1)
      issuerAndSerialNumber(certificate),
      keyTransportAlgorithmIdentifier(keyTransport),
      octetString(encryptedKey),
    );
    const envelopedData = sequence(
      smallInteger(0), // v0: no originatorInfo, only v0 KeyTransRecipientInfo, no attributes (§6.1)
      setOf(keyTransRecipientInfo),
      sequence(
        objectIdentifier(contentType),
        contentEncryptionAlgorithmIdentifier(contentEncryption, iv),
        contextPrimitive(0, encryptedContent), // encryptedContent [0] IMPLICIT OCTET STRING
      ),
    );
    return wrapContentInfo(OID.envelopedData, envelopedData);
  } finally {
    if (!reuse) contentEncryptionKey.fill(0); // a reused key is wiped when it is replaced
  }
}
