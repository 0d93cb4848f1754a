import { Inject, Injectable } from '@nestjs/common';
import { Gauge } from 'prom-client';
import { DataSource } from 'typeorm';
import { Clock } from '@mxg/core';
import { queryRows } from '@mxg/database';
import type { TrustStore } from '@mxg/envelope';
import { AuditLogService } from '../audit/audit-log.service';
import { TRUST_STORE } from '../envelope/envelope.constants';
import { TrustListHealth } from '../trust/trust-list.health';
import { GatewayMetrics, type OutboxKind } from './gateway-metrics';

const OUTBOX_KINDS: readonly OutboxKind[] = ['envelope', 'receipt', 'dead-letter'];
const SIDES = ['requester', 'requested'] as const;
const DAY_MS = 86_400_000;

/**
 * One round trip for every gauge the database holds, at scrape time (never per message): the
 * outbox's pending rows by kind (the partial index of pending rows), the audit entries not yet
 * sequenced (past the sequencer's cursor, on the (xid, id) index), the newest checkpoint, and
 * the open requests whose MIG-10.3 deadline passed (what the overdue sweep audited).
 */
const STATE_SQL = `
  WITH cursor AS (
    SELECT COALESCE((SELECT last_xid FROM audit_sequenced ORDER BY first_seq DESC LIMIT 1), '0'::xid8) AS xid,
           COALESCE((SELECT last_id FROM audit_sequenced ORDER BY first_seq DESC LIMIT 1), 0) AS id)
  SELECT
    (SELECT COALESCE(json_agg(json_build_object('kind', kind, 'depth', n, 'oldest', oldest)), '[]')
       FROM (SELECT kind, count(*) AS n, min(created_at) AS oldest
               FROM outbox WHERE published_at IS NULL GROUP BY kind) o) AS outbox,
    (SELECT count(*) FROM audit_entries e, cursor c WHERE (e.xid, e.id) > (c.xid, c.id))::int
      AS audit_pending,
    (SELECT min(e.recorded_at) FROM audit_entries e, cursor c WHERE (e.xid, e.id) > (c.xid, c.id))
      AS audit_oldest,
    (SELECT signed_at FROM audit_checkpoints ORDER BY tree_size DESC LIMIT 1) AS checkpoint_at,
    (SELECT COALESCE(json_agg(json_build_object('side', side, 'n', n)), '[]')
       FROM (SELECT side, count(*) AS n FROM requests
              WHERE closed_at IS NULL AND overdue_recorded_at IS NOT NULL GROUP BY side) r)
      AS overdue`;

interface StateRow {
  outbox: { kind: OutboxKind; depth: number; oldest: string }[];
  audit_pending: number;
  audit_oldest: Date | null;
  checkpoint_at: Date | null;
  overdue: { side: (typeof SIDES)[number]; n: number }[];
}

/**
 * The gauges of state, sampled when `/metrics` is scraped (#17): outbox depth and age, the audit
 * sequencer's lag and role, the newest checkpoint's age, overdue requests (MIG-10.3), and the
 * days left until each party's certificates and newest CRL expire. Labels: kinds, sides,
 * parties — never an id.
 */
@Injectable()
export class StateGauges {
  private readonly outboxDepth: Gauge<'kind'>;
  private readonly outboxAge: Gauge<'kind'>;
  private readonly auditLag: Gauge;
  private readonly auditLagSeconds: Gauge;
  private readonly auditLeading: Gauge;
  private readonly checkpointAge: Gauge;
  private readonly overdue: Gauge<'side'>;
  private readonly certificateDays: Gauge<'party' | 'certificate'>;
  private readonly crlDays: Gauge<'party'>;

  constructor(
    metrics: GatewayMetrics,
    private readonly dataSource: DataSource,
    private readonly clock: Clock,
    private readonly audit: AuditLogService,
    private readonly trustList: TrustListHealth,
    @Inject(TRUST_STORE) private readonly trust: TrustStore,
  ) {
    const registers = [metrics.registry];
    this.outboxDepth = new Gauge({
      name: 'mxg_outbox_depth',
      help: 'Outbox rows not yet published, by kind',
      labelNames: ['kind'],
      registers,
    });
    this.outboxAge = new Gauge({
      name: 'mxg_outbox_oldest_age_seconds',
      help: 'Age of the oldest outbox row not yet published, by kind (0 when none)',
      labelNames: ['kind'],
      registers,
    });
    this.auditLag = new Gauge({
      name: 'mxg_audit_sequencer_lag_entries',
      help: 'Audit entries written but not yet sequenced into the log',
      registers,
    });
    this.auditLagSeconds = new Gauge({
      name: 'mxg_audit_sequencer_lag_seconds',
      help: 'Age of the oldest audit entry not yet sequenced (0 when none)',
      registers,
    });
    this.auditLeading = new Gauge({
      name: 'mxg_audit_sequencer_leading',
      help: '1 if this instance leads the audit sequencer, 0 if another does or it is failing',
      registers,
    });
    this.checkpointAge = new Gauge({
      name: 'mxg_audit_checkpoint_age_seconds',
      help: 'Age of the newest signed checkpoint of the audit log (absent before the first)',
      registers,
    });
    this.overdue = new Gauge({
      name: 'mxg_requests_overdue',
      help: 'Open requests past their MIG-10.3 deadline, by this gateway’s side',
      labelNames: ['side'],
      registers,
    });
    this.certificateDays = new Gauge({
      name: 'mxg_certificate_expiry_days',
      help: 'Days until the newest generation of a party’s CA, seal or encryption certificate expires',
      labelNames: ['party', 'certificate'],
      registers,
    });
    this.crlDays = new Gauge({
      name: 'mxg_crl_expiry_days',
      help: 'Days until the nextUpdate of a party’s newest CRL (negative: stale; absent: none)',
      labelNames: ['party'],
      registers,
    });
  }

  /** Reads the state once; the gauges then hold it until the next scrape. */
  async sample(): Promise<void> {
    const now = this.clock.now().getTime();
    const seconds = (at: Date | string | null) =>
      at === null ? 0 : Math.max(0, (now - new Date(at).getTime()) / 1000);
    const [row] = await queryRows<StateRow>(this.dataSource, STATE_SQL);
    for (const kind of OUTBOX_KINDS) {
      const pending = row.outbox.find((o) => o.kind === kind);
      this.outboxDepth.set({ kind }, Number(pending?.depth ?? 0));
      this.outboxAge.set({ kind }, seconds(pending?.oldest ?? null));
    }
    this.auditLag.set(row.audit_pending);
    this.auditLagSeconds.set(seconds(row.audit_oldest));
    this.auditLeading.set(this.audit.state().leading ? 1 : 0);
    if (row.checkpoint_at !== null) this.checkpointAge.set(seconds(row.checkpoint_at));
    for (const side of SIDES) {
      this.overdue.set({ side }, Number(row.overdue.find((o) => o.side === side)?.n ?? 0));
    }
    this.sampleTrust(now);
  }

  private sampleTrust(now: number): void {
    const days = (at: number) => (at - now) / DAY_MS;
    const newest = (certificates: readonly { validTo: string }[]) =>
      Math.max(...certificates.map((c) => Date.parse(c.validTo)));
    for (const party of this.trust.parties()) {
      const trust = this.trust.party(party);
      const kinds = {
        ca: trust.anchors,
        seal: trust.seals,
        encryption: trust.encryptionCertificates,
      };
      for (const [certificate, list] of Object.entries(kinds)) {
        if (list.length > 0) this.certificateDays.set({ party, certificate }, days(newest(list)));
      }
    }
    this.crlDays.reset();
    for (const [party, crl] of Object.entries(this.trustList.report().parties)) {
      if (crl.nextUpdate !== null) this.crlDays.set({ party }, days(Date.parse(crl.nextUpdate)));
    }
  }
}
