import { Injectable } from '@nestjs/common';
import { AuditAppender } from '@mxg/audit';
import { MxgConfigService } from '@mxg/config';
import type { AuthenticatedClient } from '../auth/auth.types';
import { validationFailed } from './exchange.errors';
import type { MessageRecord } from './exchange.types';
import { messageAuditContext, publisherActor } from './message-audit-context';

/** The header in which a national system may state the purpose of its read (MIG-11.2). */
export const PURPOSE_HEADER = 'MXG-Purpose';

/** Which content a read returned: the decoded body, or the signed original. */
export type PersonalDataView = 'body' | 'signed';

/**
 * MIG-11.4: every read of a message's content through the API is itself on the audit record —
 * who (client, role, authority), when, which message, for which purpose: the purpose the message
 * is bound to, and the one the national system states in `MXG-Purpose`, if it does. A stated
 * purpose other than the bound one is recorded as such, not refused: whether another use is
 * allowed is the consent registry's question, asked at the disclosure endpoint. The entry is
 * written before the content is returned; if it cannot be written, nothing is returned.
 */
@Injectable()
export class PersonalDataReads {
  constructor(
    private readonly config: MxgConfigService,
    private readonly audit: AuditAppender,
  ) {}

  /**
   * Appends the read's `data.accessed` entry and resolves once it is committed. `statedPurpose`
   * is the `MXG-Purpose` header as sent: a value that is not a purpose code is refused
   * (VALIDATION_FAILED), and the refusal is audited too.
   */
  async record(
    client: AuthenticatedClient,
    message: MessageRecord,
    read: { view: PersonalDataView; boundPurpose: string | null; statedPurpose?: string },
  ): Promise<void> {
    const context = messageAuditContext(message, publisherActor(client));
    const stated = read.statedPurpose ?? null;
    if (stated !== null && !this.config.vocabulary.purposes.some((p) => p.code === stated)) {
      await this.audit.append({
        ...context,
        type: 'data.accessed',
        outcome: 'failure',
        errorCode: 'VALIDATION_FAILED',
        details: { view: read.view, purpose: read.boundPurpose },
      });
      throw validationFailed([
        {
          field: PURPOSE_HEADER,
          rule: 'code',
          message: 'must be a purpose code of config/vocabularies.yaml',
          treaty: 'MIG-11.2',
        },
      ]);
    }
    await this.audit.append({
      ...context,
      type: 'data.accessed',
      details: {
        view: read.view,
        purpose: read.boundPurpose,
        statedPurpose: stated,
        // null: none stated; false: another purpose than the bound one (MIG-11.2).
        purposeMatches: stated === null ? null : stated === read.boundPurpose,
      },
    });
  }
}
