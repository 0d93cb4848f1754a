import type { X509Certificate } from 'node:crypto';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Command } from 'commander';
import { Client } from 'pg';
import { postgresClientConfig } from '@mxg/database';
import {
  AuditAppender,
  auditExportedEvent,
  exportAuditLog,
  noteSignerFromKey,
  partyOfKeyName,
  verifyAuditExport,
  witnessKeyName,
  type AuditExportSummary,
  type AuditVerifyReport,
} from '@mxg/audit';
import { listGateways, MxgConfigService } from '@mxg/config';
import { SystemClock } from '@mxg/core';
import {
  certificateProfileProblem,
  loadAuditCheckpointCertificates,
  loadCertificatePem,
} from '@mxg/pki';
import { EXIT } from '../cli-errors';
import { JSON_OPTION_HELP, type JsonFlag, printResult } from '../cli-output';
import { fetchAuditExport } from './audit-export-api';
import { gatewayKeyStore } from './gateway-key-store';
import { openOutputStream, reportStream, STDIO, withInputFile } from './std-io';
import { usageError } from './usage-error';

/** `mxg audit verify` (offline) and `mxg audit export` (from a gateway's database or API). */
export function registerAuditCommands(program: Command): void {
  const audit = program.command('audit').description('the tamper-evident audit log');

  audit
    .command('verify <export>')
    .description(
      'check an audit export (a file, or - for standard input) offline: every entry, checkpoint signature and cosignature, consistency between checkpoints, the signed export statement (exit 0 valid, 1 invalid, 3 could not check)',
    )
    .option('--ca <pem...>', "the parties' CA certificates (default: certs/*/ca.cert.pem)")
    .option(
      '--audit-cert <pem...>',
      "pin the parties' audit keys to these audit-checkpoint certificates (default without --ca: those configured in certs/<party>/gateway/)",
    )
    .option(
      '--witnessed <file...>',
      "peers' witnessed copies of this log (mxg audit export --witnessed-log)",
    )
    .option(
      '--require-witness <name...>',
      "witnesses that must have cosigned, e.g. mxg.az/witness (default: the log's gateway's witnesses in config/gateways/)",
    )
    .option('--no-require-witness', 'require no witness, whatever the configuration says')
    .option('--json', JSON_OPTION_HELP)
    .action(async (file: string, opts: AuditVerifyCliOptions) => {
      process.exitCode = await withInputFile(file, (path) => auditVerify(path, opts, file));
    });

  audit
    .command('export')
    .description(
      "write a gateway's audit log (up to its latest checkpoint) as JSON Lines, signed by its audit key: from its database (--gateway, operators) or through its API with an auditor's token (--api, no database credentials)",
    )
    .option('--gateway <id>', 'read this gateway’s database, e.g. kz (its DATABASE_URL)')
    .option(
      '--api <url>',
      "instead, fetch GET /v1/audit/export from this gateway, e.g. https://127.0.0.1:3101, as an auditor: the token in --token-file or the environment's MXG_TOKEN (never on the command line)",
    )
    .option('--token-file <file>', 'with --api: a file holding the auditor’s bearer token')
    .option('--ca <pem>', 'with an https:// --api: the gateway party’s CA (default: the system’s)')
    .option(
      '--cert <pem>',
      'with an https:// --api: a client certificate, when the gateway asks for one',
    )
    .option('--key <pem>', 'with --cert: its private key')
    .requiredOption('--out <file>', 'where to write the export (- for standard output)')
    .option(
      '--witnessed-log <party>',
      "with --gateway: instead, export this gateway's witnessed copy of <party>'s log",
    )
    .option('--json', JSON_OPTION_HELP)
    .action(async (opts: AuditExportCliOptions) => {
      await auditExportCommand(opts);
    });
}

interface AuditExportCliOptions extends JsonFlag {
  gateway?: string;
  api?: string;
  tokenFile?: string;
  ca?: string;
  cert?: string;
  key?: string;
  out: string;
  witnessedLog?: string;
}

async function auditExportCommand(opts: AuditExportCliOptions): Promise<void> {
  if ((opts.gateway === undefined) === (opts.api === undefined)) {
    usageError('give exactly one of --gateway <id> (its database) and --api <url> (its API)');
  }
  if (opts.api === undefined) {
    for (const flag of ['tokenFile', 'ca', 'cert', 'key'] as const) {
      if (opts[flag] !== undefined)
        usageError(`--${flag === 'tokenFile' ? 'token-file' : flag} goes with --api`);
    }
  } else if (opts.witnessedLog !== undefined) {
    usageError('--witnessed-log goes with --gateway (the API exports the gateway’s own log)');
  }
  const summary =
    opts.api !== undefined
      ? await fetchAuditExport({ ...opts, api: opts.api }, opts.out)
      : await auditExport(
          MxgConfigService.load().forGateway(opts.gateway!),
          opts.out,
          opts.witnessedLog,
        );
  const source = opts.api ?? opts.gateway!;
  printResult(
    opts,
    { source, out: opts.out, ...summary },
    () =>
      `audit export ${source}: ${summary.treeSize} entries, ${summary.checkpoints} checkpoints → ${opts.out === STDIO ? 'stdout' : opts.out}\n`,
    reportStream(opts.out),
  );
}

export interface AuditVerifyCliOptions extends JsonFlag {
  ca?: string[];
  auditCert?: string[];
  witnessed?: string[];
  /** Names given, false for --no-require-witness, true (commander's default) for neither. */
  requireWitness?: string[] | boolean;
}

const WITNESS_NAME = /^mxg\.[a-z]{2}\/witness$/;

/** The verdict of `mxg audit verify`, as an exit status; failures to check throw (exit 3). */
export async function auditVerify(
  file: string,
  opts: AuditVerifyCliOptions,
  given: string = file,
): Promise<number> {
  const required = opts.requireWitness;
  for (const name of Array.isArray(required) ? required : []) {
    if (!WITNESS_NAME.test(name))
      usageError(`--require-witness ${name}: expected mxg.<party>/witness`);
  }
  const trustedCas = await Promise.all((opts.ca ?? defaultCas()).map((p) => loadCertificatePem(p)));
  // Pins come with the trust they belong to: given ones, or the checkout's when its CAs are used.
  const pinned =
    opts.auditCert !== undefined
      ? await givenAuditCertificates(opts.auditCert)
      : opts.ca === undefined
        ? await configuredAuditCertificates()
        : new Map<string, X509Certificate[]>();
  const progress = progressReporter();
  const report = await verifyAuditExport(file, {
    trustedCas,
    pinned,
    witnessed: opts.witnessed,
    requireWitnesses: Array.isArray(required)
      ? required
      : required === false
        ? []
        : configuredWitnesses,
    onProgress: progress.update,
  });
  progress.done();
  printResult(opts, { file: given, ...reportJson(report) }, () => describe(report));
  return report.valid ? EXIT.ok : EXIT.invalid;
}

/** The report as JSON: hashes in base64, times in ISO 8601. */
function reportJson(report: AuditVerifyReport): Record<string, unknown> {
  const { latest, ...rest } = report;
  return {
    ...rest,
    latest:
      latest === undefined
        ? null
        : {
            treeSize: latest.treeSize,
            rootHash: latest.rootHash.toString('base64'),
            timestamp: latest.timestamp.toISOString(),
          },
  };
}

function describe(report: AuditVerifyReport): string {
  const witnesses = Object.entries(report.cosignatures)
    .map(([name, n]) => `${n} cosigned by ${name}`)
    .join(', ');
  const facts =
    `${report.entries} entries, ${report.checkpoints} checkpoints` +
    (witnesses ? ` (${witnesses})` : '') +
    (report.witnessedChecked > 0
      ? `, ${report.witnessedChecked} witnessed checkpoints matched`
      : '');
  const ignored = report.ignored.map(
    (i) => `  ignored: ${i.count} signature line(s) by ${i.keyName} key ${i.keyId}: ${i.reason}\n`,
  );
  if (report.finding !== undefined) {
    const f = report.finding;
    return (
      `audit verify: INVALID — ${report.origin}: ${f.problem}: ${f.message} (export line ${f.line})\n` +
      `  checked before that: ${facts}\n` +
      ignored.join('')
    );
  }
  const latest = report.latest;
  const lines = [
    `audit verify: VALID — ${report.origin}: ${facts}` +
      (latest
        ? `; latest: size ${latest.treeSize}, root ${latest.rootHash.toString('base64')}, signed ${latest.timestamp.toISOString()}`
        : ''),
    `  proven: ${
      latest
        ? `entries seq 0–${latest.treeSize - 1} are exactly those ${report.origin} committed to in its checkpoint of size ${latest.treeSize} signed at ${latest.timestamp.toISOString()}`
        : 'the log had no checkpoint'
    }, and the export is whole as its key signed it at ${report.exportedAt?.toISOString() ?? '?'}`,
    `  signed by: ${report.signers.map((s) => `${s.keyName} sha256:${s.sha256} (${s.notes})`).join(', ')}` +
      (report.logKeyPinned
        ? ' — pinned'
        : ' — any audit-checkpoint certificate of its CA (not pinned: --audit-cert)'),
    ...Object.entries(report.witnessedUpTo).map(
      ([w, at]) =>
        `  witnessed: ${w} cosigned up to size ${at.treeSize} (signed ${at.timestamp.toISOString()})`,
    ),
    ...report.witnessedCopies.map(
      (c) =>
        `  witnessed copy: ${c.witness} had countersigned up to size ${c.treeSize} as of ${c.exportedAt.toISOString()}; the export holds that history`,
    ),
    `  not proven: ${notProven(report)}`,
  ];
  return `${lines.join('\n')}\n${ignored.join('')}`;
}

/** What a VALID verdict does not show, so that nobody reads more into it. */
function notProven(report: AuditVerifyReport): string {
  const size = report.latest?.treeSize ?? 0;
  const witnessed = Math.max(
    0,
    ...Object.values(report.witnessedUpTo).map((w) => w.treeSize),
    ...report.witnessedCopies.map((c) => c.treeSize),
  );
  const after =
    witnessed >= size
      ? 'what the log committed after this export'
      : `entries seq ${witnessed}–${size - 1}: no witness saw them, so they rest on the log's own key alone (whoever holds it could have rewritten them)`;
  const copies =
    report.witnessedCopies.length === 0
      ? "; nor that the log was not cut back to an earlier checkpoint before this export — a witness's copy (--witnessed) shows that"
      : '';
  return `${after}${copies}`;
}

function defaultCas(): string[] {
  const certs = MxgConfigService.load().paths.certs;
  if (!existsSync(certs)) return [];
  return readdirSync(certs)
    .map((dir) => join(certs, dir, 'ca.cert.pem'))
    .filter((p) => existsSync(p));
}

/** The audit-checkpoint certificates this checkout configures, per party (its pins). */
async function configuredAuditCertificates(): Promise<Map<string, X509Certificate[]>> {
  const certs = MxgConfigService.load().paths.certs;
  const pinned = new Map<string, X509Certificate[]>();
  if (!existsSync(certs)) return pinned;
  for (const dir of readdirSync(certs)) {
    if (!/^[a-z]{2}$/.test(dir)) continue;
    const found = await loadAuditCheckpointCertificates(certs, dir.toUpperCase());
    if (found.certificates.length > 0) {
      pinned.set(
        dir.toUpperCase(),
        found.certificates.map((c) => c.certificate),
      );
    }
  }
  return pinned;
}

async function givenAuditCertificates(paths: string[]): Promise<Map<string, X509Certificate[]>> {
  const pinned = new Map<string, X509Certificate[]>();
  for (const path of paths) {
    const certificate = await loadCertificatePem(path);
    const problem = certificateProfileProblem(certificate, 'audit-checkpoint');
    const party = /(?:^|\n)C=([A-Z]{2})(?:\n|$)/.exec(certificate.subject)?.[1];
    if (problem !== undefined || party === undefined) {
      usageError(
        `--audit-cert ${path} is not an audit-checkpoint certificate: ${problem ?? 'its subject names no country'}`,
      );
    }
    pinned.set(party, [...(pinned.get(party) ?? []), certificate]);
  }
  return pinned;
}

/** The witnesses the log's own gateway is configured with, when run in a checkout that has it. */
function configuredWitnesses(origin: string): string[] {
  let config: MxgConfigService;
  try {
    config = MxgConfigService.load();
  } catch {
    return []; // not in a checkout: nothing configured to require
  }
  const party = partyOfKeyName(origin);
  for (const id of listGateways(config.paths.config)) {
    const gateway = config.forGateway(id).gateway;
    if (gateway.party.toUpperCase() === party) {
      return gateway.witnesses.map((w) => witnessKeyName(w.party));
    }
  }
  return [];
}

/** A bar on a terminal; plain lines otherwise (logs, CI), so a long run shows it is alive. */
function progressReporter(): { update: (done: number, total: number) => void; done: () => void } {
  const tty = process.stderr.isTTY === true;
  let lastLine = 0;
  let drawn = false;
  return {
    update(done, total) {
      const fraction = total > 0 ? Math.min(1, done / total) : 0;
      if (tty) {
        const width = 30;
        const filled = Math.round(fraction * width);
        process.stderr.write(
          `\r[${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${(fraction * 100).toFixed(0).padStart(3)}%  ${done}/${total} entries`,
        );
        drawn = true;
      } else if (Date.now() - lastLine >= 1000) {
        lastLine = Date.now();
        process.stderr.write(`audit verify: ${done}/${total} entries checked\n`);
      }
    },
    done() {
      if (drawn) process.stderr.write('\n');
    },
  };
}

async function auditExport(
  config: MxgConfigService,
  out: string,
  witnessedParty?: string,
): Promise<AuditExportSummary> {
  const clock = new SystemClock();
  // The gateway's audit key signs the export's statement: what makes it whole (#10.3).
  const key = await (await gatewayKeyStore(config)).auditCheckpoint();
  const db = new Client(
    postgresClientConfig(config.databaseUrl, { application_name: 'mxg-audit-export' }),
  );
  await db.connect();
  try {
    const summary = await exportAuditLog(db, openOutputStream(out), {
      party: config.gateway.party,
      signer: noteSignerFromKey(key),
      certificatePem: key.certificate.toString(),
      clock,
      witnessedParty,
    });
    // The export is itself on the record (issue 4: what auditors do is audited).
    await new AuditAppender(db, clock).append(
      auditExportedEvent({ role: 'auditor', user: 'mxg-cli' }, summary, witnessedParty),
    );
    return summary;
  } finally {
    await db.end();
  }
}
