import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** A certificate and its private key, as PEM files. */
export interface PemPair {
  readonly certificate: string;
  readonly privateKey: string;
}

/**
 * A triple-wrapped envelope made by the real OpenSSL 3 CLI alone, as a peer without MXG would
 * make one: `cms -sign` by the signatory, `cms -encrypt` for the recipient (RSA-OAEP/SHA-256,
 * AES-256-CBC), `cms -sign` by the sending gateway's seal. OpenSSL cannot add MXG's signed
 * routing-header attribute, so the envelope has none.
 */
export function opensslEnvelope(parts: {
  message: Uint8Array;
  signatory: PemPair;
  recipientCertificate: string;
  seal: PemPair;
}): Buffer {
  const work = mkdtempSync(join(tmpdir(), 'mxg-openssl-envelope-'));
  const file = (name: string, bytes: Uint8Array) => {
    const path = join(work, name);
    writeFileSync(path, bytes);
    return path;
  };
  const sign = (input: string, signer: PemPair) =>
    run(
      [
        'cms',
        '-sign',
        '-binary',
        '-nodetach',
        '-md',
        'sha256',
        '-outform',
        'DER',
        '-in',
        input,
      ].concat(['-signer', signer.certificate, '-inkey', signer.privateKey]),
    );
  try {
    const inner = sign(file('message.json', parts.message), parts.signatory);
    const enveloped = run([
      'cms',
      '-encrypt',
      '-binary',
      '-outform',
      'DER',
      '-aes-256-cbc',
      '-in',
      file('inner.p7s', inner),
      '-recip',
      parts.recipientCertificate,
      '-keyopt',
      'rsa_padding_mode:oaep',
      '-keyopt',
      'rsa_oaep_md:sha256',
    ]);
    return sign(file('enveloped.p7m', enveloped), parts.seal);
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

function run(args: string[]): Buffer {
  const result = spawnSync('openssl', args);
  if (result.status !== 0) {
    throw new Error(`openssl ${args.slice(0, 2).join(' ')} failed: ${result.stderr.toString()}`);
  }
  return result.stdout;
}
