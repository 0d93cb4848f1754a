import { X509Certificate } from 'node:crypto';
import { AuditError, AuditErrorCode } from '../audit-error';
import { parseCheckpoint, type Checkpoint } from '../checkpoint/checkpoint';
import { checkCheckpointCertificate } from '../checkpoint/checkpoint-certificate';
import { checkpointKeyId, verifyCheckpointSignature } from '../checkpoint/checkpoint-signature';
import { parseSignedNote } from '../checkpoint/signed-note';
import { parseAuditEntryJson } from '../log/audit-entry-validation';
import { auditLeafHashOfJson } from '../log/audit-leaf';
import { partyOfKeyName } from '../log/log-identity';
import { MerkleFrontier } from '../merkle/merkle-frontier';
import { verifyConsistency } from '../merkle/verify-consistency';
import { AUDIT_EXPORT_FORMAT, AUDIT_WITNESSED_FORMAT } from './audit-export-format';
import { readLineBatches } from './read-lines';

/** Why an export is invalid; stable, for scripts. */
export const AuditProblem = {
  Malformed: 'EXPORT_MALFORMED',
  EntryOutOfOrder: 'ENTRY_OUT_OF_ORDER',
  EntryAltered: 'ENTRY_ALTERED',
  EntryNotCheckpointed: 'ENTRY_NOT_CHECKPOINTED',
  SignatureInvalid: 'CHECKPOINT_SIGNATURE_INVALID',
  CheckpointsInconsistent: 'CHECKPOINTS_INCONSISTENT',
  RootMismatch: 'CHECKPOINT_ROOT_MISMATCH',
  WitnessedMismatch: 'WITNESSED_CHECKPOINT_MISMATCH',
  LogTruncated: 'LOG_TRUNCATED',
} as const;
export type AuditProblem = (typeof AuditProblem)[keyof typeof AuditProblem];

export interface AuditVerifyFinding {
  readonly problem: AuditProblem;
  readonly message: string;
  /** 1-based line of the export where it was found. */
  readonly line: number;
  /** The entry named, when one is. */
  readonly seq?: number;
  /** The checkpoint named, when one is. */
  readonly treeSize?: number;
}

export interface AuditVerifyReport {
  readonly valid: boolean;
  readonly origin: string;
  readonly entries: number;
  readonly checkpoints: number;
  /** Cosignatures checked, by witness key name. */
  readonly cosignatures: Readonly<Record<string, number>>;
  /** Checkpoints from witnessed copies compared with the entries. */
  readonly witnessedChecked: number;
  readonly latest?: Checkpoint;
  readonly finding?: AuditVerifyFinding;
}

export interface AuditVerifyOptions {
  /** The parties' CA certificates: the only trust the verifier starts from. */
  readonly trustedCas: readonly X509Certificate[];
  /** Peers' witnessed copies of this log (`mxg-audit-witnessed/1` files). */
  readonly witnessed?: readonly string[];
  /** Called now and then with entries checked so far and the total the header announces. */
  onProgress?(done: number, total: number): void;
}

class Invalid extends Error {
  constructor(readonly finding: AuditVerifyFinding) {
    super(finding.message);
  }
}

interface WitnessedHead {
  readonly checkpoint: Checkpoint;
  readonly witness: string;
}

/**
 * Checks an `mxg-audit-export/1` file offline (issue 4): every entry is in sequence and matches
 * the leaf the log stored; the tree recomputed from the entries has, at every checkpoint, the
 * root the log signed (that is every entry's inclusion proof); every signature and cosignature
 * verifies under a certificate issued by a trusted party CA; successive checkpoints are
 * consistent (RFC 9162 §2.1.4.2); and every checkpoint a peer's witness countersigned matches
 * the entries too, which is how a log rewritten wholesale — even by a superuser who re-signed it
 * — is exposed. Stops at the first problem and names it.
 *
 * Returns a report; throws AuditError only when it cannot reach a verdict (unreadable file,
 * certificates that no given CA vouches for).
 */
export async function verifyAuditExport(
  path: string,
  options: AuditVerifyOptions,
): Promise<AuditVerifyReport> {
  const v = new ExportVerifier(options);
  try {
    await v.run(path);
    return v.report();
  } catch (error) {
    if (error instanceof Invalid) return v.report(error.finding);
    if (error instanceof AuditError) throw error;
    throw new AuditError(
      AuditErrorCode.ExportUnreadable,
      `cannot read ${path}: ${error instanceof Error ? error.message : String(error)}`,
    );
  }
}

const PROGRESS_EVERY = 1 << 16;

class ExportVerifier {
  private origin = '';
  private announced = 0;
  private line = 0;
  private readonly frontier = new MerkleFrontier();
  private readonly certificates = new Map<string, X509Certificate>();
  private previous: Checkpoint | undefined;
  private checkpoints = 0;
  private readonly cosignatures: Record<string, number> = {};
  private witnessed: WitnessedHead[] = [];
  private nextWitnessed = 0;
  private witnessedChecked = 0;
  private lastWitnessedSize = 0;

  constructor(private readonly options: AuditVerifyOptions) {}

  async run(path: string): Promise<void> {
    let started = false;
    for await (const batch of readLineBatches(path)) {
      for (const text of batch) {
        this.line++;
        if (text.length === 0) continue;
        const line = this.parse(text);
        if (!started) {
          this.header(line, AUDIT_EXPORT_FORMAT);
          started = true;
          await this.loadWitnessed();
          continue;
        }
        switch (line.kind) {
          case 'certificate':
            this.certificate(line);
            break;
          case 'entry':
            this.entry(line);
            break;
          case 'checkpoint':
            this.checkpoint(line);
            break;
          default:
            this.fail(AuditProblem.Malformed, `unknown line kind ${String(line.kind)}`);
        }
      }
    }
    if (!started) this.fail(AuditProblem.Malformed, 'the export is empty');
    this.finish();
  }

  report(finding?: AuditVerifyFinding): AuditVerifyReport {
    return {
      valid: finding === undefined,
      origin: this.origin,
      entries: this.frontier.size,
      checkpoints: this.checkpoints,
      cosignatures: { ...this.cosignatures },
      witnessedChecked: this.witnessedChecked,
      latest: this.previous,
      finding,
    };
  }

  private parse(text: string): Record<string, unknown> {
    try {
      const value: unknown = JSON.parse(text);
      if (typeof value === 'object' && value !== null && !Array.isArray(value)) {
        return value as Record<string, unknown>;
      }
    } catch {
      // reported below
    }
    return this.fail(AuditProblem.Malformed, 'not a JSON object', {
      seq: this.frontier.size,
    });
  }

  private header(line: Record<string, unknown>, format: string): void {
    if (line.kind !== 'header' || line.format !== format) {
      this.fail(AuditProblem.Malformed, `the first line must be a ${format} header`);
    }
    if (typeof line.origin !== 'string' || partyOfKeyName(line.origin) === undefined) {
      this.fail(AuditProblem.Malformed, 'the header names no MXG audit log');
    }
    this.origin = line.origin;
    this.announced = typeof line.treeSize === 'number' ? line.treeSize : 0;
  }

  private certificate(line: Record<string, unknown>, into = this.certificates): void {
    if (typeof line.keyName !== 'string' || typeof line.pem !== 'string') {
      this.fail(AuditProblem.Malformed, 'a certificate line needs keyName and pem');
    }
    let certificate: X509Certificate;
    try {
      certificate = new X509Certificate(line.pem);
    } catch {
      return this.fail(AuditProblem.Malformed, `the certificate of ${line.keyName} is not X.509`);
    }
    // Cannot check, rather than invalid: the auditor may simply have given the wrong CA.
    checkCheckpointCertificate(certificate, line.keyName, this.options.trustedCas);
    into.set(`${line.keyName} ${checkpointKeyId(certificate.publicKey)}`, certificate);
  }

  private entry(line: Record<string, unknown>): void {
    const expected = this.frontier.size;
    let entry;
    try {
      entry = parseAuditEntryJson(line.entry);
    } catch (error) {
      return this.fail(
        AuditProblem.Malformed,
        `entry seq ${expected}: ${error instanceof Error ? error.message : String(error)}`,
        { seq: expected },
      );
    }
    if (entry.seq < expected) {
      this.fail(
        AuditProblem.EntryOutOfOrder,
        `a second entry claims seq ${entry.seq}: an entry was inserted or repeated`,
        { seq: entry.seq },
      );
    }
    if (entry.seq !== expected) {
      this.fail(
        AuditProblem.EntryOutOfOrder,
        `entry seq ${expected} is missing or out of place: found seq ${entry.seq} where seq ${expected} belongs (entries deleted, inserted or swapped)`,
        { seq: expected },
      );
    }
    const leafHash = auditLeafHashOfJson(line.entry as Record<string, unknown>, entry);
    if (leafHash.toString('base64') !== line.leafHash) {
      this.fail(
        AuditProblem.EntryAltered,
        `entry seq ${expected} does not match the leaf the log recorded for it: it was changed after it was logged`,
        { seq: expected },
      );
    }
    this.frontier.append(leafHash);
    const size = this.frontier.size;
    if (size % PROGRESS_EVERY === 0) this.options.onProgress?.(size, this.announced);
    while (this.witnessed[this.nextWitnessed]?.checkpoint.treeSize === size) {
      this.compareWitnessed(this.witnessed[this.nextWitnessed++]);
    }
  }

  private checkpoint(line: Record<string, unknown>): void {
    if (typeof line.note !== 'string')
      this.fail(AuditProblem.Malformed, 'a checkpoint line needs a note');
    const checkpoint = this.verifyNote(line.note, this.certificates);
    const at = { treeSize: checkpoint.treeSize };
    const previous = this.previous;
    if (previous) {
      const between = `checkpoints of size ${previous.treeSize} and ${checkpoint.treeSize}`;
      if (checkpoint.treeSize <= previous.treeSize || checkpoint.timestamp < previous.timestamp) {
        this.fail(AuditProblem.CheckpointsInconsistent, `${between} are out of order`, at);
      }
      const consistency = line.consistency as { fromSize?: unknown; proof?: unknown } | undefined;
      const proof = Array.isArray(consistency?.proof)
        ? consistency.proof.map((h) => Buffer.from(String(h), 'base64'))
        : [];
      if (
        consistency?.fromSize !== previous.treeSize ||
        !verifyConsistency(
          previous.treeSize,
          checkpoint.treeSize,
          proof,
          previous.rootHash,
          checkpoint.rootHash,
        )
      ) {
        this.fail(
          AuditProblem.CheckpointsInconsistent,
          `${between} are not consistent: the later one does not extend the earlier (RFC 9162 §2.1.4)`,
          at,
        );
      }
    }
    if (checkpoint.treeSize !== this.frontier.size) {
      this.fail(
        AuditProblem.EntryOutOfOrder,
        `checkpoint of size ${checkpoint.treeSize} follows ${this.frontier.size} entries: entry seq ${Math.min(checkpoint.treeSize, this.frontier.size)} is missing or misplaced`,
        { ...at, seq: Math.min(checkpoint.treeSize, this.frontier.size) },
      );
    }
    if (!this.frontier.root().equals(checkpoint.rootHash)) {
      this.fail(
        AuditProblem.RootMismatch,
        `checkpoint of size ${checkpoint.treeSize} does not match entries seq ${previous?.treeSize ?? 0}–${checkpoint.treeSize - 1}: one of them was altered`,
        at,
      );
    }
    this.previous = checkpoint;
    this.checkpoints++;
  }

  /** Verifies every signature line of a note; returns the checkpoint once the log's holds. */
  private verifyNote(
    note: string,
    certificates: Map<string, X509Certificate>,
    witness?: string,
  ): Checkpoint {
    let signatures;
    let body: Checkpoint;
    try {
      const parsed = parseSignedNote(note);
      signatures = parsed.signatures;
      body = parseCheckpoint(parsed.body);
    } catch (error) {
      return this.fail(AuditProblem.Malformed, `checkpoint: ${(error as Error).message}`);
    }
    const at = { treeSize: body.treeSize };
    if (body.origin !== this.origin) {
      this.fail(
        AuditProblem.SignatureInvalid,
        `checkpoint of size ${body.treeSize} is of another log, ${body.origin}`,
        at,
      );
    }
    if (!signatures.some((s) => s.keyName === this.origin)) {
      this.fail(
        AuditProblem.SignatureInvalid,
        `checkpoint of size ${body.treeSize} is not signed by ${this.origin}`,
        at,
      );
    }
    if (witness !== undefined && !signatures.some((s) => s.keyName === witness)) {
      this.fail(
        AuditProblem.SignatureInvalid,
        `checkpoint of size ${body.treeSize} is not countersigned by ${witness}`,
        at,
      );
    }
    for (const s of signatures) {
      const certificate =
        certificates.get(`${s.keyName} ${s.keyId}`) ??
        this.certificates.get(`${s.keyName} ${s.keyId}`);
      if (certificate === undefined) {
        throw new AuditError(
          AuditErrorCode.CertificateUntrusted,
          `no certificate in the export for ${s.keyName} key ${s.keyId}, which signed the checkpoint of size ${body.treeSize}`,
        );
      }
      const role = s.keyName === this.origin ? 'signature' : 'cosignature';
      if (s.keyName !== this.origin && !/\/witness$/.test(s.keyName)) {
        this.fail(
          AuditProblem.SignatureInvalid,
          `checkpoint of size ${body.treeSize}: ${s.keyName} is neither the log nor a witness`,
          at,
        );
      }
      try {
        verifyCheckpointSignature(note, certificate.publicKey, s.keyName);
        checkCheckpointCertificate(certificate, s.keyName, this.options.trustedCas, body.timestamp);
      } catch (error) {
        this.fail(
          AuditProblem.SignatureInvalid,
          `checkpoint of size ${body.treeSize}: the ${role} by ${s.keyName} is invalid (${(error as Error).message})`,
          at,
        );
      }
      if (role === 'cosignature' && certificates === this.certificates) {
        this.cosignatures[s.keyName] = (this.cosignatures[s.keyName] ?? 0) + 1;
      }
    }
    return body;
  }

  private async loadWitnessed(): Promise<void> {
    const heads: WitnessedHead[] = [];
    for (const path of this.options.witnessed ?? []) {
      const certificates = new Map<string, X509Certificate>();
      let witness: string | undefined;
      const mainLine = this.line;
      this.line = 0;
      for await (const batch of readLineBatches(path)) {
        for (const text of batch) {
          this.line++;
          if (text.length === 0) continue;
          const line = this.parse(text);
          if (witness === undefined) {
            const origin = this.origin;
            this.header(line, AUDIT_WITNESSED_FORMAT);
            if (this.origin !== origin) {
              throw new AuditError(
                AuditErrorCode.ExportUnreadable,
                `${path} witnesses ${this.origin}, not ${origin}`,
              );
            }
            witness = typeof line.witness === 'string' ? line.witness : '';
          } else if (line.kind === 'certificate') {
            this.certificate(line, certificates);
          } else if (line.kind === 'checkpoint' && typeof line.note === 'string') {
            heads.push({ checkpoint: this.verifyNote(line.note, certificates, witness), witness });
          }
        }
      }
      this.line = mainLine;
    }
    this.witnessed = heads
      .filter((h) => h.checkpoint.treeSize > 0)
      .sort((a, b) => a.checkpoint.treeSize - b.checkpoint.treeSize);
  }

  private compareWitnessed(head: WitnessedHead): void {
    const { treeSize, rootHash, timestamp } = head.checkpoint;
    if (!this.frontier.root().equals(rootHash)) {
      this.fail(
        AuditProblem.WitnessedMismatch,
        `the checkpoint of size ${treeSize} signed at ${timestamp.toISOString()} and countersigned by ${head.witness} does not match entries seq ${this.lastWitnessedSize}–${treeSize - 1}: the log was rewritten`,
        { treeSize },
      );
    }
    this.lastWitnessedSize = treeSize;
    this.witnessedChecked++;
  }

  private finish(): void {
    const size = this.frontier.size;
    const last = this.previous?.treeSize ?? 0;
    if (size > last) {
      this.fail(
        AuditProblem.EntryNotCheckpointed,
        `entry seq ${last} is not covered by any signed checkpoint`,
        {
          seq: last,
        },
      );
    }
    const beyond = this.witnessed[this.nextWitnessed];
    if (beyond !== undefined) {
      this.fail(
        AuditProblem.LogTruncated,
        `${beyond.witness} countersigned a checkpoint of size ${beyond.checkpoint.treeSize} at ${beyond.checkpoint.timestamp.toISOString()}, but the export ends at ${size}: the log was truncated or rewritten`,
        { treeSize: beyond.checkpoint.treeSize },
      );
    }
    if (this.announced !== size) {
      this.fail(
        AuditProblem.LogTruncated,
        `the header announces ${this.announced} entries, the export holds ${size}`,
      );
    }
    this.options.onProgress?.(size, this.announced);
  }

  private fail(
    problem: AuditProblem,
    message: string,
    at: { seq?: number; treeSize?: number } = {},
  ): never {
    throw new Invalid({ problem, message, line: this.line, ...at });
  }
}
