import { createHash, randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { type AuditActor, AuditAppender } from '@mxg/audit';
import { MxgConfigService } from '@mxg/config';
import { Clock, MxgError } from '@mxg/core';
import { RateCsvError, type RateRow, RateTable, sameAmount } from '@mxg/settlements';
import type { AuthenticatedClient } from '../../../auth/auth.types';
import { RatesError } from '../../rates.errors';
import { type RateImportRecord, RateStore } from '../../rate.store';

/** What an import did: how many rows were new, changed or already there. */
export interface RateImportResult extends RateImportRecord {
  readonly unchanged: number;
}

const rowKey = (r: RateRow) => `${r.currency}\u0000${r.date}`;

/**
 * RET-3.7: imports one national bank's official rate table (CSV, `examples/ret/rates-nbk.csv`).
 * The whole file is checked first and refused whole with every problem and its line
 * (RATES_INVALID). Rows are keyed by (bank, currency, date): importing the same file again
 * changes nothing (idempotent); a corrected rate replaces the one imported before. Every import
 * and every refusal is audited (`rates.imported`, with the file's SHA-256 — rates are no
 * personal data, but the digest says exactly which file it was).
 */
@Injectable()
export class ImportRates {
  constructor(
    private readonly config: MxgConfigService,
    private readonly clock: Clock,
    private readonly store: RateStore,
    private readonly audit: AuditAppender,
  ) {}

  async import(client: AuthenticatedClient, bytes: Uint8Array): Promise<RateImportResult> {
    const sha256 = createHash('sha256').update(bytes).digest('hex');
    const actor = officerActor(client);
    let source: string | null = null;
    try {
      const table = this.parse(bytes);
      source = table.sources()[0] ?? null;
      const rows = table.rows();
      const bank = this.assertNationalBank(source);
      return await this.store.transaction(async (tx) => {
        await this.store.lockSource(tx, bank);
        const existing = new Map(
          (await this.store.rows({ sources: [bank] }, tx)).map((r) => [rowKey(r), r]),
        );
        const added: RateRow[] = [];
        const changed: RateRow[] = [];
        for (const row of rows) {
          const before = existing.get(rowKey(row));
          if (before === undefined) added.push(row);
          else if (before.units !== row.units || !sameAmount(before.rate, row.rate)) {
            changed.push(row);
          }
        }
        const dates = rows.map((r) => r.date).sort();
        const record: RateImportRecord = {
          id: randomUUID(),
          source: bank,
          sha256,
          rows: rows.length,
          added: added.length,
          changed: changed.length,
          firstDate: dates[0],
          lastDate: dates[dates.length - 1],
          importedAt: this.clock.now(),
          importedBy: client.id,
        };
        await this.store.recordImport(tx, record);
        await this.store.upsert(tx, [...added, ...changed], record.id);
        await this.audit.append(
          {
            type: 'rates.imported',
            actor,
            parties: [this.config.gateway.party],
            agreement: 'RET',
            contentDigest: `sha256:${sha256}`,
            details: {
              importId: record.id,
              source: record.source,
              rows: record.rows,
              added: record.added,
              changed: record.changed,
              firstDate: record.firstDate,
              lastDate: record.lastDate,
            },
          },
          { db: tx },
        );
        return { ...record, unchanged: rows.length - added.length - changed.length };
      });
    } catch (error) {
      if (error instanceof MxgError) {
        const problems = (error.details as { errors?: readonly unknown[] }).errors;
        await this.audit.append({
          type: 'rates.imported',
          actor,
          parties: [this.config.gateway.party],
          agreement: 'RET',
          contentDigest: `sha256:${sha256}`,
          outcome: 'failure',
          errorCode: error.code,
          details: { source, problems: problems?.length ?? 1 },
        });
      }
      throw error;
    }
  }

  private parse(bytes: Uint8Array): RateTable {
    let text: string;
    try {
      text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
    } catch {
      throw invalid([{ line: 1, message: 'the file is not UTF-8 text' }]);
    }
    try {
      return RateTable.fromCsv(text, 'the rate table');
    } catch (error) {
      if (error instanceof RateCsvError) throw invalid(error.problems);
      throw error;
    }
  }

  /** RET-3.7: the rates that count are a participating party's national bank's. */
  private assertNationalBank(source: string | null): string {
    const banks = this.config.treaty.allParties().map((p) => p.nationalBank.code);
    if (source === null || !banks.includes(source)) {
      throw new RatesError(
        'RATES_SOURCE_UNKNOWN',
        `${source ?? 'the table'} is no party's national bank in config/parties.yaml (${banks.join(', ')})`,
      );
    }
    return source;
  }
}

function invalid(problems: readonly { line: number; message: string }[]): RatesError {
  return new RatesError(
    'RATES_INVALID',
    `the rate table is refused: ${problems
      .slice(0, 5)
      .map((p) => `line ${p.line}: ${p.message}`)
      .join('; ')}${problems.length > 5 ? `; and ${problems.length - 5} more` : ''}`,
    { errors: problems },
  );
}

/** A security officer or administrator acting on the gateway's rate tables. */
function officerActor(client: AuthenticatedClient): AuditActor {
  const role = client.roles.includes('security-officer') ? 'security-officer' : 'administrator';
  return { authority: client.authority, role, user: client.id };
}
