import type { Command } from 'commander';
import { parseSignedData } from '@mxg/cms';
import { type AlgorithmPolicy, MxgConfigService, type TreatyRegistry } from '@mxg/config';
import { MxgError, SystemClock } from '@mxg/core';
import {
  agreementPolicy,
  decodeMessage,
  EnvelopeError,
  type LayerReport,
  type MessageHeader,
  readRoutingHeader,
  type TrustStore,
  verifySignedLayer,
} from '@mxg/envelope';
import { readCmsFile, readInputFile } from './cms-file';
import {
  decidingCode,
  describeHeader,
  describeLayer,
  exitStatusOf,
  layerReportJson,
  verdictLine,
  verdictOf,
} from './layer-report-output';
import { openTrustStore } from './trust-store';
import { parseAt, usageError } from './usage-error';

interface VerifyOptions {
  content?: string;
  party?: string;
  agreement?: string;
  json?: boolean;
  at?: string;
}

/** `mxg verify <file>`: any MXG SignedData, for security teams (MIG-9.3). */
export function registerVerifyCommand(program: Command): void {
  program
    .command('verify <file>')
    .description(
      'verify an MXG SignedData (envelope, signatory signature or detached signature): signer, chain, signing time, revocation, signatory authority (exit 0 valid, 1 invalid, 3 could not check)',
    )
    .option('--content <file>', 'the signed content, for a detached signature')
    .option(
      '--party <code>',
      'whose PKI issued the signer, when the file does not say (e.g. KZ); tried as a signatory, then as the gateway seal',
    )
    .option(
      '--agreement <code>',
      'whose algorithm policy applies, when the file does not say (default: the strict default policy)',
    )
    .option('--json', 'print the report as JSON')
    .option('--at <iso>', 'check revocation as of this time instead of now')
    .action(async (file: string, opts: VerifyOptions) => {
      process.exitCode = await verifyFile(file, opts);
    });
}

/** What the file is, and so whose signature, in which role, it must be. */
type Target =
  | { kind: 'outer'; header: MessageHeader; party: string }
  | { kind: 'inner'; header: MessageHeader; party: string }
  | { kind: 'other'; party: string }
  | { kind: 'malformed'; report: LayerReport };

async function verifyFile(file: string, opts: VerifyOptions): Promise<number> {
  const config = MxgConfigService.load();
  const { treaty } = config;
  const now = parseAt(opts.at, new SystemClock().now());
  const der = readCmsFile(file);
  const detachedContent = opts.content ? new Uint8Array(readInputFile(opts.content)) : undefined;
  const target = classify(der, detachedContent, opts);
  const trust = openTrustStore(config.paths.certs, treaty);
  if (target.kind !== 'malformed') assertCanCheck(target.party, treaty, trust, config.paths.certs);

  const verify = (
    role: 'seal' | 'signatory',
    party: string,
    policy: AlgorithmPolicy,
    authority?: string,
  ) =>
    verifySignedLayer(der, {
      layer: role === 'seal' ? 'outer' : 'inner',
      role,
      party,
      authority,
      trust,
      treaty,
      policy,
      now,
      detachedContent,
    });

  let title: string;
  let report: LayerReport;
  let alternative: LayerReport | undefined;
  const notes: string[] = [];
  switch (target.kind) {
    case 'malformed':
      title = 'not an MXG SignedData';
      report = target.report;
      break;
    case 'outer':
      title = `outer SignedData: sealed by ${target.party}'s gateway`;
      report = await verify('seal', target.party, agreementPolicy(target.header.agreement, treaty));
      notes.push(`  routing header: ${describeHeader(target.header)}`);
      notes.push(
        `  content: EnvelopedData for ${target.header.to.party}'s gateway (open it with mxg envelope open --as ${target.header.to.party})`,
      );
      break;
    case 'inner':
      title = `inner SignedData: signed for ${target.header.from.authority} (MIG-9.3)`;
      report = await verify(
        'signatory',
        target.party,
        agreementPolicy(target.header.agreement, treaty),
        target.header.from.authority,
      );
      notes.push(`  message: ${describeHeader(target.header)}`);
      break;
    case 'other': {
      const policy = opts.agreement
        ? treaty.agreement(opts.agreement).algorithms
        : agreementPolicy(undefined, treaty);
      const asSignatory = await verify('signatory', target.party, policy);
      const asSeal = await verify('seal', target.party, policy);
      // The role the signer's certificate actually has decides which report to show in full.
      const isSeal = asSeal.checks.some((c) => c.name === 'seal' && c.ok);
      report = isSeal ? asSeal : asSignatory;
      alternative = isSeal ? asSignatory : asSeal;
      title = isSeal
        ? `SignedData checked as ${target.party}'s gateway seal`
        : `SignedData checked as a signatory of ${target.party} (MIG-9.3)`;
      const other = alternative.checks.find((c) => c.name === (isSeal ? 'signatory' : 'seal'));
      if (other)
        notes.push(
          `  also tried as ${isSeal ? 'a signatory' : 'the gateway seal'}: ${other.detail}`,
        );
      break;
    }
  }
  if (detachedContent)
    notes.push(`  detached content: ${opts.content} (${detachedContent.length} bytes)`);

  const verdict = verdictOf([report]);
  const code = decidingCode([report]);
  if (opts.json) {
    const json = {
      file,
      valid: verdict === 'valid',
      verdict,
      code,
      kind: target.kind,
      party: target.kind === 'malformed' ? undefined : target.party,
      header: 'header' in target ? target.header : undefined,
      at: now.toISOString(),
      report: layerReportJson(report),
      alternative: alternative ? layerReportJson(alternative) : undefined,
    };
    process.stdout.write(`${JSON.stringify(json, null, 2)}\n`);
  } else {
    const [first, ...rest] = describeLayer(`${file}: ${title}`, report, treaty);
    const lines = [first, ...notes, ...rest, verdictLine(verdict, code)];
    process.stdout.write(`${lines.join('\n')}\n`);
  }
  return exitStatusOf(verdict);
}

/**
 * An envelope carries its routing header in the seal's signed attributes; a signatory's
 * signature carries (or is given) an MXG message, whose header names the signer's authority.
 * Anything else says nothing about its signer, so `--party` must.
 */
function classify(der: Uint8Array, detached: Uint8Array | undefined, opts: VerifyOptions): Target {
  let info;
  try {
    info = parseSignedData(der);
  } catch (error) {
    return {
      kind: 'malformed',
      report: malformed(
        `not a CMS SignedData: ${error instanceof Error ? error.message : String(error)}`,
      ),
    };
  }
  let header: MessageHeader | undefined;
  try {
    header = info.signers.length === 1 ? readRoutingHeader(info.signers[0]) : undefined;
  } catch (error) {
    if (!(error instanceof EnvelopeError)) throw error;
    return { kind: 'malformed', report: malformed(error.message.replace(/^[A-Z_]+: /, '')) };
  }
  if (header) return { kind: 'outer', header, party: header.from.party };
  if (!info.encapsulatedContent && !detached) {
    usageError('the signature is detached; give the signed file with --content <file>');
  }
  const content = info.encapsulatedContent ?? detached;
  const message = content && tryDecodeMessage(content);
  if (message) return { kind: 'inner', header: message.header, party: message.header.from.party };
  if (!opts.party) {
    usageError(
      'the file is neither an MXG envelope nor a signature over an MXG message; say whose PKI issued the signer with --party <code>',
    );
  }
  return { kind: 'other', party: opts.party.toUpperCase() };
}

function tryDecodeMessage(content: Uint8Array) {
  try {
    return decodeMessage(content);
  } catch {
    return undefined;
  }
}

function malformed(detail: string): LayerReport {
  return {
    layer: 'outer',
    checks: [{ name: 'structure', ok: false, code: 'MALFORMED_ENVELOPE', detail }],
    valid: false,
    inconclusive: false,
  };
}

/** Without the party's CA there is nothing to check against: that is "could not check". */
function assertCanCheck(
  party: string,
  treaty: TreatyRegistry,
  trust: TrustStore,
  certs: string,
): void {
  if (!treaty.allParties().some((p) => p.code === party)) {
    throw new MxgError('UNKNOWN_PARTY', `party ${party} is not configured in config/parties.yaml`);
  }
  try {
    trust.party(party);
  } catch {
    throw new MxgError(
      'TRUST_ANCHOR_MISSING',
      `no CA certificate of ${party} in ${certs}: cannot check its signatures`,
    );
  }
}
