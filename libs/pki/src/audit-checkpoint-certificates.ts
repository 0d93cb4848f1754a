import type { X509Certificate } from 'node:crypto';
import { readdir } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { certificateProfileProblem } from './certificate-profile-check';
import { fileExists, loadCertificatePem } from './pem-files';
import { partyPkiPaths } from './pki-layout';

export interface AuditCheckpointCertificates {
  /** Those that meet the audit-checkpoint profile, the current one first. */
  readonly certificates: readonly { path: string; certificate: X509Certificate }[];
  /** Those that do not, with why (e.g. issued before the profile had its key purpose). */
  readonly refused: readonly { path: string; reason: string }[];
}

const SUPERSEDED = /^audit-checkpoint\.[0-9A-F]+\.cert\.pem$/;

/**
 * The audit-checkpoint certificates configured for `party` under `certsDir`: its current one
 * (`gateway/audit-checkpoint.cert.pem`) and the ones it superseded, kept by `mxg pki init` in
 * `gateway/superseded/`, so that checkpoints signed before a key was re-issued still check.
 * This is the set a gateway pins that party's audit key to. Chains are not checked here: that
 * is the audit log's trust decision, against the party's CA.
 */
export async function loadAuditCheckpointCertificates(
  certsDir: string,
  party: string,
): Promise<AuditCheckpointCertificates> {
  const current = partyPkiPaths(certsDir, party).gateway.auditCheckpoint.certificate;
  const supersededDir = join(dirname(current), 'superseded');
  const paths = (await fileExists(current)) ? [current] : [];
  if (await fileExists(supersededDir)) {
    const names = (await readdir(supersededDir)).filter((n) => SUPERSEDED.test(n)).sort();
    paths.push(...names.map((n) => join(supersededDir, n)));
  }
  const certificates: { path: string; certificate: X509Certificate }[] = [];
  const refused: { path: string; reason: string }[] = [];
  for (const path of paths) {
    const certificate = await loadCertificatePem(path);
    const problem = certificateProfileProblem(certificate, 'audit-checkpoint');
    if (problem === undefined) certificates.push({ path, certificate });
    else refused.push({ path, reason: problem });
  }
  return { certificates, refused };
}
