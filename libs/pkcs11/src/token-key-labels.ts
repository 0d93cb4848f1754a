import { basename, dirname } from 'node:path';

const CERT_SUFFIX = '.cert.pem';

/**
 * CKA_LABEL of the token objects (private and public key) behind each gateway key. A generation's
 * label is its certificate file's name without `.cert.pem`: `seal`, `seal.2`, `encryption`,
 * `encryption.2`, `audit-checkpoint`; a signatory's is `signatory.<id>`.
 */
export function gatewayKeyLabel(certificatePath: string): string {
  const name = basename(certificatePath);
  if (!name.endsWith(CERT_SUFFIX)) throw new TypeError(`not a certificate file: ${name}`);
  return name.slice(0, -CERT_SUFFIX.length);
}

export function signatoryKeyLabel(signatoryId: string): string {
  return `signatory.${signatoryId}`;
}

/** The label for any leaf certificate of the layout: `signatories/<id>.cert.pem` or `gateway/…`. */
export function tokenKeyLabel(certificatePath: string): string {
  const name = gatewayKeyLabel(certificatePath);
  return basename(dirname(certificatePath)) === 'signatories' ? signatoryKeyLabel(name) : name;
}
