import { constants, createDecipheriv, privateDecrypt } from 'node:crypto';
import { DECRYPTABLE_CONTENT_ENCRYPTION } from './cms-algorithms';
import { matchesIdentifier, parseCertificate, type CertificateInput } from './certificate';
import { CmsError, decryptionFailed } from './cms.errors';
import { toPrivateKeyObject, type PrivateKeyInput } from './keys';
import { decodeEnvelopedData } from './parse-enveloped-data';
import { unwrapOnce } from './unwrapped-keys';

export interface CmsRecipientCredentials {
  readonly certificate: CertificateInput;
  readonly privateKey: PrivateKeyInput;
}

/**
 * Opens EnvelopedData addressed to `recipient` by a KeyTransRecipientInfo.
 *
 * AES-CBC has no integrity of its own: call this only on ciphertext whose outer signature has
 * already verified, otherwise success/failure here is a padding oracle. For the same reason
 * every failure after the recipient is found is the same DECRYPTION_FAILED with no detail.
 */
export function decryptCms(
  der: Uint8Array,
  recipient: CmsRecipientCredentials,
): Promise<Uint8Array> {
  // A promise so that an HSM-backed implementation can replace this without touching callers.
  return new Promise((resolve) => resolve(decrypt(der, recipient)));
}

function decrypt(der: Uint8Array, recipient: CmsRecipientCredentials): Uint8Array {
  const envelope = decodeEnvelopedData(der);
  const certificate = parseCertificate(recipient.certificate);
  const privateKey = toPrivateKeyObject(recipient.privateKey);
  const target = envelope.keyTransports.find((k) => matchesIdentifier(certificate, k.rid));
  if (!target) {
    const { recipients } = envelope.info;
    throw new CmsError('NOT_FOR_THIS_RECIPIENT', 'Not addressed to this certificate', {
      recipients,
    });
  }

  // Algorithm checks use only public information, so they may be specific.
  const { keyTransport } = target;
  const oaep = keyTransport.oaep;
  const oaepHash = oaep?.hash.name;
  if (
    keyTransport.family !== 'rsa-oaep' ||
    !oaepHash ||
    oaep.hash.legacy ||
    oaep.mgf1Hash.name !== oaepHash || // node ties MGF1 to the OAEP hash
    oaep.label
  ) {
    // rsaEncryption (PKCS#1 v1.5) is refused outright: Bleichenbacher (RFC 8017 §7.2, RFC 3218).
    // OAEP is run with SHA-2 only, and without a label, which rsa-oaep-sha256 does not have.
    throw new CmsError('UNSUPPORTED_ALGORITHM', 'Unsupported key transport', { keyTransport });
  }
  const { contentEncryption } = envelope.info;
  const cipherName = contentEncryption.name;
  if (
    !cipherName ||
    !DECRYPTABLE_CONTENT_ENCRYPTION.has(cipherName) ||
    envelope.iv?.length !== 16
  ) {
    throw new CmsError('UNSUPPORTED_ALGORITHM', 'Unsupported content encryption', {
      contentEncryption,
    });
  }

  try {
    // Synchronous, as node offers it (no callback form): ≈ 250 µs for RSA-2048, the longest
    // stall on the event loop, and the bound that signing and verifying stay well under
    // (sign-cms.ts, verify-cms-signature.ts) — once per reused content key (unwrapped-keys.ts).
    const contentEncryptionKey = unwrapOnce(privateKey, oaepHash, target.encryptedKey, () =>
      privateDecrypt(
        { key: privateKey, padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash },
        target.encryptedKey,
      ),
    );
    // A key of the wrong length makes createDecipheriv throw, which lands in the same catch.
    const decipher = createDecipheriv(cipherName, contentEncryptionKey, envelope.iv);
    return Buffer.concat([decipher.update(envelope.encryptedContent), decipher.final()]);
  } catch {
    throw decryptionFailed();
  }
}
