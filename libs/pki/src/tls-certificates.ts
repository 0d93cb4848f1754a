import type { X509Certificate } from 'node:crypto';
import { subjectAltNameText, type TlsServerNames } from './certificate-profiles';
import type { KeyAlgorithm } from './key-pair';

/** #15: every transport key is ECDSA P-256, whatever the party signs messages with. */
export const TLS_KEY_ALGORITHM: KeyAlgorithm = 'ecdsa-p256';

/**
 * Why a TLS server certificate does not carry exactly the planned names, or undefined. Compared
 * as node (OpenSSL) prints subjectAltName, in the order the PKI writes them.
 */
export function serverNamesProblem(
  certificate: X509Certificate,
  planned: Readonly<TlsServerNames>,
): string | undefined {
  const present = certificate.subjectAltName ?? '';
  const wanted = subjectAltNameText(planned);
  return present === wanted
    ? undefined
    : `its subjectAltName is ${present || 'absent'}, not ${wanted}`;
}
