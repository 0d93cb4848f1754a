import { KeyObject, createHash, createPublicKey, verify } from 'node:crypto';
import { AuditError, AuditErrorCode } from '../audit-error';
import { parseCheckpoint, type Checkpoint } from './checkpoint';
import { noteSignatureOptions, type NoteSigner } from './note-signer';
import {
  formatSignedNote,
  isValidKeyName,
  parseSignedNote,
  type NoteSignature,
  type SignedNote,
} from './signed-note';

/**
 * Key ID = SHA-256(SPKI DER)[:4], as signed-note prescribes for ECDSA (type 0x02,
 * transparency-dev/witness); RSA-PSS keys use the same rule. The SPKI names the algorithm, so
 * one (name, ID) pair never stands for two kinds of key.
 */
export function checkpointKeyId(key: KeyObject): string {
  const spki = publicKeyOf(key).export({ type: 'spki', format: 'der' });
  return createHash('sha256').update(spki).digest().subarray(0, 4).toString('hex');
}

/**
 * Adds a signature by `keyName` over the note text to `note` (a bare checkpoint body or an
 * already signed note) and returns the signed note. A witness cosignature is just another line.
 */
export async function signCheckpoint(
  note: string,
  signer: NoteSigner,
  keyName: string,
): Promise<string> {
  const signed: SignedNote = note.includes('\n\n')
    ? parseSignedNote(note)
    : { body: note, signatures: [] };
  parseCheckpoint(signed.body); // never sign anything but a canonical checkpoint
  return addNoteSignature(signed, signer, keyName);
}

/**
 * Adds a signature by `keyName` over `signed.body`. For this lib's own note formats only — a
 * checkpoint, an export statement — each of which its caller has checked, so that one key's
 * signatures on two kinds of note can never be taken for one another.
 */
export async function addNoteSignature(
  signed: SignedNote,
  signer: NoteSigner,
  keyName: string,
): Promise<string> {
  if (!isValidKeyName(keyName)) malformed('key name must be non-empty, without spaces or "+"');
  noteSignatureOptions(signer.publicKey); // refuses a key type notes are not signed with
  const keyId = checkpointKeyId(signer.publicKey);
  if (signed.signatures.some((s) => s.keyName === keyName && s.keyId === keyId)) {
    throw new AuditError(AuditErrorCode.CheckpointAlreadySigned, `already signed by ${keyName}`, {
      keyName,
      keyId,
    });
  }
  let signature: Buffer;
  try {
    const bytes = await signer.sign(Buffer.from(signed.body));
    signature = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  } catch (error) {
    // e.g. an RSA-PSS key whose parameters pin a hash other than SHA-256
    if (error instanceof AuditError) throw error;
    unsupported(`the key cannot sign: ${(error as Error).message}`);
  }
  return formatSignedNote({
    body: signed.body,
    signatures: [...signed.signatures, { keyName, keyId, signature }],
  });
}

/**
 * Checks the signature by (`keyName`, key ID of `publicKey`) and only then returns the parsed
 * checkpoint, since note text must be ignored unless a trusted key signed it (signed-note).
 * Signatures by other keys are ignored, as signed-note requires.
 */
export function verifyCheckpointSignature(
  note: string,
  publicKey: KeyObject,
  keyName: string,
): Checkpoint {
  const { body, signatures } = parseSignedNote(note);
  const keyId = checkpointKeyId(publicKey);
  const found = signatures.find((s) => s.keyName === keyName && s.keyId === keyId);
  if (!found) invalid(`no signature by ${keyName}`, keyName, keyId);
  if (!noteSignatureVerifies(body, found, publicKey)) {
    invalid(`the signature by ${keyName} does not verify`, keyName, keyId);
  }
  return parseCheckpoint(body);
}

/** Whether `signature` is `publicKey`'s over `body` (its key ID and name are the caller's to match). */
export function noteSignatureVerifies(
  body: string,
  signature: NoteSignature,
  publicKey: KeyObject,
): boolean {
  const key = publicKeyOf(publicKey);
  try {
    const options = noteSignatureOptions(key);
    return verify('sha256', Buffer.from(body), { key, ...options }, signature.signature);
  } catch (error) {
    if (error instanceof AuditError) throw error;
    return false; // a malformed DER signature throws on some OpenSSL builds
  }
}

function publicKeyOf(key: KeyObject): KeyObject {
  if (key.type === 'secret') unsupported('checkpoint keys are asymmetric');
  return key.type === 'private' ? createPublicKey(key) : key;
}

function invalid(message: string, keyName: string, keyId: string): never {
  throw new AuditError(AuditErrorCode.CheckpointSignatureInvalid, message, { keyName, keyId });
}

function malformed(message: string): never {
  throw new AuditError(AuditErrorCode.CheckpointMalformed, message);
}

function unsupported(message: string): never {
  throw new AuditError(AuditErrorCode.CheckpointKeyUnsupported, message);
}
