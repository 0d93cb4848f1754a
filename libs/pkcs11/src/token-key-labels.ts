import { basename } from 'node:path';

/**
 * CKA_LABEL of the token objects (private and public key) behind each gateway key. A generation's
 * label is its certificate file's name without `.cert.pem`: `seal`, `seal.2`, `encryption`,
 * `encryption.2`, `audit-checkpoint`; a signatory's is `signatory.<id>`.
 */
export function gatewayKeyLabel(certificatePath: string): string {
  const name = basename(certificatePath);
  if (!name.endsWith('.cert.pem')) throw new TypeError(`not a certificate file: ${name}`);
  return name.slice(0, -'.cert.pem'.length);
}

export function signatoryKeyLabel(signatoryId: string): string {
  return `signatory.${signatoryId}`;
}
