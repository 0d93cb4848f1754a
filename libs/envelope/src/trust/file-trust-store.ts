import { X509Certificate } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import type { TreatyRegistry } from '@mxg/config';
import { partyPkiPaths } from '@mxg/pki';
import { CrlFile, type TrustLog } from './crl-file';
import { newestCrl, TrustList, type TrustListOptions } from './trust-list';

export interface FileTrustStoreOptions extends TrustListOptions {
  /** Told when a CRL is archived or a CRL file refused or missing; silent by default. */
  readonly log?: TrustLog;
}

/**
 * A trust store read from the certificates directory, laid out as `mxg pki init` writes it:
 * `<party>/ca.cert.pem`, `<party>/ca.crl.pem`, every generation of
 * `<party>/gateway/{seal,encryption}[.<n>].cert.pem`, plus every signatory certificate at the
 * paths `signatories.yaml` names. A party without a directory is simply unknown. Certificates
 * are read once, at construction; each party's CRL file is followed while the process runs
 * (CrlFile) and every version of it archived, so a revocation takes effect at the next decision
 * without a restart and older signatures are still judged by the CRLs of their time.
 */
export class FileTrustStore extends TrustList {
  constructor(certsDir: string, treaty: TreatyRegistry, options: FileTrustStoreOptions = {}) {
    super(options);
    const log = options.log ?? (() => undefined);
    for (const { code } of treaty.allParties()) {
      const paths = partyPkiPaths(certsDir, code);
      if (!existsSync(paths.caCertificate)) continue;
      const anchors = [new X509Certificate(readFileSync(paths.caCertificate))];
      const followed: { file?: CrlFile } = {};
      this.addParty({
        party: code,
        anchors,
        seals: generations(paths.gateway.seal.certificate),
        encryptionCertificates: generations(paths.gateway.encryption.certificate),
        refreshCrls: () => followed.file?.refresh(),
      });
      // Made once the party is known, so the file's first CRL can be offered at once.
      followed.file = new CrlFile(
        paths.caCrl,
        code,
        (der, source) => this.offerCrl(code, der, source, new Date()),
        () => newestCrl(this.archive.of(code)),
        log,
      );
    }
    for (const signatory of treaty.allSignatories()) {
      for (const path of signatory.certificates) {
        const file = join(certsDir, path);
        if (existsSync(file)) {
          this.addSignatoryCertificate(signatory.id, new X509Certificate(readFileSync(file)));
        }
      }
    }
  }
}

/**
 * Every generation of a gateway certificate, oldest first: generation 1 is `<key>.cert.pem`,
 * generation n ≥ 2 is `<key>.<n>.cert.pem` beside it (the layout `mxg pki rotate` writes).
 */
export function generations(firstCertificate: string): X509Certificate[] {
  const dir = dirname(firstCertificate);
  if (!existsSync(dir)) return [];
  const key = basename(firstCertificate, '.cert.pem');
  const pattern = new RegExp(`^${key.replace(/[.]/g, '\\.')}(?:\\.(\\d+))?\\.cert\\.pem$`);
  return readdirSync(dir)
    .flatMap((name) => {
      const match = pattern.exec(name);
      if (!match) return [];
      const n = match[1] === undefined ? 1 : Number(match[1]);
      return n >= 1 ? [{ n, path: join(dir, name) }] : [];
    })
    .sort((a, b) => a.n - b.n)
    .map(({ path }) => new X509Certificate(readFileSync(path)));
}
