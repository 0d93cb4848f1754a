import { createWriteStream, existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Command } from 'commander';
import { Client } from 'pg';
import {
  AuditAppender,
  auditLogOrigin,
  verifyAuditExport,
  witnessKeyName,
  writeAuditExport,
  writeWitnessedExport,
  type AuditVerifyReport,
} from '@mxg/audit';
import { MxgConfigService } from '@mxg/config';
import { SystemClock } from '@mxg/core';
import { loadCertificatePem, partyPkiPaths } from '@mxg/pki';
import { EXIT } from '../cli-errors';

/** `mxg audit verify` (offline) and `mxg audit export` (from a gateway's database). */
export function registerAuditCommands(program: Command): void {
  const audit = program.command('audit').description('the tamper-evident audit log');

  audit
    .command('verify <export>')
    .description(
      'check an audit export offline: every entry, checkpoint signature and cosignature, consistency between checkpoints (exit 0 valid, 1 invalid, 3 could not check)',
    )
    .option('--ca <pem...>', "the parties' CA certificates (default: certs/*/ca.cert.pem)")
    .option(
      '--witnessed <file...>',
      "peers' witnessed copies of this log (mxg audit export --witnessed-log)",
    )
    .action(async (file: string, opts: { ca?: string[]; witnessed?: string[] }) => {
      process.exitCode = await auditVerify(file, opts);
    });

  audit
    .command('export')
    .description("write a gateway's audit log (up to its latest checkpoint) as JSON Lines")
    .requiredOption('--gateway <id>', 'the gateway whose database to read, e.g. kz')
    .requiredOption('--out <file>', 'where to write the export')
    .option(
      '--witnessed-log <party>',
      "instead, export this gateway's witnessed copy of <party>'s log",
    )
    .action(async (opts: { gateway: string; out: string; witnessedLog?: string }) => {
      const config = MxgConfigService.load().forGateway(opts.gateway);
      await auditExport(config, opts.out, opts.witnessedLog);
    });
}

/** The verdict of `mxg audit verify`, as an exit status; failures to check throw (exit 3). */
export async function auditVerify(
  file: string,
  opts: { ca?: string[]; witnessed?: string[] },
): Promise<number> {
  const trustedCas = await Promise.all((opts.ca ?? defaultCas()).map((p) => loadCertificatePem(p)));
  const progress = progressReporter();
  const report = await verifyAuditExport(file, {
    trustedCas: trustedCas,
    witnessed: opts.witnessed,
    onProgress: progress.update,
  });
  progress.done();
  process.stdout.write(describe(report));
  return report.valid ? EXIT.ok : EXIT.invalid;
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
  if (report.finding === undefined) {
    const latest = report.latest
      ? `; latest: size ${report.latest.treeSize}, root ${report.latest.rootHash.toString('base64')}, signed ${report.latest.timestamp.toISOString()}`
      : '';
    return `audit verify: VALID — ${report.origin}: ${facts}${latest}\n`;
  }
  const f = report.finding;
  return (
    `audit verify: INVALID — ${report.origin}: ${f.problem}: ${f.message} (export line ${f.line})\n` +
    `  checked before that: ${facts}\n`
  );
}

function defaultCas(): string[] {
  const certs = MxgConfigService.load().paths.certs;
  if (!existsSync(certs)) return [];
  return readdirSync(certs)
    .map((dir) => join(certs, dir, 'ca.cert.pem'))
    .filter((p) => existsSync(p));
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
): Promise<void> {
  const { party, id } = config.gateway;
  const clock = new SystemClock();
  const certificatePem = (
    await loadCertificatePem(
      partyPkiPaths(config.paths.certs, party).gateway.auditCheckpoint.certificate,
    )
  ).toString();
  const db = new Client({
    connectionString: config.databaseUrl,
    application_name: 'mxg-audit-export',
  });
  await db.connect();
  try {
    // One snapshot for the whole export, so entries and checkpoints agree.
    await db.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
    const file = createWriteStream(out, { mode: 0o600 });
    const summary =
      witnessedParty === undefined
        ? await writeAuditExport(db, file, { origin: auditLogOrigin(party), certificatePem, clock })
        : await writeWitnessedExport(db, file, {
            origin: auditLogOrigin(witnessedParty),
            witness: witnessKeyName(party),
            witnessCertificatePem: certificatePem,
            clock,
          });
    await db.query('COMMIT');
    // The export is itself on the record (issue 4: what auditors do is audited).
    await new AuditAppender(db, clock).append({
      type: 'audit.exported',
      actor: { role: 'auditor', user: 'mxg-cli' },
      details: {
        treeSize: summary.treeSize,
        checkpoints: summary.checkpoints,
        ...(witnessedParty === undefined ? {} : { witnessedLog: auditLogOrigin(witnessedParty) }),
      },
    });
    process.stdout.write(
      `audit export ${id}: ${summary.treeSize} entries, ${summary.checkpoints} checkpoints → ${out}\n`,
    );
  } finally {
    await db.end();
  }
}
