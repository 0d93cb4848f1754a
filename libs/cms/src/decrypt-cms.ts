import { createDecipheriv } from 'node:crypto';
import { DECRYPTABLE_CONTENT_ENCRYPTION } from './cms-algorithms';
import { matchesIdentifier, parseCertificate } from './certificate';
import { CmsError, decryptionFailed } from './cms.errors';
import type { CmsKeyDecrypter, OaepHash } from './key-operations';
import { decodeEnvelopedData } from './parse-enveloped-data';
import { rememberUnwrapped, unwrappedBefore } from './unwrapped-keys';

const OAEP_HASHES: readonly string[] = ['sha1', 'sha256', 'sha384', 'sha512'] satisfies OaepHash[];

/**
 * Opens EnvelopedData addressed by a KeyTransRecipientInfo to one of `recipients` (several
 * during a key rotation: the first whose certificate a recipient info names is used). The
 * key-transport decryption is the recipient's own operation; no private key passes through here.
 *
 * AES-CBC has no integrity of its own: call this only on ciphertext whose outer signature has
 * already verified, otherwise success/failure here is a padding oracle. For the same reason
 * every failure after the recipient is found is the same DECRYPTION_FAILED with no detail.
 */
export async function decryptCms(
  der: Uint8Array,
  recipients: CmsKeyDecrypter | readonly CmsKeyDecrypter[],
): Promise<Uint8Array> {
  const envelope = decodeEnvelopedData(der);
  const candidates: readonly CmsKeyDecrypter[] = Array.isArray(recipients)
    ? recipients
    : [recipients as CmsKeyDecrypter];
  let recipient: CmsKeyDecrypter | undefined;
  let target: (typeof envelope.keyTransports)[number] | undefined;
  for (const candidate of candidates) {
    const certificate = parseCertificate(candidate.certificate);
    target = envelope.keyTransports.find((k) => matchesIdentifier(certificate, k.rid));
    if (target) {
      recipient = candidate;
      break;
    }
  }
  if (!recipient || !target) {
    const { recipients: named } = envelope.info;
    throw new CmsError('NOT_FOR_THIS_RECIPIENT', 'Not addressed to this certificate', {
      recipients: named,
    });
  }

  // Algorithm checks use only public information, so they may be specific.
  const { keyTransport } = target;
  const oaep = keyTransport.oaep;
  const oaepHash = oaep?.hash.name;
  if (
    keyTransport.family !== 'rsa-oaep' ||
    !oaepHash ||
    !OAEP_HASHES.includes(oaepHash) ||
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
    // Once per reused content key (unwrapped-keys.ts): the RSA private-key operation is the
    // costliest step of opening an envelope, in this process or in a token.
    let contentEncryptionKey = unwrappedBefore(recipient, oaepHash, target.encryptedKey);
    if (!contentEncryptionKey) {
      const unwrapped = await recipient.decryptKey(target.encryptedKey, oaepHash as OaepHash);
      contentEncryptionKey = rememberUnwrapped(
        recipient,
        oaepHash,
        target.encryptedKey,
        Buffer.from(unwrapped.buffer, unwrapped.byteOffset, unwrapped.byteLength),
      );
    }
    // A key of the wrong length makes createDecipheriv throw, which lands in the same catch.
    const decipher = createDecipheriv(cipherName, contentEncryptionKey, envelope.iv);
    return Buffer.concat([decipher.update(envelope.encryptedContent), decipher.final()]);
  } catch {
    throw decryptionFailed();
  }
}
