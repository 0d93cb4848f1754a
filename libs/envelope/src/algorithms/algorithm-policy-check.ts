import type { AlgorithmPolicy } from '@mxg/config';
import type { EnvelopedDataInfo, PublicKeyInfo, SignerReport } from '@mxg/cms';
import { EnvelopeError, type EnvelopeLayer } from '../envelope.errors';

/**
 * The agreement's allow-list applied to what a SignedData or EnvelopedData actually uses
 * (MIG-9.1, MIG-11.4). Checked before any expensive or risky operation: a disallowed
 * algorithm is refused without verifying or decrypting anything.
 */
export function assertSignerAlgorithmsAllowed(
  signer: SignerReport,
  policy: AlgorithmPolicy,
  layer: EnvelopeLayer,
): void {
  const digest = signer.digestAlgorithm.name;
  if (digest === undefined || !(policy.digests as readonly string[]).includes(digest)) {
    refuse(`digest ${digest ?? signer.digestAlgorithm.oid}`, layer);
  }
  const scheme = signer.signatureAlgorithm.scheme;
  if (scheme === undefined || !(policy.signatures as readonly string[]).includes(scheme)) {
    refuse(`signature algorithm ${scheme ?? signer.signatureAlgorithm.oid}`, layer);
  }
  if (signer.publicKey) assertKeyAllowed(signer.publicKey, policy, layer);
}

export function assertKeyAllowed(
  key: PublicKeyInfo,
  policy: AlgorithmPolicy,
  layer: EnvelopeLayer,
): void {
  if (key.type === 'rsa' || key.type === 'rsa-pss') {
    if ((key.bits ?? 0) < policy.minRsaBits)
      refuse(`RSA key of ${key.bits ?? '?'} bits (minimum ${policy.minRsaBits})`, layer);
  } else if (key.type === 'ec') {
    if (!(policy.curves as readonly string[]).includes(key.curve ?? ''))
      refuse(`EC curve ${key.curve ?? '?'}`, layer);
  } else {
    refuse(`${key.type} keys`, layer);
  }
}

export function assertEnvelopeAlgorithmsAllowed(
  info: EnvelopedDataInfo,
  policy: AlgorithmPolicy,
): void {
  const cipher = info.contentEncryption.name;
  if (cipher === undefined || !(policy.contentEncryption as readonly string[]).includes(cipher)) {
    refuse(`content encryption ${cipher ?? info.contentEncryption.oid}`, 'envelope');
  }
  for (const recipient of info.recipients) {
    if (recipient.type !== 'keyTransport') refuse(`recipient type ${recipient.type}`, 'envelope');
    const scheme = recipient.keyTransport.scheme;
    if (scheme === undefined || !(policy.keyTransport as readonly string[]).includes(scheme)) {
      refuse(
        `key transport ${scheme ?? recipient.keyTransport.family ?? recipient.keyTransport.oid}`,
        'envelope',
      );
    }
  }
}

function refuse(what: string, layer: EnvelopeLayer): never {
  throw new EnvelopeError(
    'ALGORITHM_NOT_ALLOWED',
    `${what} is not allowed by the agreement's algorithm policy`,
    layer,
  );
}
