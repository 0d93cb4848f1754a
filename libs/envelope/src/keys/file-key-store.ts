import type { KeyObject, X509Certificate } from 'node:crypto';
import {
  loadCertificatePem,
  loadPrivateKey,
  partyPkiPaths,
  type CertificateKeyPaths,
} from '@mxg/pki';
import { EnvelopeError } from '../envelope.errors';
import type { KeyPair, KeyStore } from '../trust/trust-store';

/**
 * This gateway's keys from PEM files in the certificates directory. Each key is parsed once
 * and kept as a KeyObject: parsing PEM on every signature costs ~15× the signature itself.
 */
export class FileKeyStore implements KeyStore {
  private readonly cache = new Map<string, Promise<KeyPair>>();

  constructor(
    private readonly certsDir: string,
    readonly party: string,
  ) {}

  seal(): Promise<KeyPair> {
    return this.load('seal', () => partyPkiPaths(this.certsDir, this.party).gateway.seal);
  }

  encryption(): Promise<KeyPair> {
    return this.load(
      'encryption',
      () => partyPkiPaths(this.certsDir, this.party).gateway.encryption,
    );
  }

  signatory(signatoryId: string): Promise<KeyPair> {
    return this.load(`signatory:${signatoryId}`, () =>
      partyPkiPaths(this.certsDir, this.party).signatory(signatoryId),
    );
  }

  /** Paths are worked out (and validated) only when the key is not loaded yet. */
  private load(name: string, pathsOf: () => CertificateKeyPaths): Promise<KeyPair> {
    let pair = this.cache.get(name);
    if (!pair) {
      const paths = pathsOf();
      pair = Promise.all([
        loadCertificatePem(paths.certificate),
        loadPrivateKey(paths.privateKey),
      ]).then(
        ([certificate, privateKey]: [X509Certificate, KeyObject]) => ({ certificate, privateKey }),
        () => {
          this.cache.delete(name);
          throw new EnvelopeError(
            'KEY_NOT_AVAILABLE',
            `the ${name} key of ${this.party} is not available in ${this.certsDir}`,
          );
        },
      );
      this.cache.set(name, pair);
    }
    return pair;
  }
}
