import { X509Certificate } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { TreatyRegistry } from '@mxg/config';

/**
 * Every certificate `signatories.yaml` registers for each signatory (MIG-9.3), oldest first, read
 * once from the certificates directory; a path with no file is left out (its message cannot
 * verify, which says why).
 */
export function configuredCertificates(
  treaty: TreatyRegistry,
  certsDir: string,
): (signatoryId: string) => readonly X509Certificate[] {
  const byId = new Map<string, X509Certificate[]>();
  for (const signatory of treaty.allSignatories()) {
    byId.set(
      signatory.id,
      signatory.certificates
        .map((path) => join(certsDir, path))
        .filter((file) => existsSync(file))
        .map((file) => new X509Certificate(readFileSync(file))),
    );
  }
  return (signatoryId) => byId.get(signatoryId) ?? [];
}
