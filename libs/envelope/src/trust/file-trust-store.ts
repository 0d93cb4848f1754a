import { X509Certificate } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { TreatyRegistry } from '@mxg/config';
import { partyPkiPaths } from '@mxg/pki';
import { EnvelopeError } from '../envelope.errors';
import { CrlFile, type TrustLog } from './crl-file';
import type { PartyTrust, TrustStore } from './trust-store';

export interface FileTrustStoreOptions {
  /** Told when a CRL is taken into use or a CRL file refused or missing; silent by default. */
  readonly log?: TrustLog;
}

/**
 * A trust store read from the certificates directory, laid out as `mxg pki init` writes it:
 * `<party>/ca.cert.pem`, `<party>/ca.crl.pem`, `<party>/gateway/{seal,encryption}.cert.pem`,
 * plus each signatory certificate at the path `signatories.yaml` names. A party without a
 * directory is simply unknown. Certificates are read once, at construction; each party's CRL
 * file is followed while the process runs (CrlFile), so a revocation takes effect at the next
 * decision without a restart.
 */
export class FileTrustStore implements TrustStore {
  private readonly parties = new Map<string, PartyTrust>();
  private readonly signatories = new Map<string, X509Certificate>();

  constructor(certsDir: string, treaty: TreatyRegistry, options: FileTrustStoreOptions = {}) {
    const log = options.log ?? (() => undefined);
    for (const { code } of treaty.allParties()) {
      const paths = partyPkiPaths(certsDir, code);
      if (!existsSync(paths.caCertificate)) continue;
      const optional = (path: string) =>
        existsSync(path) ? new X509Certificate(readFileSync(path)) : undefined;
      const seal = optional(paths.gateway.seal.certificate);
      const anchors = [new X509Certificate(readFileSync(paths.caCertificate))];
      const crl = new CrlFile(paths.caCrl, code, anchors, log);
      this.parties.set(code, {
        party: code,
        anchors,
        get crls() {
          return crl.current();
        },
        seals: seal ? [seal] : [],
        encryption: optional(paths.gateway.encryption.certificate),
      });
    }
    for (const signatory of treaty.allSignatories()) {
      // Until every certificate of a signatory is kept: the newest one that exists.
      for (const certificate of signatory.certificates) {
        const path = join(certsDir, certificate);
        if (existsSync(path))
          this.signatories.set(signatory.id, new X509Certificate(readFileSync(path)));
      }
    }
  }

  party(code: string): PartyTrust {
    const trust = this.parties.get(code);
    if (!trust) {
      throw new EnvelopeError('CERT_UNTRUSTED', `no trust anchor is configured for party ${code}`);
    }
    return trust;
  }

  signatoryCertificate(signatoryId: string): X509Certificate | undefined {
    return this.signatories.get(signatoryId);
  }
}
