/**
 * `mxg-audit-export/1`: JSON Lines, one object per line, in this order —
 *
 *   {"kind":"header","format":"mxg-audit-export/1","origin":"mxg.kz/audit","treeSize":N,…}
 *   {"kind":"certificate","keyName":"mxg.kz/audit","pem":"…"}      the log's and witnesses' certs
 *   {"kind":"entry","leafHash":"<base64>","entry":{…}}               seq 0, 1, … N-1
 *   {"kind":"checkpoint","note":"…","consistency":{"fromSize":m,"proof":[…]}}
 *
 * Each checkpoint line follows the last entry it covers; its note carries the log's signature
 * and every witness's cosignature, and its consistency proof (RFC 9162 §2.1.4) links it to the
 * previous checkpoint line. An entry's inclusion is proven by recomputing the tree: the root
 * after entry n-1 must be the root the log signed for size n. (Per-entry audit paths would add
 * ~log2(N) hashes per line — 1 GB for a million entries — and prove nothing more.) Each entry
 * carries the leaf hash the log stored when it sequenced it, so an entry changed later is named
 * precisely rather than only located between two checkpoints.
 *
 * `mxg-audit-witnessed/1` is a witness's copy of a peer's log: header, certificates and the
 * checkpoint lines it countersigned, without entries.
 */
export const AUDIT_EXPORT_FORMAT = 'mxg-audit-export/1';
export const AUDIT_WITNESSED_FORMAT = 'mxg-audit-witnessed/1';

export interface ExportHeaderLine {
  readonly kind: 'header';
  readonly format: typeof AUDIT_EXPORT_FORMAT | typeof AUDIT_WITNESSED_FORMAT;
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

export type ExportLine =
  ExportHeaderLine | ExportCertificateLine | ExportEntryLine | ExportCheckpointLine;
