/**
 * `mxg-audit-export/2`: JSON Lines, one object per line, in this order —
 *
 *   {"kind":"header","format":"mxg-audit-export/2","origin":"mxg.kz/audit","treeSize":N,…}
 *   {"kind":"certificate","keyName":"mxg.kz/audit","pem":"…"}      every audit certificate that
 *                                                                    signed or cosigned below
 *   {"kind":"entry","leafHash":"<base64>","entry":{…}}               seq 0, 1, … N-1
 *   {"kind":"checkpoint","note":"…","consistency":{"fromSize":m,"proof":[…]}}
 *   {"kind":"statement","note":"…"}                                  last: the signed statement
 *
 * Each checkpoint line follows the last entry it covers; its note carries the log's signature
 * and every witness's cosignature, and its consistency proof (RFC 9162 §2.1.4) links it to the
 * previous checkpoint line. An entry's inclusion is proven by recomputing the tree: the root
 * after entry n-1 must be the root the log signed for size n. (Per-entry audit paths would add
 * ~log2(N) hashes per line — 1 GB for a million entries — and prove nothing more.) Each entry
 * carries the leaf hash the log stored when it sequenced it, so an entry changed later is named
 * precisely rather than only located between two checkpoints.
 *
 * The header is not signed, so nothing is concluded from it: the statement (export-statement.ts)
 * is, by the log's audit key, and binds the origin, size, root and number of checkpoints, the
 * export time, and the digest of every line but the entries (which the root binds). An export cut
 * short, or with a line added, dropped or changed, no longer matches it (#10.3).
 *
 * `mxg-audit-witnessed/2` is a witness's copy of a peer's log: header, certificates, the
 * checkpoint lines it countersigned (without entries), and a statement signed by the witness.
 *
 * Version 1 had no statement; its exports are refused, since nothing in them shows they are whole.
 */
export const AUDIT_EXPORT_FORMAT = 'mxg-audit-export/2';
export const AUDIT_WITNESSED_FORMAT = 'mxg-audit-witnessed/2';

export type AuditExportFormat = typeof AUDIT_EXPORT_FORMAT | typeof AUDIT_WITNESSED_FORMAT;

export interface ExportHeaderLine {
  readonly kind: 'header';
  readonly format: AuditExportFormat;
  readonly origin: string;
  readonly treeSize: number;
  readonly checkpoints: number;
  readonly exportedAt: string;
  /** For a witnessed copy: the witness that countersigned. */
  readonly witness?: string;
}

export interface ExportCertificateLine {
  readonly kind: 'certificate';
  readonly keyName: string;
  readonly pem: string;
}

export interface ExportEntryLine {
  readonly kind: 'entry';
  readonly leafHash: string;
  readonly entry: Record<string, unknown>;
}

export interface ExportCheckpointLine {
  readonly kind: 'checkpoint';
  readonly note: string;
  readonly consistency?: { readonly fromSize: number; readonly proof: readonly string[] };
}

export interface ExportStatementLine {
  readonly kind: 'statement';
  readonly note: string;
}

export type ExportLine =
  | ExportHeaderLine
  | ExportCertificateLine
  | ExportEntryLine
  | ExportCheckpointLine
  | ExportStatementLine;
