import type { KeyObject, X509Certificate } from 'node:crypto';
import { decrypterFromKeyObject, signerFromKeyObject } from '@mxg/cms';
import { SystemClock, type Clock } from '@mxg/core';
import {
  keyGenerations,
  loadCertificatePem,
  loadPrivateKey,
  partyPkiPaths,
  type CertificateKeyPaths,
} from '@mxg/pki';
import { EnvelopeError } from '../envelope.errors';
import type { DecryptionKey, KeyStore, SigningKey } from '../trust/trust-store';
import { generationOf, newestInForce, type KeyGeneration } from './key-generation';

export interface FileKeyStoreOptions {
  /** Decides which seal generation is in force; the gateway's clock. */
  readonly clock?: Clock;
  /**
   * How often the certificates directory is looked at again for new seal and encryption
   * generations (`mxg pki rotate` while the gateway runs), in milliseconds. Default 10 s.
   */
  readonly rescanMs?: number;
}

type Rotating = 'seal' | 'encryption';

interface Scan<K> {
  readonly at: number;
  readonly generations: Promise<readonly KeyGeneration<K>[]>;
  /** Set once `generations` has resolved: the hot path picks from it without waiting. */
  loaded?: readonly KeyGeneration<K>[];
}

/**
 * This gateway's keys from PEM files in the certificates directory, for development and for
 * deployments without a hardware module. Each key is parsed once and stays a KeyObject inside
 * the operation that uses it (parsing PEM on every signature costs ~15× the signature itself);
 * no key ever leaves this class.
 */
export class FileKeyStore implements KeyStore {
  private readonly single = new Map<string, Promise<SigningKey>>();
  private readonly scans = new Map<Rotating, Scan<SigningKey | DecryptionKey>>();
  private readonly clock: Clock;
  private readonly rescanMs: number;

  constructor(
    private readonly certsDir: string,
    readonly party: string,
    options: FileKeyStoreOptions = {},
  ) {
    this.clock = options.clock ?? new SystemClock();
    this.rescanMs = options.rescanMs ?? 10_000;
  }

  seal(): Promise<SigningKey> {
    const scan = this.scan('seal') as Scan<SigningKey>;
    const pick = (generations: readonly KeyGeneration<SigningKey>[]): SigningKey =>
      newestInForce(generations, this.clock.now()).key;
    return scan.loaded ? Promise.resolve(pick(scan.loaded)) : scan.generations.then(pick);
  }

  decryption(): Promise<readonly DecryptionKey[]> {
    const scan = this.scan('encryption') as Scan<DecryptionKey>;
    const keys = (generations: readonly KeyGeneration<DecryptionKey>[]) =>
      [...generations].reverse().map((g) => g.key);
    return scan.loaded ? Promise.resolve(keys(scan.loaded)) : scan.generations.then(keys);
  }

  auditCheckpoint(): Promise<SigningKey> {
    return this.signingKey(
      'audit-checkpoint',
      () => partyPkiPaths(this.certsDir, this.party).gateway.auditCheckpoint,
    );
  }

  signatory(signatoryId: string): Promise<SigningKey> {
    return this.signingKey(`signatory:${signatoryId}`, () =>
      partyPkiPaths(this.certsDir, this.party).signatory(signatoryId),
    );
  }

  /** Paths are worked out (and validated) only when the key is not loaded yet. */
  private signingKey(name: string, pathsOf: () => CertificateKeyPaths): Promise<SigningKey> {
    let key = this.single.get(name);
    if (!key) {
      key = this.loadPair(name, pathsOf(), signingKeyOf);
      key.catch(() => this.single.delete(name));
      this.single.set(name, key);
    }
    return key;
  }

  /**
   * Every generation of the seal or encryption key (`@mxg/pki` keyGenerations), looked for
   * again at most every `rescanMs`. Generations already loaded are reused, so a look costs one
   * directory listing; calls during a look wait for it. A failed look is not kept: the next
   * call looks again.
   */
  private scan(which: Rotating): Scan<SigningKey | DecryptionKey> {
    const now = Date.now();
    const previous = this.scans.get(which);
    if (previous && (!previous.loaded || now - previous.at < this.rescanMs)) return previous;
    const scan: Scan<SigningKey | DecryptionKey> = {
      at: now,
      generations: this.loadGenerations(which, previous?.loaded ?? []),
    };
    this.scans.set(which, scan);
    scan.generations.then(
      (generations) => {
        scan.loaded = generations;
      },
      () => {
        if (this.scans.get(which) === scan) this.scans.delete(which);
      },
    );
    return scan;
  }

  private async loadGenerations(
    which: Rotating,
    known: readonly KeyGeneration<SigningKey | DecryptionKey>[],
  ): Promise<readonly KeyGeneration<SigningKey | DecryptionKey>[]> {
    const gateway = partyPkiPaths(this.certsDir, this.party).gateway;
    const paths = keyGenerations(which === 'seal' ? gateway.seal : gateway.encryption);
    const make: (c: X509Certificate, k: KeyObject) => SigningKey | DecryptionKey =
      which === 'seal' ? signingKeyOf : decryptionKeyOf;
    const loaded = await Promise.all(
      paths.map(async (p) => {
        const already = known.find((g) => g.path === p.certificate);
        if (already) return already;
        // A generation whose key is not here (yet) is not held; the others still serve.
        const key = await this.loadPair(which, p, make).catch(() => undefined);
        return key && generationOf(p.certificate, key);
      }),
    );
    const held = loaded.filter((g): g is KeyGeneration<SigningKey | DecryptionKey> => !!g);
    if (held.length === 0) throw this.notAvailable(which);
    return held;
  }

  private async loadPair<K>(
    name: string,
    paths: CertificateKeyPaths,
    make: (certificate: X509Certificate, privateKey: KeyObject) => K,
  ): Promise<K> {
    try {
      const [certificate, privateKey] = await Promise.all([
        loadCertificatePem(paths.certificate),
        loadPrivateKey(paths.privateKey),
      ]);
      return make(certificate, privateKey);
    } catch {
      throw this.notAvailable(name);
    }
  }

  private notAvailable(name: string): EnvelopeError {
    return new EnvelopeError(
      'KEY_NOT_AVAILABLE',
      `the ${name} key of ${this.party} is not available in ${this.certsDir}`,
    );
  }
}

function signingKeyOf(certificate: X509Certificate, privateKey: KeyObject): SigningKey {
  const signer = signerFromKeyObject(certificate, privateKey);
  return { certificate, sign: (data, scheme) => signer.sign(data, scheme) };
}

function decryptionKeyOf(certificate: X509Certificate, privateKey: KeyObject): DecryptionKey {
  const decrypter = decrypterFromKeyObject(certificate, privateKey);
  return {
    certificate,
    decryptKey: (encryptedKey, oaepHash) => decrypter.decryptKey(encryptedKey, oaepHash),
  };
}
