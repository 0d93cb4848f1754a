import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { MIGRATIONS, MIGRATIONS_TABLE, MXG_SCHEMA, queryRows } from '@mxg/database';
import { AuditLogService } from '../audit/audit-log.service';
import { BrokerConnection } from '../broker/broker-connection.service';
import { TrustListHealth } from '../trust/trust-list.health';

/** How long one dependency may take to answer a probe before it counts as down. */
const PROBE_TIMEOUT_MS = 3000;
const EXPECTED_MIGRATIONS = MIGRATIONS.map((migration) => new migration().name);

export interface ReadinessCheck {
  readonly ok: boolean;
  /** Why not, when not: a sentence for an operator, no personal data. */
  readonly reason?: string;
  readonly [detail: string]: unknown;
}

export interface ReadinessReport {
  readonly ready: boolean;
  readonly reasons: readonly string[];
  readonly checks: Readonly<Record<string, ReadinessCheck>>;
}

/**
 * Whether this gateway should be sent work (#17, `/health/ready`): its database answers and
 * has every migration this build knows applied, its broker connection works, its audit
 * sequencer runs (leading, or following another instance) without failing, and its trust list
 * has a CRL of every party that is not past its nextUpdate (revocation can be checked).
 */
@Injectable()
export class Readiness {
  /** Migrations are never un-applied: once all are seen, they are not asked again. */
  private migrated = false;

  constructor(
    private readonly dataSource: DataSource,
    private readonly broker: BrokerConnection,
    private readonly audit: AuditLogService,
    private readonly trustList: TrustListHealth,
  ) {}

  async check(): Promise<ReadinessReport> {
    const [database, broker] = await Promise.all([this.database(), this.brokerCheck()]);
    const checks: Record<string, ReadinessCheck> = {
      database: database.database,
      migrations: database.migrations,
      broker,
      auditSequencer: this.sequencer(),
      trust: this.trust(),
    };
    const reasons = Object.values(checks).flatMap((c) => (c.ok ? [] : [c.reason ?? 'not ready']));
    return { ready: reasons.length === 0, reasons, checks };
  }

  private async database(): Promise<{ database: ReadinessCheck; migrations: ReadinessCheck }> {
    let applied: string[];
    try {
      const rows = await withTimeout(
        queryRows<{ name: string }>(
          this.dataSource,
          // Once all are seen, a ping; until then the names applied.
          this.migrated ? 'SELECT 1' : `SELECT name FROM ${MXG_SCHEMA}.${MIGRATIONS_TABLE}`,
        ),
        'the database',
      );
      applied = rows.map((r) => r.name);
    } catch (error) {
      const reason = `database unavailable: ${message(error)}`;
      return {
        database: { ok: false, reason },
        migrations: {
          ok: this.migrated,
          ...(this.migrated ? {} : { reason: 'migrations unknown: database unavailable' }),
        },
      };
    }
    if (!this.migrated) {
      const missing = EXPECTED_MIGRATIONS.filter((name) => !applied.includes(name));
      if (missing.length > 0) {
        return {
          database: { ok: true },
          migrations: {
            ok: false,
            reason: `migrations not applied: ${missing.join(', ')}`,
            pending: missing,
          },
        };
      }
      this.migrated = true;
    }
    return {
      database: { ok: true },
      migrations: { ok: true, applied: EXPECTED_MIGRATIONS.length },
    };
  }

  private async brokerCheck(): Promise<ReadinessCheck> {
    try {
      await withTimeout(this.broker.ping(), 'the broker');
      return { ok: true };
    } catch (error) {
      return { ok: false, reason: `broker unavailable: ${message(error)}` };
    }
  }

  private sequencer(): ReadinessCheck {
    const { running, leading, failure } = this.audit.state();
    if (!running) return { ok: false, reason: 'audit sequencer not running', leading };
    if (failure !== null) {
      return { ok: false, reason: `audit sequencer failing: ${failure}`, leading };
    }
    return { ok: true, leading };
  }

  private trust(): ReadinessCheck {
    const { parties } = this.trustList.report();
    const problems = Object.entries(parties).flatMap(([party, crl]) =>
      crl.status === 'none'
        ? [`no CRL of ${party}`]
        : crl.status === 'stale'
          ? [`${party}'s newest CRL is past its nextUpdate (${crl.nextUpdate})`]
          : [],
    );
    return problems.length === 0
      ? { ok: true }
      : { ok: false, reason: `trust list: ${problems.join('; ')}`, problems };
  }
}

function message(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

async function withTimeout<T>(work: Promise<T>, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new Error(`${what} did not answer within ${PROBE_TIMEOUT_MS} ms`)),
      PROBE_TIMEOUT_MS,
    );
  });
  try {
    return await Promise.race([work, timeout]);
  } finally {
    clearTimeout(timer);
  }
}
