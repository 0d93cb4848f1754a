import { queryRows, type SqlClient } from '@mxg/database';

/** A witness's latest countersignature of our log, with the certificate it signed under. */
export interface StoredCosignature {
  readonly witness: string;
  readonly treeSize: number;
  readonly note: string;
  readonly certificatePem: string;
  readonly receivedAt: Date;
}

/** Each witness's countersignature of the largest checkpoint it cosigned. */
export async function latestCosignatures(db: SqlClient): Promise<StoredCosignature[]> {
  const rows = await queryRows<{
    witness: string;
    tree_size: string;
    note: string;
    pem: string;
    received_at: Date;
  }>(
    db,
    `SELECT DISTINCT ON (w.witness) w.witness, w.tree_size, w.note, c.pem, w.received_at
       FROM audit_witness_signatures w JOIN audit_certificates c ON c.sha256 = w.certificate
      ORDER BY w.witness, w.tree_size DESC`,
  );
  return rows.map((r) => ({
    witness: r.witness,
    treeSize: Number(r.tree_size),
    note: r.note,
    certificatePem: r.pem,
    receivedAt: r.received_at,
  }));
}

/** The PEM of the certificate with this SHA-256, as the log stored it. */
export async function certificatePem(db: SqlClient, sha256: Buffer): Promise<string | undefined> {
  const rows = await queryRows<{ pem: string }>(
    db,
    `SELECT pem FROM audit_certificates WHERE sha256 = $1`,
    [sha256],
  );
  return rows[0]?.pem;
}
