import { createHash, type Hash, type KeyObject, X509Certificate } from 'node:crypto';
import { statSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { AuditError, AuditErrorCode } from '../audit-error';
import { parseCheckpoint, type Checkpoint } from '../checkpoint/checkpoint';
import {
  type AuditTrust,
  checkpointCertificateProblem,
  fingerprint,
  pinnedCertificates,
  trustsParty,
  validityProblem,
} from '../checkpoint/checkpoint-certificate';
import { noteSignatureVerifies } from '../checkpoint/checkpoint-signature';
import { parseSignedNote, type NoteSignature } from '../checkpoint/signed-note';
import { parseAuditEntryJson } from '../log/audit-entry-validation';
import { auditLeafHashOfJson } from '../log/audit-leaf';
import { partyOfKeyName } from '../log/log-identity';
import { MerkleFrontier } from '../merkle/merkle-frontier';
import { emptyRootHash, HASH_SIZE } from '../merkle/rfc6962-hash';
import { verifyConsistency } from '../merkle/verify-consistency';
import {
  AUDIT_EXPORT_FORMAT,
  AUDIT_WITNESSED_FORMAT,
  type AuditExportFormat,
} from './audit-export-format';
import { parseExportStatement, type ExportStatement } from './export-statement';
import { readLineBatches } from './read-lines';
import { checkLinesInWorkers, entryWorkersAvailable } from './entry-line-pool';
import { LINE_EMPTY, LINE_ENTRY_OK, leafHashAsWritten, type CheckedLines } from './entry-lines';

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
  /** The export does not end with the statement signed by the log's key: cut short, or made up. */
  ExportTruncated: 'EXPORT_TRUNCATED',
  /** The signed statement does not match the export (its header, lines, size, root or count). */
  StatementMismatch: 'EXPORT_STATEMENT_MISMATCH',
  /** A witness that must have cosigned (configured or required) cosigned no checkpoint. */
  WitnessMissing: 'WITNESS_MISSING',
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

/** A certificate whose signatures a verdict rests on. */
export interface AuditVerifySigner {
  readonly keyName: string;
  /** SHA-256 of the certificate (DER), hex. */
  readonly sha256: string;
  /** Notes of the export (checkpoints and statement) it signed. */
  readonly notes: number;
}

/** Signature lines no verdict rests on (signed-note: unknown keys are ignored), and why. */
export interface AuditVerifyIgnored {
  readonly keyName: string;
  readonly keyId: string;
  readonly reason: string;
  readonly count: number;
}

export interface AuditVerifyReport {
  readonly valid: boolean;
  readonly origin: string;
  readonly entries: number;
  readonly checkpoints: number;
  /** Valid cosignatures, by witness key name. */
  readonly cosignatures: Readonly<Record<string, number>>;
  /** Per witness, the largest checkpoint it cosigned in the export. */
  readonly witnessedUpTo: Readonly<Record<string, { treeSize: number; timestamp: Date }>>;
  /** Checkpoints from witnessed copies compared with the entries. */
  readonly witnessedChecked: number;
  /** The witnessed copies given: whose, how far, as of when (their signed statements). */
  readonly witnessedCopies: readonly { witness: string; treeSize: number; exportedAt: Date }[];
  /** Witness key names that had to have cosigned. */
  readonly requiredWitnesses: readonly string[];
  /** Whether the log's key was checked against pinned certificates (not only its CA). */
  readonly logKeyPinned: boolean;
  readonly latest?: Checkpoint;
  /** When the log's key signed the export (its statement). */
  readonly exportedAt?: Date;
  readonly signers: readonly AuditVerifySigner[];
  readonly ignored: readonly AuditVerifyIgnored[];
  readonly finding?: AuditVerifyFinding;
}

export interface AuditVerifyOptions extends AuditTrust {
  /** Peers' witnessed copies of this log (`mxg-audit-witnessed/2` files). */
  readonly witnessed?: readonly string[];
  /**
   * Witnesses that must have cosigned (`mxg.az/witness`), or how to find them from the log's
   * origin (e.g. its gateway's configured `witnesses`): each must have cosigned at least one
   * checkpoint, or the export is invalid (WITNESS_MISSING).
   */
  readonly requireWitnesses?: readonly string[] | ((origin: string) => readonly string[]);
  /** Called now and then with entries checked so far and the total the header announces. */
  onProgress?(done: number, total: number): void;
  /**
   * Worker threads that check entry lines (JSON, shape, leaf hash) while this thread keeps the
   * order, the tree and the signatures: 0 for none. Default: one per core for an export over
   * 16 MiB, when run from the compiled library. Each reads its own byte ranges of a regular
   * file; a pipe is read by this thread and passed on.
   */
  workers?: number;
  /** Bytes of the file per worker task (1 MiB); smaller only to test lines cut by ranges. */
  workerRangeBytes?: number;
}

const WORKERS_FROM_BYTES = 16 * 2 ** 20;

function defaultWorkers(path: string): number {
  if (!entryWorkersAvailable()) return 0;
  try {
    return statSync(path).size >= WORKERS_FROM_BYTES ? availableParallelism() : 0;
  } catch {
    return 0; // unreadable: reported by the reader
  }
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

/** A certificate line: which name it claims, and whether it may speak for it (why not). */
interface CertificateEntry {
  readonly keyName: string;
  readonly certificate: X509Certificate;
  readonly publicKey: KeyObject;
  readonly spki: Buffer;
  readonly sha256: string;
  readonly problem: string | undefined;
}

type Certificates = Map<string, CertificateEntry[]>;

/** What one note's signatures came to. */
interface NoteCheck {
  readonly body: string;
  /** The log's certificates whose signatures verified. */
  readonly logSigners: readonly CertificateEntry[];
  /** Witness name → the certificate whose cosignature verified. */
  readonly cosigners: ReadonlyMap<string, CertificateEntry>;
}

/**
 * Checks an `mxg-audit-export/2` file offline (issue 4, #10): every entry is in sequence and
 * matches the leaf the log stored; the tree recomputed from the entries has, at every
 * checkpoint, the root the log signed (that is every entry's inclusion proof); successive
 * checkpoints are consistent (RFC 9162 §2.1.4.2); every checkpoint is signed by an
 * audit-checkpoint key of the log's party (chaining to its CA, pinned when pins are given, valid
 * when it signed); the export ends with the log's signed statement, matching it; each required
 * witness cosigned; and every checkpoint a peer's witness countersigned in a witnessed copy
 * matches the entries too, which is how a log rewritten wholesale — even by someone holding its
 * key — is exposed. Stops at the first problem and names it.
 *
 * No verdict rests on unsigned data: the header is only a progress hint until the statement
 * confirms it, and signature lines by keys not trusted for their name are ignored and reported
 * (signed-note), never turning an invalid export into one that could not be checked.
 *
 * Returns a report; throws AuditError only when it cannot reach a verdict (unreadable file, no
 * CA given for the log's or a required witness's party, a witnessed copy that cannot be used —
 * the last only once the export itself has verified).
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
const WITNESS_NAME = /^mxg\.[a-z]{2}\/witness$/;

class ExportVerifier {
  private origin = '';
  private party = '';
  private announced = 0;
  private header: Record<string, unknown> = {};
  private line = 0;
  private digest: Hash = createHash('sha256');
  private readonly frontier = new MerkleFrontier();
  private readonly certificates: Certificates = new Map();
  private previous: Checkpoint | undefined;
  private checkpoints = 0;
  private statement: { note: string; line: number } | undefined;
  private exportedAt: Date | undefined;
  private required: readonly string[] = [];
  private readonly cosignatures: Record<string, number> = {};
  private readonly witnessedUpTo: Record<string, { treeSize: number; timestamp: Date }> = {};
  private readonly signers = new Map<string, { keyName: string; sha256: string; notes: number }>();
  private readonly ignored = new Map<string, AuditVerifyIgnored>();
  private witnessed: WitnessedHead[] = [];
  private readonly witnessedCopies: { witness: string; treeSize: number; exportedAt: Date }[] = [];
  private witnessedProblem: string | undefined;
  private nextWitnessed = 0;
  private witnessedChecked = 0;
  private lastWitnessedSize = 0;
  private started = false;

  constructor(private readonly options: AuditVerifyOptions) {}

  async run(path: string): Promise<void> {
    const workers = this.options.workers ?? defaultWorkers(path);
    if (workers > 0) {
      const checking = checkLinesInWorkers(path, workers, this.options.workerRangeBytes);
      for await (const checked of checking) await this.lines(checked);
    } else {
      for await (const batch of readLineBatches(path)) {
        for (const text of batch) await this.onLine(text);
      }
    }
    if (!this.started) this.fail(AuditProblem.Malformed, 'the export is empty');
    this.finish();
  }

  /** Lines checked by a worker: good entries as checked, the rest as if read here. */
  private async lines(checked: CheckedLines): Promise<void> {
    let other = 0;
    for (let i = 0; i < checked.kinds.length; i++) {
      const kind = checked.kinds[i];
      if (kind === LINE_ENTRY_OK) {
        // Never the first line (checkLines returns it as text), so the header came first.
        this.line++;
        if (this.statement !== undefined) {
          this.fail(AuditProblem.Malformed, 'a line follows the export statement');
        }
        this.appendEntry(
          checked.seqs[i],
          checked.hashes.subarray(i * HASH_SIZE, (i + 1) * HASH_SIZE),
        );
      } else if (kind === LINE_EMPTY) {
        this.line++;
      } else {
        await this.onLine(checked.texts[other++]);
      }
    }
  }

  private async onLine(text: string): Promise<void> {
    this.line++;
    if (text.length === 0) return;
    const line = this.parse(text);
    if (this.statement !== undefined) {
      this.fail(AuditProblem.Malformed, 'a line follows the export statement');
    }
    if (!this.started) {
      this.start(line, text);
      this.started = true;
      await this.loadWitnessed();
      return;
    }
    switch (line.kind) {
      case 'certificate':
        this.digest.update(`${text}\n`, 'utf8');
        this.certificate(line, this.certificates);
        break;
      case 'entry':
        this.entry(line, text);
        break;
      case 'checkpoint':
        this.digest.update(`${text}\n`, 'utf8');
        this.checkpoint(line);
        break;
      case 'statement':
        if (typeof line.note !== 'string') {
          this.fail(AuditProblem.Malformed, 'a statement line needs a note');
        }
        this.statement = { note: line.note, line: this.line };
        break;
      default:
        this.fail(AuditProblem.Malformed, `unknown line kind ${String(line.kind)}`);
    }
  }

  report(finding?: AuditVerifyFinding): AuditVerifyReport {
    return {
      valid: finding === undefined,
      origin: this.origin,
      entries: this.frontier.size,
      checkpoints: this.checkpoints,
      cosignatures: { ...this.cosignatures },
      witnessedUpTo: { ...this.witnessedUpTo },
      witnessedChecked: this.witnessedChecked,
      witnessedCopies: [...this.witnessedCopies],
      requiredWitnesses: this.required,
      logKeyPinned: this.party !== '' && pinnedCertificates(this.options, this.party) !== undefined,
      latest: this.previous,
      exportedAt: finding === undefined ? this.exportedAt : undefined,
      signers: [...this.signers.values()],
      ignored: [...this.ignored.values()],
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

  /** The header: which log, and what the verifier needs before the first entry. */
  private start(line: Record<string, unknown>, text: string): void {
    if (line.kind === 'header' && line.format === 'mxg-audit-export/1') {
      this.fail(
        AuditProblem.Malformed,
        'mxg-audit-export/1 carries no signed statement, so nothing shows it is whole: export the log again',
      );
    }
    this.header = this.headerOf(line, AUDIT_EXPORT_FORMAT);
    this.digest.update(`${text}\n`, 'utf8');
    this.origin = line.origin as string;
    this.party = partyOfKeyName(this.origin) ?? '';
    this.announced = typeof line.treeSize === 'number' ? line.treeSize : 0;
    if (!trustsParty(this.options, this.party)) {
      throw new AuditError(
        AuditErrorCode.CertificateUntrusted,
        `${this.origin}: no CA of ${this.party} given: its signatures cannot be checked`,
        { keyName: this.origin },
      );
    }
    const required = this.options.requireWitnesses;
    this.required = [
      ...new Set(typeof required === 'function' ? required(this.origin) : (required ?? [])),
    ];
    for (const name of this.required) {
      const party = partyOfKeyName(name);
      if (!WITNESS_NAME.test(name) || party === undefined || party === this.party) {
        throw new AuditError(
          AuditErrorCode.CertificateUntrusted,
          `${name} cannot witness ${this.origin}: a witness is another party's mxg.<party>/witness`,
          { keyName: name },
        );
      }
      if (!trustsParty(this.options, party)) {
        throw new AuditError(
          AuditErrorCode.CertificateUntrusted,
          `${name}: no CA of ${party} given: its cosignatures cannot be checked`,
          { keyName: name },
        );
      }
    }
  }

  private headerOf(
    line: Record<string, unknown>,
    format: AuditExportFormat,
  ): Record<string, unknown> {
    if (line.kind !== 'header' || line.format !== format) {
      this.fail(AuditProblem.Malformed, `the first line must be a ${format} header`);
    }
    const origin = line.origin;
    if (typeof origin !== 'string' || !/^mxg\.[a-z]{2}\/audit$/.test(origin)) {
      this.fail(AuditProblem.Malformed, 'the header names no MXG audit log');
    }
    return line;
  }

  private certificate(line: Record<string, unknown>, into: Certificates): void {
    if (typeof line.keyName !== 'string' || typeof line.pem !== 'string') {
      this.fail(AuditProblem.Malformed, 'a certificate line needs keyName and pem');
    }
    let certificate: X509Certificate;
    try {
      certificate = new X509Certificate(line.pem);
    } catch {
      return this.fail(AuditProblem.Malformed, `the certificate of ${line.keyName} is not X.509`);
    }
    const publicKey = certificate.publicKey;
    const entry: CertificateEntry = {
      keyName: line.keyName,
      certificate,
      publicKey,
      spki: publicKey.export({ type: 'spki', format: 'der' }),
      sha256: fingerprint(certificate),
      // Not trusting it is no verdict yet: the line is unsigned, only what it signs matters.
      problem: checkpointCertificateProblem(certificate, line.keyName, this.options),
    };
    const key = `${line.keyName} ${keyIdOf(entry.spki)}`;
    const same = into.get(key) ?? [];
    if (!same.some((c) => c.sha256 === entry.sha256)) into.set(key, [...same, entry]);
  }

  private entry(line: Record<string, unknown>, text: string): void {
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
    const leafHash =
      leafHashAsWritten(text, line.leafHash) ??
      auditLeafHashOfJson(line.entry as Record<string, unknown>, entry);
    this.checkSeq(entry.seq);
    if (leafHash.toString('base64') !== line.leafHash) {
      this.fail(
        AuditProblem.EntryAltered,
        `entry seq ${expected} does not match the leaf the log recorded for it: it was changed after it was logged`,
        { seq: expected },
      );
    }
    this.appendEntry(entry.seq, leafHash);
  }

  /** The entry at `seq` must be the next one. */
  private checkSeq(seq: number): void {
    const expected = this.frontier.size;
    if (seq < expected) {
      this.fail(
        AuditProblem.EntryOutOfOrder,
        `a second entry claims seq ${seq}: an entry was inserted or repeated`,
        { seq },
      );
    }
    if (seq !== expected) {
      this.fail(
        AuditProblem.EntryOutOfOrder,
        `entry seq ${expected} is missing or out of place: found seq ${seq} where seq ${expected} belongs (entries deleted, inserted or swapped)`,
        { seq: expected },
      );
    }
  }

  /** Appends an entry whose own checks passed: in order, into the tree, against witnesses. */
  private appendEntry(seq: number, leafHash: Uint8Array): void {
    this.checkSeq(seq);
    this.frontier.append(leafHash);
    const size = this.frontier.size;
    if (size % PROGRESS_EVERY === 0) this.options.onProgress?.(size, this.announced);
    while (this.witnessed[this.nextWitnessed]?.checkpoint.treeSize === size) {
      this.compareWitnessed(this.witnessed[this.nextWitnessed++]);
    }
  }

  private checkpoint(line: Record<string, unknown>): void {
    if (typeof line.note !== 'string') {
      this.fail(AuditProblem.Malformed, 'a checkpoint line needs a note');
    }
    const checkpoint = this.verifyCheckpointNote(line.note, this.certificates, true).checkpoint;
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

  /**
   * A checkpoint note: of this log, signed by one of its trusted audit keys; witnesses'
   * cosignatures checked and (for the export itself, `count`) counted.
   */
  private verifyCheckpointNote(
    note: string,
    certificates: Certificates,
    count: boolean,
  ): { checkpoint: Checkpoint; check: NoteCheck } {
    let checkpoint: Checkpoint;
    let signatures: readonly NoteSignature[];
    try {
      const parsed = parseSignedNote(note);
      signatures = parsed.signatures;
      checkpoint = parseCheckpoint(parsed.body);
    } catch (error) {
      return this.fail(AuditProblem.Malformed, `checkpoint: ${(error as Error).message}`);
    }
    const what = `checkpoint of size ${checkpoint.treeSize}`;
    const at = { treeSize: checkpoint.treeSize };
    if (checkpoint.origin !== this.origin) {
      this.fail(
        AuditProblem.SignatureInvalid,
        `${what} is of another log, ${checkpoint.origin}`,
        at,
      );
    }
    const body = note.slice(0, note.lastIndexOf('\n\n') + 1);
    const check = this.checkSignatures(
      body,
      signatures,
      certificates,
      checkpoint.timestamp,
      what,
      at,
    );
    if (count) {
      for (const signer of check.logSigners) this.countSigner(signer);
      for (const [witness, signer] of check.cosigners) {
        this.cosignatures[witness] = (this.cosignatures[witness] ?? 0) + 1;
        this.witnessedUpTo[witness] = {
          treeSize: checkpoint.treeSize,
          timestamp: checkpoint.timestamp,
        };
        this.countSigner(signer);
      }
    }
    return { checkpoint, check };
  }

  /**
   * Every signature line of a note, as signed-note has it: a line by a key trusted for its name
   * must verify (or the note is invalid); any other line is ignored, and reported. The note
   * must then carry at least one valid signature by a trusted audit key of the log's party.
   * A witness is another party: a cosignature by the log's own party or own key is no witness.
   */
  private checkSignatures(
    body: string,
    signatures: readonly NoteSignature[],
    certificates: Certificates,
    at: Date,
    what: string,
    where: { treeSize?: number } = {},
  ): NoteCheck {
    const logSigners: CertificateEntry[] = [];
    const cosigners = new Map<string, CertificateEntry>();
    const notTrusted: string[] = [];
    const pending: { s: NoteSignature; entry: CertificateEntry }[] = [];
    for (const s of signatures) {
      const role =
        s.keyName === this.origin ? 'log' : WITNESS_NAME.test(s.keyName) ? 'witness' : undefined;
      if (role === undefined) {
        this.ignore(s, 'neither this log nor a witness');
        continue;
      }
      if (role === 'witness' && partyOfKeyName(s.keyName) === this.party) {
        this.ignore(s, `${this.party}'s own key is not a witness of its log`);
        continue;
      }
      const candidates = certificates.get(`${s.keyName} ${s.keyId}`) ?? [];
      const trusted = candidates.filter((c) => c.problem === undefined);
      if (trusted.length === 0) {
        const reason = candidates[0]?.problem ?? 'no certificate for this key in the export';
        this.ignore(s, reason);
        if (role === 'log') notTrusted.push(`key ${s.keyId}: ${reason}`);
        continue;
      }
      const verified = trusted.find((c) => noteSignatureVerifies(body, s, c.publicKey));
      const label = role === 'log' ? 'signature' : 'cosignature';
      if (verified === undefined) {
        this.fail(
          AuditProblem.SignatureInvalid,
          `${what}: the ${label} by ${s.keyName} (key ${s.keyId}) is invalid`,
          where,
        );
      }
      const expired = validityProblem(verified.certificate, at);
      if (expired !== undefined) {
        this.fail(
          AuditProblem.SignatureInvalid,
          `${what}: the ${label} by ${s.keyName} (key ${s.keyId}) is invalid: ${expired}`,
          where,
        );
      }
      if (role === 'log') logSigners.push(verified);
      else pending.push({ s, entry: verified });
    }
    if (logSigners.length === 0) {
      this.fail(
        AuditProblem.SignatureInvalid,
        `${what} is not signed by an audit-checkpoint key of ${this.party}` +
          (notTrusted.length > 0 ? ` (${this.origin} ${notTrusted.join('; ')})` : ''),
        where,
      );
    }
    for (const { s, entry } of pending) {
      if (this.isLogKey(entry, certificates)) {
        this.ignore(s, "the log's own key is not its witness");
        continue;
      }
      cosigners.set(s.keyName, entry);
    }
    return { body, logSigners, cosigners };
  }

  /** Whether `entry`'s key is one the log signs with (in this file, or pinned for its party). */
  private isLogKey(entry: CertificateEntry, certificates: Certificates): boolean {
    for (const [key, list] of certificates) {
      if (key.startsWith(`${this.origin} `) && list.some((c) => c.spki.equals(entry.spki))) {
        return true;
      }
    }
    return (pinnedCertificates(this.options, this.party) ?? []).some((c) =>
      c.publicKey.export({ type: 'spki', format: 'der' }).equals(entry.spki),
    );
  }

  private countSigner(entry: CertificateEntry): void {
    const key = `${entry.keyName} ${entry.sha256}`;
    const known = this.signers.get(key) ?? {
      keyName: entry.keyName,
      sha256: entry.sha256,
      notes: 0,
    };
    known.notes++;
    this.signers.set(key, known);
  }

  private ignore(s: NoteSignature, reason: string): void {
    const key = `${s.keyName} ${s.keyId} ${reason}`;
    const seen = this.ignored.get(key);
    this.ignored.set(key, {
      keyName: s.keyName,
      keyId: s.keyId,
      reason,
      count: (seen?.count ?? 0) + 1,
    });
  }

  /**
   * The --witnessed copies, read before the entries so that each of their checkpoints is
   * compared with the tree when it reaches that size. A copy that cannot be used (unreadable,
   * of another log, not signed whole by its witness) is set aside and reported only if the
   * export itself verifies: it must never stand between an invalid export and its verdict.
   */
  private async loadWitnessed(): Promise<void> {
    const heads: WitnessedHead[] = [];
    const mainLine = this.line;
    const mainDigest = this.digest;
    for (const path of this.options.witnessed ?? []) {
      try {
        const copy = await this.readWitnessedCopy(path);
        heads.push(...copy.heads);
        this.witnessedCopies.push(copy.summary);
      } catch (error) {
        const message =
          error instanceof Invalid
            ? `${error.finding.message} (line ${error.finding.line})`
            : error instanceof Error
              ? error.message
              : String(error);
        this.witnessedProblem ??= `the witnessed copy ${path} cannot be used: ${message}`;
      }
    }
    this.line = mainLine;
    this.digest = mainDigest;
    if (this.witnessedProblem !== undefined) return;
    this.witnessed = heads
      .filter((h) => h.checkpoint.treeSize > 0)
      .sort((a, b) => a.checkpoint.treeSize - b.checkpoint.treeSize);
  }

  private async readWitnessedCopy(path: string): Promise<{
    heads: WitnessedHead[];
    summary: { witness: string; treeSize: number; exportedAt: Date };
  }> {
    const certificates: Certificates = new Map();
    const heads: WitnessedHead[] = [];
    let header: Record<string, unknown> | undefined;
    let witness = '';
    let statement: { note: string; line: number } | undefined;
    this.line = 0;
    this.digest = createHash('sha256');
    for await (const batch of readLineBatches(path)) {
      for (const text of batch) {
        this.line++;
        if (text.length === 0) continue;
        const line = this.parse(text);
        if (statement !== undefined)
          this.fail(AuditProblem.Malformed, 'a line follows the statement');
        if (header === undefined) {
          header = this.headerOf(line, AUDIT_WITNESSED_FORMAT);
          if (header.origin !== this.origin) {
            this.fail(
              AuditProblem.Malformed,
              `it witnesses ${String(header.origin)}, not ${this.origin}`,
            );
          }
          witness = typeof header.witness === 'string' ? header.witness : '';
          const party = partyOfKeyName(witness);
          if (!WITNESS_NAME.test(witness) || party === undefined || party === this.party) {
            this.fail(
              AuditProblem.Malformed,
              `${witness || 'its header'} names no witness of ${this.origin}`,
            );
          }
          if (!trustsParty(this.options, party)) {
            this.fail(AuditProblem.Malformed, `no CA of ${party} given to check ${witness}`);
          }
          this.digest.update(`${text}\n`, 'utf8');
        } else if (line.kind === 'certificate') {
          this.digest.update(`${text}\n`, 'utf8');
          this.certificate(line, certificates);
        } else if (line.kind === 'checkpoint' && typeof line.note === 'string') {
          this.digest.update(`${text}\n`, 'utf8');
          const { checkpoint, check } = this.verifyCheckpointNote(line.note, certificates, false);
          if (!check.cosigners.has(witness)) {
            this.fail(
              AuditProblem.SignatureInvalid,
              `the checkpoint of size ${checkpoint.treeSize} is not cosigned by ${witness}`,
            );
          }
          heads.push({ checkpoint, witness });
        } else if (line.kind === 'statement' && typeof line.note === 'string') {
          statement = { note: line.note, line: this.line };
        } else {
          this.fail(AuditProblem.Malformed, `unexpected line kind ${String(line.kind)}`);
        }
      }
    }
    if (header === undefined) this.fail(AuditProblem.Malformed, 'it is empty');
    const latest = heads.reduce<Checkpoint | undefined>(
      (a, h) => (a === undefined || h.checkpoint.treeSize > a.treeSize ? h.checkpoint : a),
      undefined,
    );
    const signed = this.checkStatement(
      statement,
      header,
      AUDIT_WITNESSED_FORMAT,
      witness,
      certificates,
      {
        treeSize: latest?.treeSize ?? 0,
        rootHash: latest?.rootHash ?? emptyRootHash(),
        checkpoints: heads.length,
      },
    );
    return {
      heads,
      summary: { witness, treeSize: signed.treeSize, exportedAt: signed.exportedAt },
    };
  }

  /**
   * The statement that ends a file: signed by `signerName` (the log, or the witness of a copy)
   * under a trusted key valid when it signed, and agreeing with what the file held.
   */
  private checkStatement(
    statement: { note: string; line: number } | undefined,
    header: Record<string, unknown>,
    format: AuditExportFormat,
    signerName: string,
    certificates: Certificates,
    held: { treeSize: number; rootHash: Buffer; checkpoints: number },
  ): ExportStatement {
    if (statement === undefined) {
      this.fail(
        AuditProblem.ExportTruncated,
        `the file ends without the statement signed by ${signerName}: it was cut short or put together by hand`,
      );
    }
    this.line = statement.line;
    let parsed: ExportStatement;
    let signatures: readonly NoteSignature[];
    try {
      const note = parseSignedNote(statement.note);
      signatures = note.signatures;
      parsed = parseExportStatement(note.body);
    } catch (error) {
      return this.fail(AuditProblem.Malformed, `statement: ${(error as Error).message}`);
    }
    const body = statement.note.slice(0, statement.note.lastIndexOf('\n\n') + 1);
    let signer: CertificateEntry | undefined;
    for (const s of signatures) {
      const trusted = (certificates.get(`${s.keyName} ${s.keyId}`) ?? []).filter(
        (c) => s.keyName === signerName && c.problem === undefined,
      );
      if (trusted.length === 0) {
        this.ignore(
          s,
          s.keyName === signerName
            ? 'no trusted certificate for this key'
            : 'not the signer of this file',
        );
        continue;
      }
      const verified = trusted.find((c) => noteSignatureVerifies(body, s, c.publicKey));
      if (
        verified === undefined ||
        validityProblem(verified.certificate, parsed.exportedAt) !== undefined
      ) {
        this.fail(
          AuditProblem.SignatureInvalid,
          `the statement's signature by ${signerName} is invalid`,
        );
      }
      signer = verified;
    }
    if (signer === undefined) {
      this.fail(
        AuditProblem.SignatureInvalid,
        `the statement is not signed by an audit-checkpoint key of ${partyOfKeyName(signerName) ?? signerName}`,
      );
    }
    const mismatches = [
      parsed.format !== format && `it is for ${parsed.format}`,
      parsed.origin !== this.origin && `it is of ${parsed.origin}`,
      parsed.treeSize !== held.treeSize &&
        `it covers ${parsed.treeSize} entries, the file's last checkpoint ${held.treeSize}`,
      !parsed.rootHash.equals(held.rootHash) && `its root is not the last checkpoint's`,
      parsed.checkpoints !== held.checkpoints &&
        `it counts ${parsed.checkpoints} checkpoints, the file holds ${held.checkpoints}`,
      !parsed.linesDigest.equals(this.digest.digest()) &&
        'the header, certificate and checkpoint lines are not those it signed (lines added, dropped or changed)',
      (header.treeSize !== parsed.treeSize ||
        header.checkpoints !== parsed.checkpoints ||
        header.exportedAt !== parsed.exportedAt.toISOString()) &&
        'the header does not say what it signed',
    ].filter((m): m is string => typeof m === 'string');
    if (mismatches.length > 0) {
      this.fail(
        AuditProblem.StatementMismatch,
        `the signed statement does not match: ${mismatches.join('; ')}`,
        {
          treeSize: held.treeSize,
        },
      );
    }
    if (format === AUDIT_EXPORT_FORMAT) this.countSigner(signer);
    return parsed;
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
    const last = this.previous;
    if (size > (last?.treeSize ?? 0)) {
      this.fail(
        AuditProblem.EntryNotCheckpointed,
        `entry seq ${last?.treeSize ?? 0} is not covered by any signed checkpoint`,
        { seq: last?.treeSize ?? 0 },
      );
    }
    const endLine = this.line;
    const signed = this.checkStatement(
      this.statement,
      this.header,
      AUDIT_EXPORT_FORMAT,
      this.origin,
      this.certificates,
      {
        treeSize: last?.treeSize ?? 0,
        rootHash: last?.rootHash ?? emptyRootHash(),
        checkpoints: this.checkpoints,
      },
    );
    this.exportedAt = signed.exportedAt;
    this.line = endLine;
    const beyond = this.witnessed[this.nextWitnessed];
    if (beyond !== undefined) {
      this.fail(
        AuditProblem.LogTruncated,
        `${beyond.witness} countersigned a checkpoint of size ${beyond.checkpoint.treeSize} at ${beyond.checkpoint.timestamp.toISOString()}, but the export ends at ${size}: the log was truncated or rewritten`,
        { treeSize: beyond.checkpoint.treeSize },
      );
    }
    for (const witness of this.required) {
      if ((this.cosignatures[witness] ?? 0) === 0) {
        this.fail(
          AuditProblem.WitnessMissing,
          `${witness} must witness ${this.origin} but cosigned none of its ${this.checkpoints} checkpoints: nothing shows this history is the one the witness saw`,
        );
      }
    }
    this.options.onProgress?.(size, this.announced);
    if (this.witnessedProblem !== undefined) {
      throw new AuditError(AuditErrorCode.ExportUnreadable, this.witnessedProblem);
    }
  }

  private fail(
    problem: AuditProblem,
    message: string,
    at: { seq?: number; treeSize?: number } = {},
  ): never {
    throw new Invalid({ problem, message, line: this.line, ...at });
  }
}

/** signed-note's key ID for a certificate's key: SHA-256(SPKI DER)[:4], hex. */
function keyIdOf(spki: Buffer): string {
  return createHash('sha256').update(spki).digest().subarray(0, 4).toString('hex');
}
