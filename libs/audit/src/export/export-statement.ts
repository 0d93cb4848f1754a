import type { NoteSigner } from '../checkpoint/note-signer';
import { AuditError, AuditErrorCode } from '../audit-error';
import { addNoteSignature } from '../checkpoint/checkpoint-signature';
import { HASH_SIZE } from '../merkle/rfc6962-hash';
import {
  AUDIT_EXPORT_FORMAT,
  AUDIT_WITNESSED_FORMAT,
  type AuditExportFormat,
} from './audit-export-format';

/**
 * What the key that wrote an export signs at its end (#10.3): which log, how far (size and
 * root of the last checkpoint in it), how many checkpoints, when, and the SHA-256 of its lines
 * other than the entries — header, certificates, checkpoints, in order, each with its newline.
 * The entries are bound by the root.
 */
export interface ExportStatement {
  readonly format: AuditExportFormat;
  readonly origin: string;
  readonly treeSize: number;
  readonly rootHash: Buffer;
  readonly checkpoints: number;
  readonly exportedAt: Date;
  readonly linesDigest: Buffer;
}

// Seven lines, the first the format: a checkpoint has four and starts with its origin, so no
// signature over one can be taken for a signature over the other (the same key signs both).
const LINES: readonly [string, RegExp][] = [
  ['origin', /^[\x21-\x2a\x2c-\x7e]{1,255}$/],
  ['size', /^(0|[1-9][0-9]{0,15})$/],
  ['root', /^[A-Za-z0-9+/]{43}=$/],
  ['checkpoints', /^(0|[1-9][0-9]{0,15})$/],
  ['exported', /^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}\.[0-9]{3}Z$/],
  ['lines', /^[A-Za-z0-9+/]{43}=$/],
];

export function formatExportStatement(s: ExportStatement): string {
  if (s.rootHash.length !== HASH_SIZE || s.linesDigest.length !== HASH_SIZE) {
    malformed(`hashes must be ${HASH_SIZE} bytes`);
  }
  const text =
    `${s.format}\n` +
    `origin ${s.origin}\n` +
    `size ${s.treeSize}\n` +
    `root ${s.rootHash.toString('base64')}\n` +
    `checkpoints ${s.checkpoints}\n` +
    `exported ${s.exportedAt.toISOString()}\n` +
    `lines ${s.linesDigest.toString('base64')}\n`;
  parseExportStatement(text); // only ever sign what the verifier will read back the same
  return text;
}

/** Strict inverse of `formatExportStatement`. */
export function parseExportStatement(body: string): ExportStatement {
  if (!body.endsWith('\n')) malformed('statement must end with a newline');
  const [format, ...rest] = body.slice(0, -1).split('\n');
  if (format !== AUDIT_EXPORT_FORMAT && format !== AUDIT_WITNESSED_FORMAT) {
    malformed('not an MXG export statement');
  }
  if (rest.length !== LINES.length) malformed(`expected ${LINES.length + 1} lines`);
  const values = rest.map((line, i) => {
    const [name, pattern] = LINES[i];
    const value = line.startsWith(`${name} `) ? line.slice(name.length + 1) : '';
    if (!pattern.test(value)) malformed(`line ${i + 2} must be "${name} <value>"`);
    return value;
  });
  const [origin, size, root, checkpoints, exported, lines] = values;
  const exportedAt = new Date(exported);
  const rootHash = Buffer.from(root, 'base64');
  const linesDigest = Buffer.from(lines, 'base64');
  if (
    Number.isNaN(exportedAt.getTime()) ||
    exportedAt.toISOString() !== exported ||
    rootHash.toString('base64') !== root ||
    linesDigest.toString('base64') !== lines ||
    !Number.isSafeInteger(Number(size)) ||
    !Number.isSafeInteger(Number(checkpoints))
  ) {
    malformed('statement values are not canonical');
  }
  return {
    format,
    origin,
    treeSize: Number(size),
    rootHash,
    checkpoints: Number(checkpoints),
    exportedAt,
    linesDigest,
  };
}

/** The statement as a signed note, by `keyName` (the log's origin, or the witness's name). */
export function signExportStatement(
  statement: ExportStatement,
  signer: NoteSigner,
  keyName: string,
): Promise<string> {
  return addNoteSignature(
    { body: formatExportStatement(statement), signatures: [] },
    signer,
    keyName,
  );
}

function malformed(message: string): never {
  throw new AuditError(AuditErrorCode.ExportUnreadable, `export statement: ${message}`);
}
