import { X509Certificate } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { Names } from '@mxg/config';
import { queryRows, type SqlClient } from '@mxg/database';
import type { SignatoryListVersion } from './signatory-list.types';

interface VersionRow {
  message_id: string;
  authority: string;
  to_authority: string;
  direction: 'sent' | 'received';
  version: number;
  effective_from: string;
  list_sha256: string;
  signatories: { id: string; position: Names; certificates: string[] }[];
  signed_at: Date;
  applied_at: Date;
}

const toVersion = (r: VersionRow): SignatoryListVersion => ({
  authority: r.authority,
  version: r.version,
  effectiveFrom: r.effective_from,
  listSha256: r.list_sha256,
  signatories: r.signatories.map((s) => ({
    id: s.id,
    position: s.position,
    certificates: s.certificates.map((c) => new X509Certificate(Buffer.from(c, 'base64'))),
  })),
  messageId: r.message_id,
  direction: r.direction,
  toAuthority: r.to_authority,
  signedAt: r.signed_at,
  appliedAt: r.applied_at,
});

/**
 * The history of signatory lists (MIG-9.3, MIG-9.4): one append-only row per version applied,
 * written in the transaction that stores the message carrying it. Effective dates are read as
 * text: a calendar day of the authority, never an instant.
 */
@Injectable()
export class SignatoryListStore {
  constructor(private readonly dataSource: DataSource) {}

  async all(db: SqlClient = this.dataSource): Promise<SignatoryListVersion[]> {
    const rows = await queryRows<VersionRow>(
      db,
      `SELECT message_id, authority, to_authority, direction, version,
              effective_from::text AS effective_from, list_sha256, signatories, signed_at, applied_at
         FROM signatory_list_versions
        ORDER BY authority, version, applied_at`,
    );
    return rows.map(toVersion);
  }

  async insert(db: SqlClient, v: SignatoryListVersion): Promise<void> {
    await db.query(
      `INSERT INTO signatory_list_versions
         (message_id, authority, to_authority, direction, version, effective_from, list_sha256,
          signatories, signed_at, applied_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8::jsonb, $9, $10)`,
      [
        v.messageId,
        v.authority,
        v.toAuthority,
        v.direction,
        v.version,
        v.effectiveFrom,
        v.listSha256,
        JSON.stringify(
          v.signatories.map((s) => ({
            id: s.id,
            position: s.position,
            certificates: s.certificates.map((c) => c.raw.toString('base64')),
          })),
        ),
        v.signedAt,
        v.appliedAt,
      ],
    );
  }
}
