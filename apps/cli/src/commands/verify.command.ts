import { X509Certificate } from 'node:crypto';
import type { Command } from 'commander';
import { parseSignedData } from '@mxg/cms';
import {
  type AlgorithmPolicy,
  defaultAlgorithmPolicy,
  MxgConfigService,
  type TreatyRegistry,
} from '@mxg/config';
import { MxgError, SystemClock } from '@mxg/core';
import {
  agreementPolicy,
  decodeMessage,
  EnvelopeError,
  type LayerReport,
  type MessageHeader,
  RECEIPT_FORMAT,
  type Receipt,
  receiptSchema,
  readRoutingHeader,
  type SignatoryDirectory,
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
import { SignatoryListFile } from './signatory-list-file';
import { offerCrlFiles, openGivenTrust, openTrustStore, partyOfIssuer } from './trust-store';
import { parseAt, usageError } from './usage-error';

interface VerifyOptions {
  content?: string;
  party?: string;
  agreement?: string;
  json?: boolean;
  at?: string;
  ca: string[];
  seal: string[];
  crl: string[];
  signatories?: string;
}

const collect = (value: string, previous: string[]) => [...previous, value];

/** `mxg verify <file>`: any MXG artefact, for security teams (MIG-9.3, MIG-11.4). */
export function registerVerifyCommand(program: Command): void {
  program
    .command('verify <file>')
    .description(
      'verify any MXG artefact — envelope, signatory signature (MXG or plain openssl cms), detached signature, receipt: signer, chain, revocation as of signing time, signing time, seal or signatory authority (exit 0 valid, 1 invalid, 3 could not check)',
    )
    .option('--content <file>', 'the signed content, for a detached signature')
    .option(
      '--party <code>',
      "whose PKI issued the signer; by default found from the signer's issuer among the trust anchors",
    )
    .option(
      '--agreement <code>',
      'whose algorithm policy applies, when the file does not say (default: the strict default policy)',
    )
    .option('--json', 'print the report as JSON')
    .option(
      '--at <iso>',
      "this verifier's clock (default: now); revocation is judged as of signing time",
    )
    .option(
      '--ca <pem>',
      "a party's CA certificate to trust instead of the checkout's (repeatable; the party is its subject's country, else --party)",
      collect,
      [],
    )
    .option(
      '--seal <pem>',
      'a gateway seal certificate, issued by a --ca (repeatable): what a receipt or envelope must be sealed with',
      collect,
      [],
    )
    .option(
      '--crl <file>',
      'a CRL (PEM or DER) to judge revocation from, beside those known (repeatable: several versions make an offline archive)',
      collect,
      [],
    )
    .option(
      '--signatories <file>',
      'the signatory lists to judge by (MIG-9.3): a signatories.yaml, or a signatory-list-update (body or message)',
    )
    .action(async (file: string, opts: VerifyOptions) => {
      process.exitCode = await verifyFile(file, opts);
    });
}

/** What the file is, and so whose signature, in which role, it must be. */
type Target =
  | { kind: 'outer'; header: MessageHeader; party: string }
  | { kind: 'inner'; header: MessageHeader; party: string }
  | { kind: 'receipt'; receipt: Receipt; party: string }
  | { kind: 'other'; party: string; signer?: X509Certificate }
  | { kind: 'malformed'; report: LayerReport };

async function verifyFile(file: string, opts: VerifyOptions): Promise<number> {
  const given = opts.ca.length > 0;
  // Outside a checkout (--ca) there may be no configuration at all; inside one it is needed.
  const config = given ? tryLoadConfig() : MxgConfigService.load();
  const treaty = config?.treaty;
  const now = parseAt(opts.at, new SystemClock().now());
  const der = readCmsFile(file);
  const detachedContent = opts.content ? new Uint8Array(readInputFile(opts.content)) : undefined;
  const trust: TrustStore = given
    ? openGivenTrust(opts.ca, opts.seal, opts.party?.toUpperCase())
    : openTrustStore(config!.paths.certs, treaty!);
  offerCrlFiles(trust, opts.crl, now);
  const list = opts.signatories
    ? SignatoryListFile.read(opts.signatories, config?.paths.certs)
    : undefined;
  const target = classify(der, detachedContent, opts, trust);
  if (target.kind !== 'malformed') assertCanCheck(target.party, treaty, trust, given, config);
  const policyOf = (agreement: string | undefined): AlgorithmPolicy =>
    treaty ? agreementPolicy(agreement, treaty) : defaultAlgorithmPolicy();

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
      signatories: list satisfies SignatoryDirectory | undefined,
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
      report = await verify('seal', target.party, policyOf(target.header.agreement));
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
        policyOf(target.header.agreement),
        target.header.from.authority,
      );
      notes.push(`  message: ${describeHeader(target.header)}`);
      break;
    case 'receipt':
      title = `receipt (${RECEIPT_FORMAT}): sealed by ${target.party}'s gateway`;
      report = await verify('seal', target.party, policyOf(undefined));
      notes.push(...describeReceipt(target.receipt));
      break;
    case 'other': {
      const policy = opts.agreement
        ? (treaty?.agreement(opts.agreement).algorithms ??
          usageError('--agreement needs a checkout'))
        : policyOf(undefined);
      const authority = target.signer && list?.authorityOf(target.signer);
      const asSignatory = await verify('signatory', target.party, policy, authority);
      const asSeal = await verify('seal', target.party, policy);
      // The role the signer's certificate actually has decides which report to show in full.
      const isSeal = asSeal.checks.some((c) => c.name === 'seal' && c.ok);
      report = isSeal ? asSeal : asSignatory;
      alternative = isSeal ? asSignatory : asSeal;
      title = isSeal
        ? `SignedData checked as ${target.party}'s gateway seal`
        : `SignedData checked as a signatory of ${target.party} (MIG-9.3)`;
      if (!opts.party) notes.push(`  party: ${target.party}, found from the signer's issuer`);
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
  if (list) notes.push(`  signatory lists: ${list.description}`);

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
      receipt: target.kind === 'receipt' ? target.receipt : undefined,
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

function tryLoadConfig(): MxgConfigService | undefined {
  try {
    return MxgConfigService.load();
  } catch {
    return undefined;
  }
}

/**
 * An envelope carries its routing header in the seal's signed attributes; a signatory's
 * signature carries (or is given) an MXG message, whose header names the signer's authority; a
 * receipt names the party that sealed it. Anything else is found by its signer's issuer among
 * the trust anchors (or `--party` says whose it is).
 */
function classify(
  der: Uint8Array,
  detached: Uint8Array | undefined,
  opts: VerifyOptions,
  trust: TrustStore,
): Target {
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
  const receipt = info.encapsulatedContent && tryReadReceipt(info.encapsulatedContent);
  if (receipt) return { kind: 'receipt', receipt, party: receipt.from };
  const carried = info.signers.length === 1 ? info.signers[0].certificate : undefined;
  const signer = carried ? toCertificate(carried) : undefined;
  if (opts.party) return { kind: 'other', party: opts.party.toUpperCase(), signer };
  const party = signer && partyOfIssuer(trust, signer);
  if (!party) {
    usageError(
      signer
        ? `the signer's issuer (${oneLine(signer.issuer)}) is none of the trusted CAs; give its CA with --ca <pem>, or the party with --party <code>`
        : 'the signature carries no signer certificate; say whose PKI issued the signer with --party <code>',
    );
  }
  return { kind: 'other', party, signer };
}

function tryDecodeMessage(content: Uint8Array) {
  try {
    return decodeMessage(content);
  } catch {
    return undefined;
  }
}

function tryReadReceipt(content: Uint8Array): Receipt | undefined {
  try {
    const parsed = receiptSchema.safeParse(JSON.parse(Buffer.from(content).toString('utf8')));
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}

function toCertificate(der: Uint8Array): X509Certificate | undefined {
  try {
    return new X509Certificate(Buffer.from(der));
  } catch {
    return undefined;
  }
}

function oneLine(name: string): string {
  return name.split('\n').filter(Boolean).join(', ');
}

/** What the receiving gateway stated under its seal: ids, codes and times only. */
function describeReceipt(receipt: Receipt): string[] {
  const outcome =
    receipt.status === 'accepted' ? 'accepted' : `rejected (${receipt.code ?? 'no code'})`;
  const lines = [
    `  receipt: message ${receipt.messageId} ${outcome} by ${receipt.from} (sent by ${receipt.to})`,
    `  received at: ${receipt.receivedAt}`,
  ];
  if (receipt.signedAt)
    lines.push(`  signed at: ${receipt.signedAt} (the signatory's signing time)`);
  if (receipt.sealedAt) lines.push(`  sealed at: ${receipt.sealedAt} (the sending gateway's seal)`);
  if (receipt.digest) lines.push(`  content digest: ${receipt.digest}`);
  if (receipt.receivedOn && receipt.dueOn)
    lines.push(`  received on ${receipt.receivedOn}, due on ${receipt.dueOn} (MIG-10.3)`);
  return lines;
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
  treaty: TreatyRegistry | undefined,
  trust: TrustStore,
  given: boolean,
  config: MxgConfigService | undefined,
): void {
  if (!given && treaty && !treaty.allParties().some((p) => p.code === party)) {
    throw new MxgError('UNKNOWN_PARTY', `party ${party} is not configured in config/parties.yaml`);
  }
  try {
    trust.party(party);
  } catch {
    throw new MxgError(
      'TRUST_ANCHOR_MISSING',
      given
        ? `no --ca of ${party} was given: cannot check its signatures`
        : `no CA certificate of ${party} in ${config?.paths.certs}: cannot check its signatures`,
    );
  }
}
