import { rmSync } from 'node:fs';
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { AuditExportSummary } from '@mxg/audit';
import { MxgError } from '@mxg/core';
import { gatewayGet, GatewayApiError, type GatewayApiOptions } from './gateway-api';
import { openOutputStream, STDIO } from './std-io';

/** The gateway's export of its own log (GET /v1/audit/export, issue 17): auditors only. */
export const AUDIT_EXPORT_PATH = '/v1/audit/export';

/**
 * `mxg audit export --api`: streams the gateway's signed export to `out` as it arrives — the
 * same document `--gateway` writes from the database, for `mxg audit verify` to check — as an
 * auditor, with no database credentials. A file cut short is removed: nobody should mistake it
 * for the export (`mxg audit verify` would refuse it anyway: the signed statement ends it).
 */
export async function fetchAuditExport(
  options: GatewayApiOptions,
  out: string,
): Promise<AuditExportSummary> {
  let response;
  try {
    response = await gatewayGet(options, AUDIT_EXPORT_PATH);
  } catch (error) {
    if (error instanceof GatewayApiError && error.code === 'AUTH_FORBIDDEN') {
      throw new GatewayApiError(
        error.code,
        `${error.message.slice(error.code.length + 2)} — exporting the audit log takes a client with the auditor role`,
        error.details,
      );
    }
    throw error;
  }
  const header = new HeaderReader();
  try {
    await pipeline(response, header, openOutputStream(out));
  } catch (error) {
    if (out !== STDIO) rmSync(out, { force: true });
    throw new MxgError(
      'AUDIT_EXPORT_INCOMPLETE',
      `the export from ${options.api} was cut short (${error instanceof Error ? error.message : String(error)}); nothing kept`,
    );
  }
  return header.summary();
}

/** Passes the export through, reading the counts its first line announces. */
class HeaderReader extends Transform {
  private first = '';
  private done = false;

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: () => void): void {
    if (!this.done) {
      const text = chunk.toString('utf8');
      const end = text.indexOf('\n');
      this.first += end === -1 ? text : text.slice(0, end);
      this.done = end !== -1;
    }
    this.push(chunk);
    callback();
  }

  summary(): AuditExportSummary {
    try {
      const line = JSON.parse(this.first) as {
        kind?: unknown;
        treeSize?: unknown;
        checkpoints?: unknown;
      };
      if (
        line.kind === 'header' &&
        typeof line.treeSize === 'number' &&
        typeof line.checkpoints === 'number'
      ) {
        return { treeSize: line.treeSize, checkpoints: line.checkpoints };
      }
    } catch {
      // said below
    }
    throw new MxgError(
      'AUDIT_EXPORT_INCOMPLETE',
      'the gateway answered something other than an audit export',
    );
  }
}
