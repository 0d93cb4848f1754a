import { existsSync } from 'node:fs';
import type { KeyObject, X509Certificate } from 'node:crypto';
import type { MxgConfigService } from '@mxg/config';
import { auditLogOrigin, witnessKeyName } from '@mxg/audit';
import { loadCertificatePem, loadPrivateKey, partyPkiPaths } from '@mxg/pki';

/** This gateway's audit identity and the CAs it trusts for its peers' audit keys. */
export interface AuditKeys {
  /** Our log's name in checkpoints, e.g. `mxg.kz/audit`. */
  readonly origin: string;
  /** Our name when countersigning peers' checkpoints, e.g. `mxg.kz/witness`. */
  readonly witnessName: string;
  readonly privateKey: KeyObject;
  readonly certificatePem: string;
  /** Every party's CA certificate present in the certificates directory. */
  readonly trustedCas: readonly X509Certificate[];
}

/** Loads the audit-checkpoint key of `mxg pki init`'s layout; fails start-up when it is missing. */
export async function loadAuditKeys(config: MxgConfigService): Promise<AuditKeys> {
  const { party } = config.gateway;
  const paths = partyPkiPaths(config.paths.certs, party).gateway.auditCheckpoint;
  const [privateKey, certificate] = await Promise.all([
    loadPrivateKey(paths.privateKey),
    loadCertificatePem(paths.certificate),
  ]);
  const trustedCas: X509Certificate[] = [];
  for (const p of config.treaty.allParties()) {
    const ca = partyPkiPaths(config.paths.certs, p.code).caCertificate;
    if (existsSync(ca)) trustedCas.push(await loadCertificatePem(ca));
  }
  return {
    origin: auditLogOrigin(party),
    witnessName: witnessKeyName(party),
    privateKey,
    certificatePem: certificate.toString(),
    trustedCas,
  };
}
