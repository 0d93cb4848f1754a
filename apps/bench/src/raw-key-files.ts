import type { KeyObject, X509Certificate } from 'node:crypto';
import {
  loadCertificatePem,
  loadPrivateKey,
  partyPkiPaths,
  type CertificateKeyPaths,
} from '@mxg/pki';

/** A development key pair as node:crypto takes it. */
export interface RawKeyPair {
  readonly certificate: X509Certificate;
  readonly privateKey: KeyObject;
}

/**
 * The benches' own reading of development key files, for measuring the node:crypto primitives
 * alone. The gateway never does this: its keys are operations behind a KeyStore.
 */
export async function rawKeyPairs(
  certsDir: string,
  pick: { readonly party: string; readonly key: 'seal' | 'encryption' | { signatory: string } }[],
): Promise<RawKeyPair[]> {
  return Promise.all(
    pick.map(async ({ party, key }) => {
      const paths = partyPkiPaths(certsDir, party);
      const pair: CertificateKeyPaths =
        typeof key === 'string' ? paths.gateway[key] : paths.signatory(key.signatory);
      const [certificate, privateKey] = await Promise.all([
        loadCertificatePem(pair.certificate),
        loadPrivateKey(pair.privateKey),
      ]);
      return { certificate, privateKey };
    }),
  );
}
