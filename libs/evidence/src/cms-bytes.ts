import { SignatureCheckError } from './signature-check.errors';

const PEM = /-----BEGIN (CMS|PKCS7)-----([\s\S]*?)-----END \1-----/;

/**
 * A CMS object as DER, whether written as DER (what MXG and `openssl cms -outform DER` write) or
 * as PEM (`-----BEGIN CMS-----`, `-----BEGIN PKCS7-----`). Bytes that are not CMS are left to
 * the verifier, which reports them as MALFORMED_ENVELOPE; PEM without a CMS block is
 * INPUT_UNREADABLE (`where` names the input in the message).
 */
export function cmsDer(bytes: Uint8Array, where: string): Uint8Array {
  const buffer = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const text = buffer.subarray(0, 64).toString('latin1');
  if (!text.trimStart().startsWith('-----BEGIN ')) return new Uint8Array(buffer);
  const pem = PEM.exec(buffer.toString('latin1'));
  if (!pem) {
    throw new SignatureCheckError(
      'INPUT_UNREADABLE',
      `${where} is PEM but holds no CMS or PKCS7 block (expected -----BEGIN CMS----- or -----BEGIN PKCS7-----)`,
    );
  }
  return new Uint8Array(Buffer.from(pem[2].replace(/\s+/g, ''), 'base64'));
}
