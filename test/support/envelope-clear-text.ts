import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseSignedData } from '@mxg/cms';
import { type MessageHeader, readRoutingHeader } from '@mxg/envelope';

/** What the outer signature of an envelope shows anyone on the way (MIG-11.1). */
export interface OuterSignature {
  /** The routing header sealed in clear, if any (`readRoutingHeader`). */
  readonly routingHeader: MessageHeader | undefined;
  /** The OIDs of its signed attributes other than content-type, message-digest and signing-time. */
  readonly otherAttributes: readonly string[];
  /**
   * `openssl cms -cmsout -print` of the envelope and of the EnvelopedData it signs, without their
   * hex dumps (ciphertext, encrypted key, digests, signature: random bytes, in which a short word
   * could turn up by chance): structure, certificates, algorithms, any attribute printed as text.
   */
  readonly clearText: string;
}

export function outerSignature(envelope: Uint8Array): OuterSignature {
  const { signers, encapsulatedContent } = parseSignedData(envelope);
  if (signers.length !== 1) throw new Error(`${signers.length} signers on the outer signature`);
  if (!encapsulatedContent) throw new Error('the outer signature carries no content');
  const signer = signers[0];
  return {
    routingHeader: readRoutingHeader(signer),
    otherAttributes: [...(signer.otherAttributes?.keys() ?? [])],
    // The outer SignedData, and the EnvelopedData it signs (its recipient info and algorithms).
    clearText: `${printed(envelope)}\n${printed(encapsulatedContent)}`,
  };
}

/** `openssl cms -cmsout -print` of a CMS ContentInfo (DER), its hex dump lines left out. */
function printed(der: Uint8Array): string {
  const work = mkdtempSync(join(tmpdir(), 'mxg-outer-'));
  try {
    const path = join(work, 'cms.der');
    writeFileSync(path, der);
    const print = spawnSync(
      'openssl',
      ['cms', '-cmsout', '-print', '-inform', 'DER', '-in', path, '-noout'],
      { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 },
    );
    if (print.status !== 0) throw new Error(`openssl cms -cmsout -print: ${print.stderr}`);
    return print.stdout
      .split('\n')
      .filter((line) => !/^\s*[0-9a-f]{4} - /.test(line))
      .join('\n');
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}
