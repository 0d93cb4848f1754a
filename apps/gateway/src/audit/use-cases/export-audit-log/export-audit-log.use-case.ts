import { PassThrough, type Readable } from 'node:stream';
import { once } from 'node:events';
import { Inject, Injectable, Logger } from '@nestjs/common';
import { Client } from 'pg';
import { MxgConfigService } from '@mxg/config';
import { Clock, MxgError } from '@mxg/core';
import { postgresClientConfig } from '@mxg/database';
import { AuditAppender, auditExportedEvent, exportAuditLog } from '@mxg/audit';
import type { AuthenticatedClient } from '../../../auth/auth.types';
import { AUDIT_KEYS } from '../../audit.constants';
import type { AuditKeys } from '../../audit-keys';

/** The code an export cut short is audited with (the client went away, the database failed). */
export const EXPORT_FAILED = 'AUDIT_EXPORT_FAILED';

/**
 * `GET /v1/audit/export` (issue 17): the signed export of this gateway's log — the same document
 * `mxg audit export` writes from the database (`exportAuditLog`), so `mxg audit verify` checks
 * it — streamed to an auditor, who needs no database credentials. The export is audited
 * (issue 4) before its last byte is sent, so an auditor holding the whole export can find it on
 * the record; one cut short is audited as a failure.
 */
@Injectable()
export class ExportAuditLog {
  private readonly logger = new Logger('AuditExport');

  constructor(
    private readonly config: MxgConfigService,
    private readonly clock: Clock,
    private readonly appender: AuditAppender,
    @Inject(AUDIT_KEYS) private readonly keys: AuditKeys,
  ) {}

  /**
   * Opens the export's own connection (a snapshot needs one; a failure here is an ordinary
   * error answer) and returns the stream of its JSON Lines, written as the client reads them.
   */
  async start(client: AuthenticatedClient): Promise<Readable> {
    const session = new Client(
      postgresClientConfig(this.config.databaseUrl, {
        application_name: `mxg-audit-export-${this.config.gateway.id}`,
      }),
    );
    session.on('error', (error) => this.logger.warn(`export connection: ${error.message}`));
    await session.connect();
    // The writer ends `lines`; the answer ends only once the export is on the record.
    const lines = new PassThrough();
    const answer = new PassThrough();
    lines.pipe(answer, { end: false });
    answer.once('close', () => {
      if (!answer.writableEnded) lines.destroy(new Error('the client closed the connection'));
    });
    void this.run(session, lines, answer, client);
    return answer;
  }

  private async run(
    session: Client,
    lines: PassThrough,
    answer: PassThrough,
    client: AuthenticatedClient,
  ): Promise<void> {
    const actor = { authority: client.authority, role: 'auditor', user: client.id };
    try {
      const summary = await exportAuditLog(session, lines, {
        party: this.config.gateway.party,
        signer: this.keys.signer,
        certificatePem: this.keys.certificatePem,
        clock: this.clock,
      });
      if (!lines.readableEnded) await once(lines, 'end');
      await this.appender.append(auditExportedEvent(actor, summary));
      answer.end();
    } catch (error) {
      const code = error instanceof MxgError ? error.code : EXPORT_FAILED;
      this.logger.warn(`audit export for ${client.id} cut short: ${code}`);
      answer.destroy(error instanceof Error ? error : new Error(String(error)));
      await this.appender
        .append({ type: 'audit.exported', actor, outcome: 'failure', errorCode: code })
        .catch((e: unknown) => this.logger.error(`audit export not audited: ${String(e)}`));
    } finally {
      await session.end().catch(() => undefined);
    }
  }
}
