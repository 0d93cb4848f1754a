import type { X509Certificate } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import type { AuditEventInput } from '@mxg/audit';
import { MxgConfigService } from '@mxg/config';
import type { SqlClient } from '@mxg/database';
import type { MessageHeader } from '@mxg/envelope';
import type { SignatoryListRefusal } from './signatories.errors';
import { SIGNATORY_DIRECTORY } from './signatories.constants';
import {
  certificateSha256,
  SIGNATORY_LIST_UPDATE,
  type SignatoryListUpdateBody,
  signatoryListRefusal,
  signatoryListVersion,
} from './signatory-list-update';
import type { SignatoryListVersion } from './signatory-list.types';
import { SignatoryListStore } from './signatory-list.store';
import type { StoredSignatoryDirectory } from './stored-signatory-directory';

/**
 * MIG-9.3, MIG-9.4: signatory lists exchanged as signed messages. A `signatory-list-update` is
 * checked (after its signature: signed by someone on the list in force when it was signed), its
 * version stored in the transaction that stores its message — with `signatories.changed` on the
 * record — and applied to the directory from its effective date. The receiving gateway does so
 * for the peer's list; the sending gateway for its own authority's, when it is submitted.
 */
@Injectable()
export class SignatoryLists {
  constructor(
    private readonly config: MxgConfigService,
    @Inject(SIGNATORY_DIRECTORY) private readonly directory: StoredSignatoryDirectory,
    private readonly store: SignatoryListStore,
  ) {}

  isUpdate(header: Pick<MessageHeader, 'type'>): boolean {
    return header.type === SIGNATORY_LIST_UPDATE;
  }

  /**
   * Why a list update cannot hold (`signatoryListRefusal`), `null` when it holds or is not a list
   * update. `anchors`: the trust anchors of the sending party.
   */
  async refusal(
    header: MessageHeader,
    body: Readonly<Record<string, unknown>>,
    signedAt: Date,
    anchors: readonly X509Certificate[],
  ): Promise<SignatoryListRefusal | null> {
    if (!this.isUpdate(header)) return null;
    const list = body as unknown as SignatoryListUpdateBody;
    return signatoryListRefusal({
      header,
      body: list,
      signedAt,
      anchors,
      timeZone: this.config.treaty.authorityTimeZone(header.from.authority),
      held: this.directory.history(list.authority),
    });
  }

  /** The version a checked list update states, as it is stored and applied. */
  version(
    header: MessageHeader,
    body: Readonly<Record<string, unknown>>,
    signedAt: Date,
    direction: 'sent' | 'received',
    now: Date,
  ): SignatoryListVersion {
    const list = body as unknown as SignatoryListUpdateBody;
    return signatoryListVersion(header, list, signedAt, direction, now);
  }

  /**
   * `signatories.changed`, with ids, dates, digests and certificate fingerprints only — never a
   * person's name (MIG-11.1).
   */
  audit(version: SignatoryListVersion, base: Omit<AuditEventInput, 'type'>): AuditEventInput {
    return {
      ...base,
      type: 'signatories.changed',
      details: {
        authority: version.authority,
        version: version.version,
        effectiveFrom: version.effectiveFrom,
        listSha256: version.listSha256,
        direction: version.direction,
        signatories: version.signatories.map((s) => s.id),
        certificates: version.signatories.flatMap((s) =>
          s.certificates.map((c) => `${s.id}:${certificateSha256(c)}`),
        ),
      },
    };
  }

  /** Stores the version, in the caller's transaction (the one storing its message). */
  record(db: SqlClient, version: SignatoryListVersion): Promise<void> {
    return this.store.insert(db, version);
  }

  /** Applies a stored version to the directory, from its effective date (MIG-9.4). */
  apply(version: SignatoryListVersion): void {
    this.directory.add(version);
  }
}
