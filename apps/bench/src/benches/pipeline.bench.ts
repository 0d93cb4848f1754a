import { mkdirSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { MxgConfigService } from '@mxg/config';
import type { Bench, BenchOptions } from '../bench.types';
import { summariseCpuProfile } from '../pipeline/cpu-profile-summary';
import { Client } from 'pg';
import {
  CpuSampler,
  type CpuSample,
  postgresBackends,
  processesNamed,
  rssMiB,
} from '../pipeline/cpu-sampler';
import {
  readDeliveries,
  ReceiptWatch,
  waitForReceipts,
  type Deliveries,
} from '../pipeline/delivery-check';
import { type AuditLogCheck, checkAuditLogs } from '../pipeline/audit-log-check';
import { type BenchExchange, startBenchExchange } from '../pipeline/gateway-processes';
import { measureBroker, measureCrypto, measureDatabase } from '../pipeline/limits';
import { type BarePipelineLimits, measureBarePipeline } from '../pipeline/bare-pipeline';
import { type Interval, IntervalWatch } from '../pipeline/interval-watch';
import { readPostgresSettings } from '../pipeline/postgres-settings';
import { VacuumStandIn } from '../pipeline/vacuum-stand-in';
import { reportIntervals } from '../pipeline/volume-report';
import { LoadGenerator, type PhaseResult, REQUEST_BYTES } from '../pipeline/load-generator';
import { printTable } from '../table';

/**
 * Issue 6's targets on this 2-core machine (both gateways, RabbitMQ and PostgreSQL on it), and
 * #16's: MXG at half the bare pipeline's rate or better.
 */
const TARGET = {
  sustained: 1500,
  p99Ms: 250,
  fixedRate: 750,
  cpuRatio: 0.5,
  bareRatio: 0.5,
} as const;
const GATEWAYS = ['KZ gateway', 'AZ gateway'] as const;
const SYSTEM = [...GATEWAYS, 'RabbitMQ', 'PostgreSQL'] as const;
/** The fixed-load phase never has more requests in flight than this (else it counts skips). */
const FIXED_MAX_IN_FLIGHT = 256;
/** Messages per transaction in the batched PostgreSQL limit (what the commit costs). */
/** Messages per statement in the batched database limit: a group commit under load. */
const DB_BATCH = 32;
/** Messages in flight end to end during the 5-minute memory run. */
const LONG_WINDOW = 16;

interface Plan {
  cryptoBudgetMs: number;
  limitMs: number;
  warmMs: number;
  fixedMs: number;
  rampSteps: number[];
  stepMs: number;
  /** Inner signatures put through the full `mxg verify` checks. */
  fullChecks: number;
  /** The memory run: paced at the fixed load, RSS sampled every 10 s. */
  longMs?: number;
}

const PLANS: Record<'quick' | 'full' | 'long', Plan> = {
  quick: {
    cryptoBudgetMs: 150,
    limitMs: 800,
    warmMs: 1000,
    fixedMs: 4000,
    rampSteps: [16, 64, 256],
    stepMs: 3000,
    fullChecks: 30,
  },
  full: {
    cryptoBudgetMs: 1000,
    limitMs: 5000,
    warmMs: 3000,
    fixedMs: 30_000,
    rampSteps: [8, 16, 32, 64, 128, 256],
    stepMs: 10_000,
    fullChecks: 500,
  },
  long: {
    cryptoBudgetMs: 1000,
    limitMs: 5000,
    warmMs: 3000,
    fixedMs: 30_000,
    rampSteps: [8, 16, 32, 64, 128, 256],
    stepMs: 10_000,
    fullChecks: 500,
    longMs: 5 * 60_000,
  },
};

interface Window {
  phase: string;
  result: PhaseResult;
  cpu: CpuSample;
}

/**
 * `npm run bench -- pipeline [--quick|--long] [--cpu-prof=<dir>] [--batch=<n>]`: issue 6's
 * end-to-end bench. `--batch=<n>` (#16) submits through `POST /messages/batch`, n messages a
 * request, instead of one `POST /messages` each (the headline figure is the single-message run).
 *
 *  1. The limits, measured in the same run: node:crypto operations/s for the configured
 *     algorithms; RabbitMQ persistent confirmed publish → consume on a quorum queue; PostgreSQL
 *     with the submit transaction's inserts.
 *  2. The pipeline: KZ and AZ gateways as processes (fresh databases, private vhosts on
 *     the parties' own broker nodes, AMQPS) and a load
 *     generator submitting 2 KiB MIG-5 requests to KZ's API, first at a fixed offered load, then
 *     (once that has drained) with more and more messages in flight end to end — accepted but
 *     not yet receipted — until delivery stops growing.
 *     Delivered = AZ's `recorded_at`; receipt back = KZ's `status_at` once `delivered`.
 *  3. Its own checks, from both databases after the run: every accepted message stored at AZ
 *     exactly once and `delivered` at KZ, every stored inner signature valid, and each gateway's
 *     audit log exported and verified as `mxg audit verify` does it, against its peer's
 *     witnessed copy (#16).
 */
export const pipelineBench: Bench = {
  name: 'pipeline',
  description: `KZ → AZ end to end: ${REQUEST_BYTES / 1024} KiB requests through the API, the limits beside it`,
  async run(options) {
    const plan = PLANS[options.long ? 'long' : options.quick ? 'quick' : 'full'];
    const config = MxgConfigService.load();
    const profileDir = options.cpuProfDir;
    if (profileDir) mkdirSync(profileDir, { recursive: true });

    const started = performance.now();
    const exchange = await startBenchExchange({ cpuProfDir: profileDir });
    lap('set-up', started);
    let closed = false;
    try {
      return await runPipeline(config, exchange, plan, options, async () => {
        closed = true;
        await exchange.close();
      });
    } finally {
      if (!closed) await exchange.close();
    }
  },
};

async function runPipeline(
  config: MxgConfigService,
  exchange: BenchExchange,
  plan: Plan,
  options: BenchOptions,
  close: () => Promise<void>,
): Promise<Record<string, number | string>> {
  const admin = new Client({ connectionString: config.postgresAdminUrl });
  await admin.connect();
  try {
    return await runWith(config, exchange, plan, options, close, admin);
  } finally {
    await admin.end();
  }
}

async function runWith(
  config: MxgConfigService,
  exchange: BenchExchange,
  plan: Plan,
  options: BenchOptions,
  close: () => Promise<void>,
  admin: Client,
): Promise<Record<string, number | string>> {
  const sampler = new CpuSampler([
    { name: 'KZ gateway', pids: () => [exchange.kz.pid] },
    { name: 'AZ gateway', pids: () => [exchange.az.pid] },
    // Both parties' nodes (#15), and every other RabbitMQ process of the machine: other work on
    // them is counted too.
    { name: 'RabbitMQ', pids: () => processesNamed('beam.smp') },
    postgresBackends(admin),
  ]);
  const memory = new MemoryWatch(exchange, plan.longMs ? 10_000 : 1000);

  // 1. The limits (the gateways are up but idle).
  let started = performance.now();
  const crypto = await measureCrypto(config, exchange.certsDir, plan.cryptoBudgetMs);
  const broker = await measureBroker(
    (socket) => exchange.broker.connectAdmin('KZ', socket),
    sampler,
    plan.limitMs,
  );
  const database = await measureDatabase(config, sampler, plan.limitMs);
  const batched = await measureDatabase(config, sampler, plan.limitMs, DB_BATCH);
  const bare = await measureBarePipeline({
    config,
    certsDir: exchange.certsDir,
    broker: exchange.broker,
    sampler,
    durationMs: plan.limitMs,
  });
  const postgres = await readPostgresSettings(admin);
  started = lap('limits', started);

  // 2. The pipeline.
  const load = new LoadGenerator(exchange.kz.url, exchange.kz.publisherToken, options.batch);
  const windows: Window[] = [];
  const measured = async (phase: string, run: () => Promise<PhaseResult>) => {
    const before = await sampler.sample();
    const result = await run();
    windows.push({ phase, result, cpu: CpuSampler.between(before, await sampler.sample()) });
    return result;
  };
  // #16: on a server without autovacuum, the bench does its work on the gateways' databases.
  const vacuum = await VacuumStandIn.startIfOff(admin, [
    exchange.kz.db.superuserUrl,
    exchange.az.db.superuserUrl,
  ]);
  memory.start();
  await load.paced('warm-up', 200, plan.warmMs, FIXED_MAX_IN_FLIGHT);
  const fixedPhase = `fixed ${TARGET.fixedRate}/s`;
  const cpuAtStart = await sampler.sample();
  const firstMeasured = load.submissions.length;
  await measured(fixedPhase, () =>
    load.paced(fixedPhase, TARGET.fixedRate, plan.fixedMs, FIXED_MAX_IN_FLIGHT),
  );
  let longResult: PhaseResult | undefined;
  let intervals: Interval[] = [];
  // The ramp starts from an empty pipeline: what the fixed phase could not deliver drains first.
  await waitForReceipts(exchange, load.submissions.filter((s) => s.id).length);
  const receipts = await ReceiptWatch.start(exchange, load.submissions);
  try {
    let best = 0;
    for (const window of plan.rampSteps) {
      const phase = `ramp ${window} in flight`;
      const before = receipts.delivered();
      const result = await measured(phase, () =>
        load.windowed(phase, window, plan.stepMs, () => receipts.delivered()),
      );
      // Stop once receipts stop coming back faster (AZ's own count is read after the run).
      const rate = ((receipts.delivered() - before) * 1000) / (result.endedAt - result.startedAt);
      if (rate < best * 1.05) break;
      best = Math.max(best, rate);
    }
    if (plan.longMs) {
      // Memory over 5 minutes at a load the pipeline sustains (a growing backlog would grow the
      // heap for a reason that is not a leak): a few messages in flight, RSS every 10 s.
      const phase = `long ${LONG_WINDOW} in flight`;
      memory.reset();
      // Minute by minute as well (#16): whether a message gets dearer as the tables grow.
      const watch = new IntervalWatch(sampler, {
        'KZ gateway': exchange.kz.pid,
        'AZ gateway': exchange.az.pid,
      });
      await watch.start();
      longResult = await measured(phase, () =>
        load.windowed(phase, LONG_WINDOW, plan.longMs ?? 0, () => receipts.delivered()),
      );
      intervals = await watch.stop();
    }
  } finally {
    await receipts.stop();
    load.close();
  }
  started = lap('load', started);
  const drainStarted = performance.now();
  const accepted = load.submissions.filter((s) => s.id).length;
  await waitForReceipts(exchange, accepted);
  const drainSeconds = (performance.now() - drainStarted) / 1000;
  memory.stop();
  await vacuum?.stop();
  // Every message submitted from the fixed phase on has now been through everything.
  const whole = {
    cpu: CpuSampler.between(cpuAtStart, await sampler.sample()),
    messages: load.submissions.slice(firstMeasured).filter((s) => s.id).length,
  };
  started = lap('drain', started);

  // 3. The self-checks, from both databases.
  const deliveries = await readDeliveries(config, exchange, load.submissions, plan.fullChecks);
  const auditLogs = await checkAuditLogs(exchange);
  started = lap('self-check', started);
  const lifetime = await sampler.sample(); // the gateways' CPU over their whole life, all threads
  await close(); // the gateways write their profiles as they exit
  lap('tear-down', started);
  const profiles = options.cpuProfDir
    ? profileSummaries(options.cpuProfDir).map((p) => ({
        ...p,
        cpuSeconds: lifetime[`${p.party} gateway`] ?? 0,
      }))
    : [];

  return report({
    crypto,
    broker,
    database,
    batched,
    bare,
    postgres,
    vacuum: vacuum ? { vacuums: vacuum.vacuums, analyzes: vacuum.analyzes } : undefined,
    windows,
    load,
    deliveries,
    auditLogs,
    drainSeconds,
    whole,
    memory,
    fixedPhase,
    longResult,
    intervals,
    profiles,
    quick: options.quick,
  });
}

interface ReportInput {
  crypto: Awaited<ReturnType<typeof measureCrypto>>;
  broker: Awaited<ReturnType<typeof measureBroker>>;
  database: Awaited<ReturnType<typeof measureDatabase>>;
  batched: Awaited<ReturnType<typeof measureDatabase>>;
  bare: BarePipelineLimits;
  /** The PostgreSQL server's settings the figures depend on. */
  postgres: Record<string, string>;
  /** What the bench ran in autovacuum's stead (the server's is off), if anything. */
  vacuum?: { vacuums: number; analyzes: number };
  windows: Window[];
  load: LoadGenerator;
  deliveries: Deliveries;
  /** Each gateway's audit log, exported and verified after the run. */
  auditLogs: AuditLogCheck[];
  drainSeconds: number;
  /** CPU from the fixed phase's start until the last receipt, and the messages it served. */
  whole: { cpu: CpuSample; messages: number };
  memory: MemoryWatch;
  fixedPhase: string;
  longResult?: PhaseResult;
  /** The long run, minute by minute. */
  intervals: Interval[];
  profiles: {
    party: string;
    file: string;
    summary: ReturnType<typeof summariseCpuProfile>;
    /** The process's CPU over its life, all threads (/proc). */
    cpuSeconds: number;
  }[];
  quick: boolean;
}

function report(r: ReportInput): Record<string, number | string> {
  const { deliveredAt, receiptAt, selfCheck } = r.deliveries;
  const rateOf = (w: Window) => {
    const seconds = (w.result.endedAt - w.result.startedAt) / 1000;
    let delivered = 0;
    for (const at of deliveredAt.values()) {
      if (at >= w.result.startedAt && at < w.result.endedAt) delivered++;
    }
    return { seconds, delivered, deliveredPerSecond: delivered / seconds };
  };
  const latencies = (phase: string, until: Map<string, number>) =>
    percentiles(
      r.load.submissions.flatMap((s) => {
        const at = s.phase === phase && s.id ? until.get(s.id) : undefined;
        return at === undefined ? [] : [at - s.sentAt];
      }),
    );
  const apiLatency = (phase: string) =>
    percentiles(
      r.load.submissions
        .filter((s) => s.phase === phase && s.id)
        .map((s) => s.answeredAt - s.sentAt),
    );

  // The limits.
  process.stdout.write(`\nlimits (one core for crypto; signature scheme ${r.crypto.scheme})\n`);
  printTable([
    ...Object.entries(r.crypto.opsPerSecond).map(([op, rate]) => ({
      limit: `node:crypto ${op}`,
      'per second': Math.round(rate),
      'µs each': round1(1e6 / rate),
    })),
    {
      limit: 'RabbitMQ persistent confirmed publish → consume, quorum queue, 2 KiB',
      'per second': Math.round(r.broker.messagesPerSecond),
      'µs each': `${round1(r.broker.cpuMicrosPerMessage)} CPU (broker ${round1(r.broker.brokerMicrosPerMessage)})`,
    },
    ...[r.database, r.batched].flatMap((d) => [
      {
        limit: `PostgreSQL submit statement (5 rows), ${d.messagesPerStatement === 1 ? 'one message' : `${d.messagesPerStatement} messages`} per statement, ${d.clients} clients: messages`,
        'per second': Math.round(d.messagesPerSecond),
        'µs each': `${round1(d.cpuMicrosPerMessage)} CPU (server ${round1(d.postgresMicrosPerMessage)})`,
      },
      { limit: '  … rows', 'per second': Math.round(d.rowsPerSecond), 'µs each': '' },
    ]),
    {
      limit: `bare pipeline: seal → confirmed publish, quorum queue → consume, open → batched audit row (${r.bare.inFlight} in flight)`,
      'per second': Math.round(r.bare.messagesPerSecond),
      'µs each': `${round1(r.bare.cpuMicrosPerMessage)} CPU (node ${round1(r.bare.nodeMicrosPerMessage)}, broker ${round1(r.bare.brokerMicrosPerMessage)}, db ${round1(r.bare.postgresMicrosPerMessage)})`,
    },
  ]);
  process.stdout.write(
    `PostgreSQL: ${Object.entries(r.postgres)
      .map(([name, value]) => `${name} ${value}`)
      .join(', ')}\n`,
  );
  if (r.vacuum) {
    process.stdout.write(
      `PostgreSQL's autovacuum is off: the bench stood in for it on the gateways' databases ` +
        `(its trigger, the server's thresholds; CPU counted as PostgreSQL's): ` +
        `${r.vacuum.vacuums} VACUUM, ${r.vacuum.analyzes} ANALYZE\n`,
    );
  }

  // The pipeline, phase by phase.
  process.stdout.write(
    `\npipeline (CPU µs per delivered message in each window)${
      r.load.batchSize > 1
        ? `: submitted through POST /messages/batch, ${r.load.batchSize} messages a request`
        : ''
    }\n`,
  );
  const rows = r.windows.map((w) => {
    const rate = rateOf(w);
    const lat = latencies(w.phase, deliveredAt);
    const cpuPer = (name: string) =>
      round0(((w.cpu[name] ?? 0) * 1e6) / Math.max(1, rate.delivered));
    return {
      phase: w.phase,
      'accepted/s': Math.round(w.result.accepted / rate.seconds),
      'delivered/s': Math.round(rate.deliveredPerSecond),
      'p50/p95/p99 ms': [lat.p50, lat.p95, lat.p99].map(round0).join(' / '),
      KZ: cpuPer('KZ gateway'),
      AZ: cpuPer('AZ gateway'),
      broker: cpuPer('RabbitMQ'),
      db: cpuPer('PostgreSQL'),
      loadgen: cpuPer('load generator'),
      'refused/skipped': w.result.refused + w.result.skipped,
    };
  });
  printTable(rows);

  const fixed = r.windows.find((w) => w.phase === r.fixedPhase)!;
  const ramp = r.windows.filter((w) => w.phase.startsWith('ramp'));
  const saturated = ramp.reduce((a, b) =>
    rateOf(b).deliveredPerSecond > rateOf(a).deliveredPerSecond ? b : a,
  );
  const sustained = rateOf(saturated).deliveredPerSecond;
  const fixedLatency = latencies(r.fixedPhase, deliveredAt);
  const fixedReceipt = latencies(r.fixedPhase, receiptAt);
  const fixedApi = apiLatency(r.fixedPhase);
  // Per message over the whole measured run (fixed, ramp, drain): every message counted was
  // submitted, delivered and receipted inside it, so no phase's backlog skews the figure.
  const cpuPerMessage = Object.fromEntries(
    [...SYSTEM, 'load generator'].map((p) => [
      p,
      ((r.whole.cpu[p] ?? 0) * 1e6) / Math.max(1, r.whole.messages),
    ]),
  );
  const spentPerMessage = SYSTEM.reduce((sum, p) => sum + cpuPerMessage[p], 0);
  // Each message: its crypto, two trips through the broker (envelope, receipt) and one durable
  // submit-sized write on each side, group-committed as under load — what no implementation of
  // the design can skip.
  const unavoidable =
    r.crypto.unavoidableMicros +
    2 * r.broker.cpuMicrosPerMessage +
    2 * r.batched.cpuMicrosPerMessage;
  const ratio = unavoidable / spentPerMessage;
  const bareRatio = sustained / r.bare.messagesPerSecond;
  const mem = r.memory.summary();
  const met = (ok: boolean) => (ok ? 'yes' : 'NO');

  process.stdout.write('\nresult\n');
  printTable([
    {
      figure: `sustained delivered msgs/s (best ramp step: ${saturated.phase})`,
      target: `≥ ${TARGET.sustained}`,
      measured: Math.round(sustained),
      met: met(sustained >= TARGET.sustained),
    },
    {
      figure: `bare pipeline msgs/s, same run (no HTTP, no receipts; ${r.bare.inFlight} in flight)`,
      target: '',
      measured: Math.round(r.bare.messagesPerSecond),
      met: '',
    },
    {
      figure: '  ratio: MXG sustained / bare pipeline',
      target: `≥ ${TARGET.bareRatio}`,
      measured: bareRatio.toFixed(2),
      met: met(bareRatio >= TARGET.bareRatio),
    },
    {
      figure: `submit → delivered at AZ p50 / p95 / p99 ms at ${TARGET.fixedRate}/s offered`,
      target: `p99 ≤ ${TARGET.p99Ms}`,
      measured: [fixedLatency.p50, fixedLatency.p95, fixedLatency.p99].map(round0).join(' / '),
      met: met(fixedLatency.p99 <= TARGET.p99Ms && fixedLatency.n > 0),
    },
    {
      figure: '  submit → receipt back at KZ p50 / p95 / p99 ms',
      target: '',
      measured: [fixedReceipt.p50, fixedReceipt.p95, fixedReceipt.p99].map(round0).join(' / '),
      met: '',
    },
    {
      figure: '  submit → 202 answered p50 / p95 / p99 ms',
      target: '',
      measured: [fixedApi.p50, fixedApi.p95, fixedApi.p99].map(round0).join(' / '),
      met: '',
    },
    {
      figure: `delivered msgs/s at ${TARGET.fixedRate}/s offered`,
      target: '',
      measured: Math.round(rateOf(fixed).deliveredPerSecond),
      met: '',
    },
    ...[...SYSTEM, 'load generator'].map((p) => ({
      figure: `CPU µs per message (${r.whole.messages} messages, fixed phase to last receipt): ${p}`,
      target: '',
      measured: round0(cpuPerMessage[p]),
      met: '',
    })),
    {
      figure: '  total (gateways + broker + database)',
      target: '',
      measured: round0(spentPerMessage),
      met: '',
    },
    {
      figure: `unavoidable per message: crypto ${round0(r.crypto.unavoidableMicros)} + broker 2×${round0(r.broker.cpuMicrosPerMessage)} + db 2×${round0(r.batched.cpuMicrosPerMessage)} µs`,
      target: '',
      measured: round0(unavoidable),
      met: '',
    },
    {
      figure: 'CPU ratio: unavoidable / spent',
      target: `≥ ${TARGET.cpuRatio}`,
      measured: ratio.toFixed(2),
      met: met(ratio >= TARGET.cpuRatio),
    },
    {
      figure: `gateway RSS MiB first / last / max (${mem.samples} samples${r.longResult ? ', every 10 s over the 5-minute run' : ''}): KZ`,
      target: r.longResult ? 'flat' : '',
      measured: mem.kz.map(round0).join(' / '),
      met: '',
    },
    {
      figure: '  AZ',
      target: '',
      measured: mem.az.map(round0).join(' / '),
      met: '',
    },
    {
      figure: `self-check: ${selfCheck.accepted} accepted, ${selfCheck.deliveredOnce} stored once at AZ, ${selfCheck.kzDelivered} delivered at KZ; ${selfCheck.signaturesChecked - selfCheck.signaturesInvalid}/${selfCheck.signaturesChecked} signatures valid, ${selfCheck.layersChecked - selfCheck.layersInvalid}/${selfCheck.layersChecked} full checks`,
      target: 'all',
      measured: selfCheck.ok ? 'ok' : 'FAILED',
      met: met(selfCheck.ok),
    },
    ...r.auditLogs.map((a) => ({
      figure: `self-check: ${a.party}'s audit log verified (mxg audit verify): ${a.entries} entries, ${a.checkpoints} checkpoints, ${a.cosigned} cosigned by ${a.party === 'KZ' ? 'AZ' : 'KZ'}, ${a.witnessedChecked} matched its witnessed copy; ${round2(a.verifySeconds)} s`,
      target: 'valid',
      measured: a.valid ? 'ok' : 'FAILED',
      met: met(a.valid),
    })),
  ]);
  for (const a of r.auditLogs) {
    process.stdout.write(
      `${a.party} audit log: exported with the peer's witnessed copy in ${round2(a.exportSeconds)} s (${round1(a.bytes / 2 ** 20)} MiB)` +
        `${a.finding === undefined ? '' : `; INVALID: ${a.finding}`}\n`,
    );
  }
  process.stdout.write(
    `self-check details: missing at AZ ${selfCheck.missingAtAz}, unexpected at AZ ${selfCheck.unexpectedAtAz}, ` +
      `duplicates refused by AZ ${selfCheck.duplicatesRefused}, not delivered at KZ ${JSON.stringify(selfCheck.kzNotDelivered)}; ` +
      `receipts drained ${round1(r.drainSeconds)} s after the load stopped\n` +
      `stages: ${timings.splice(0).join(', ')}\n`,
  );
  const perMessage = (n: number) => round1(n / Math.max(1, selfCheck.accepted));
  for (const party of ['KZ', 'AZ'] as const) {
    const w = r.deliveries.databaseWork[party];
    process.stdout.write(
      `${party} database, per accepted message over the whole run: ${perMessage(w.commits)} commits, ` +
        `${perMessage(w.inserted)} rows inserted, ${perMessage(w.updated)} updated, ${perMessage(w.deleted)} deleted\n`,
    );
  }
  for (const { party, file, summary, cpuSeconds } of r.profiles) {
    process.stdout.write(
      `\n${party} gateway (${file}): self time, % of ${round1(summary.busyMs / 1000)} s of main-thread ` +
        `samples not idle (whole life; the process used ${round1(cpuSeconds)} s CPU, all threads)\n`,
    );
    printTable(summary.places.slice(0, 8).map((s) => ({ where: s.name, '%': round1(s.percent) })));
    printTable(summary.functions.map((s) => ({ function: s.name, '%': round1(s.percent) })));
  }

  const volume = reportIntervals(r.intervals, deliveredAt, SYSTEM);
  const figures: Record<string, number | string> = {
    scheme: r.crypto.scheme,
    batchSize: r.load.batchSize,
    ...Object.fromEntries(Object.entries(r.postgres).map(([name, value]) => [`pg_${name}`, value])),
    ...(r.vacuum ? { benchVacuums: r.vacuum.vacuums, benchAnalyzes: r.vacuum.analyzes } : {}),
    ...Object.fromEntries(
      Object.entries(r.crypto.opsPerSecond).map(([op, rate]) => [
        `crypto_${op.replace(/[^a-z0-9]+/gi, '_').replace(/_+$/, '')}_perSecond`,
        Math.round(rate),
      ]),
    ),
    brokerMessagesPerSecond: Math.round(r.broker.messagesPerSecond),
    brokerCpuMicrosPerMessage: round1(r.broker.cpuMicrosPerMessage),
    dbMessagesPerSecond: Math.round(r.database.messagesPerSecond),
    dbRowsPerSecond: Math.round(r.database.rowsPerSecond),
    dbCpuMicrosPerMessage: round1(r.database.cpuMicrosPerMessage),
    dbBatchedRowsPerSecond: Math.round(r.batched.rowsPerSecond),
    dbBatchedCpuMicrosPerMessage: round1(r.batched.cpuMicrosPerMessage),
    bareMessagesPerSecond: Math.round(r.bare.messagesPerSecond),
    bareCpuMicrosPerMessage: round1(r.bare.cpuMicrosPerMessage),
    bareNodeMicrosPerMessage: round1(r.bare.nodeMicrosPerMessage),
    bareBrokerMicrosPerMessage: round1(r.bare.brokerMicrosPerMessage),
    barePostgresMicrosPerMessage: round1(r.bare.postgresMicrosPerMessage),
    sustainedDeliveredPerSecond: Math.round(sustained),
    sustainedVsBare: round2(bareRatio),
    sustainedStep: saturated.phase,
    fixedOfferedPerSecond: TARGET.fixedRate,
    fixedDeliveredPerSecond: Math.round(rateOf(fixed).deliveredPerSecond),
    fixedLatencyP50Ms: round0(fixedLatency.p50),
    fixedLatencyP95Ms: round0(fixedLatency.p95),
    fixedLatencyP99Ms: round0(fixedLatency.p99),
    fixedReceiptP99Ms: round0(fixedReceipt.p99),
    ...Object.fromEntries(
      SYSTEM.map((p) => [`cpuMicrosPerMessage_${p.replace(/ .*/, '')}`, round0(cpuPerMessage[p])]),
    ),
    cpuMicrosPerMessageTotal: round0(spentPerMessage),
    unavoidableMicrosPerMessage: round0(unavoidable),
    cpuRatio: round2(ratio),
    kzRssFirstLastMaxMiB: mem.kz.map(round0).join('/'),
    azRssFirstLastMaxMiB: mem.az.map(round0).join('/'),
    accepted: selfCheck.accepted,
    deliveredOnce: selfCheck.deliveredOnce,
    signaturesInvalid: selfCheck.signaturesInvalid,
    selfCheck: selfCheck.ok && r.auditLogs.every((a) => a.valid) ? 'ok' : 'FAILED',
    ...Object.fromEntries(
      r.auditLogs.flatMap((a): [string, number | string][] => [
        [`${a.party}AuditEntries`, a.entries],
        [`${a.party}AuditVerify`, a.valid ? 'ok' : 'FAILED'],
        [`${a.party}AuditVerifySeconds`, round2(a.verifySeconds)],
      ]),
    ),
    ...Object.fromEntries(
      (['KZ', 'AZ'] as const).flatMap((party) => [
        [`${party}CommitsPerMessage`, perMessage(r.deliveries.databaseWork[party].commits)],
        [
          `${party}RowsWrittenPerMessage`,
          perMessage(
            r.deliveries.databaseWork[party].inserted + r.deliveries.databaseWork[party].updated,
          ),
        ],
      ]),
    ),
  };
  Object.assign(figures, volume);
  for (const w of ramp) {
    figures[`deliveredPerSecond_${w.phase.replace(/\D+/g, '')}inFlight`] = Math.round(
      rateOf(w).deliveredPerSecond,
    );
  }
  return figures;
}

/** The gateways' resident memory, sampled while the load runs. */
class MemoryWatch {
  private readonly kz: number[] = [];
  private readonly az: number[] = [];
  private timer?: NodeJS.Timeout;

  constructor(
    private readonly exchange: BenchExchange,
    private readonly everyMs: number,
  ) {}

  start(): void {
    this.sample();
    this.timer = setInterval(() => this.sample(), this.everyMs);
    this.timer.unref(); // a failed run must still end
  }

  /** Starts the record again (the memory run measures only itself, after the warm phases). */
  reset(): void {
    this.kz.length = 0;
    this.az.length = 0;
    this.sample();
  }

  stop(): void {
    clearInterval(this.timer);
    this.sample();
  }

  summary(): { samples: number; kz: number[]; az: number[] } {
    const fll = (v: number[]) => [v[0] ?? 0, v.at(-1) ?? 0, Math.max(0, ...v)];
    return { samples: this.kz.length, kz: fll(this.kz), az: fll(this.az) };
  }

  private sample(): void {
    this.kz.push(rssMiB(this.exchange.kz.pid));
    this.az.push(rssMiB(this.exchange.az.pid));
  }
}

function profileSummaries(dir: string) {
  return readdirSync(dir)
    .filter((f) => /^gateway-(KZ|AZ)\.cpuprofile$/.test(f))
    .map((f) => ({
      party: f.slice(8, 10),
      file: join(dir, f),
      summary: summariseCpuProfile(join(dir, f)),
    }));
}

const timings: string[] = [];

/** Notes how long a stage took (printed with the results: where a quick run's minute goes). */
function lap(stage: string, since: number): number {
  const at = performance.now();
  timings.push(`${stage} ${round1((at - since) / 1000)} s`);
  return at;
}

function percentiles(values: number[]) {
  const sorted = [...values].sort((a, b) => a - b);
  const at = (q: number) =>
    sorted.length === 0 ? NaN : sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
  return { n: sorted.length, p50: at(0.5), p95: at(0.95), p99: at(0.99) };
}

const round0 = (n: number) => Math.round(n);
const round1 = (n: number) => Math.round(n * 10) / 10;
const round2 = (n: number) => Math.round(n * 100) / 100;
