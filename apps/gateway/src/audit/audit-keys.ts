import { existsSync } from 'node:fs';
import type { X509Certificate } from 'node:crypto';
import type { MxgConfigService } from '@mxg/config';
import type { KeyStore } from '@mxg/envelope';
import {
  AuditError,
  AuditErrorCode,
  auditLogOrigin,
  type AuditTrust,
  noteSignerFromKey,
  type NoteSigner,
  witnessKeyName,
} from '@mxg/audit';
import { loadAuditCheckpointCertificates, loadCertificatePem, partyPkiPaths } from '@mxg/pki';

/** This gateway's audit identity and whom it trusts to speak for its peers' audit logs. */
export interface AuditKeys {
  /** Our log's name in checkpoints, e.g. `mxg.kz/audit`. */
  readonly origin: string;
  /** Our name when countersigning peers' checkpoints, e.g. `mxg.kz/witness`. */
  readonly witnessName: string;
  /** The audit-checkpoint key as an operation, from the gateway's key store. */
  readonly signer: NoteSigner;
  readonly certificatePem: string;
  /**
   * Every party's CA certificate present in the certificates directory, and each party's
   * audit-checkpoint certificates found there, to which its audit key is pinned (#10.1).
   */
  readonly trust: AuditTrust;
  /** Why a party's audit key is not pinned, or a certificate was left out: said at start-up. */
  readonly warnings: readonly string[];
}

/**
 * Takes the audit-checkpoint key from the key store (files of `mxg pki init`'s layout, or a
 * token); fails start-up when it is missing or its certificate is not an audit-checkpoint one. A peer's audit key is pinned to the certificates at
 * `certs/<peer>/gateway/audit-checkpoint.cert.pem` (and `superseded/` beside it); without them,
 * any audit-checkpoint certificate the peer's CA issued may sign for it.
 */
export async function loadAuditKeys(config: MxgConfigService, keys: KeyStore): Promise<AuditKeys> {
  const { party } = config.gateway;
  const certsDir = config.paths.certs;
  const paths = partyPkiPaths(certsDir, party).gateway.auditCheckpoint;
  const key = await keys.auditCheckpoint();
  const certificate = key.certificate;
  const trustedCas: X509Certificate[] = [];
  const pinned = new Map<string, X509Certificate[]>();
  const warnings: string[] = [];
  for (const p of config.treaty.allParties()) {
    const ca = partyPkiPaths(certsDir, p.code).caCertificate;
    if (!existsSync(ca)) continue;
    trustedCas.push(await loadCertificatePem(ca));
    const found = await loadAuditCheckpointCertificates(certsDir, p.code);
    const current = partyPkiPaths(certsDir, p.code).gateway.auditCheckpoint.certificate;
    // A superseded certificate of the old profile is expected (`mxg pki init` moved it there);
    // a current one is the peer's problem to fix, and ours to say.
    for (const r of found.refused.filter((r) => r.path === current)) {
      warnings.push(`${r.path} is not used to check ${p.code}'s audit key: ${r.reason}`);
    }
    if (found.certificates.length > 0) {
      pinned.set(
        p.code.toUpperCase(),
        found.certificates.map((c) => c.certificate),
      );
    } else if (p.code.toUpperCase() !== party.toUpperCase()) {
      warnings.push(
        `${p.code}'s audit key is not pinned: put its audit-checkpoint certificate at ${partyPkiPaths(certsDir, p.code).gateway.auditCheckpoint.certificate}`,
      );
    }
  }
  if (!pinned.get(party.toUpperCase())?.some((c) => c.raw.equals(certificate.raw))) {
    throw new AuditError(
      AuditErrorCode.CertificateUntrusted,
      `${paths.certificate} is not an audit-checkpoint certificate: run \`mxg pki init\`, which re-issues one of an old profile`,
    );
  }
  return {
    origin: auditLogOrigin(party),
    witnessName: witnessKeyName(party),
    signer: noteSignerFromKey(key),
    certificatePem: certificate.toString(),
    trust: { trustedCas, pinned },
    warnings,
  };
}
