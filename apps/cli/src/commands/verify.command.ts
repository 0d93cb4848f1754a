import type { Command } from 'commander';
import { MxgConfigService, type TreatyRegistry } from '@mxg/config';
import { MxgError, SystemClock } from '@mxg/core';
import type { SignatoryDirectory, TrustStore } from '@mxg/envelope';
import {
  checkClassified,
  classifySignature,
  SignatureCheckError,
  signatureCheckJson,
  type SignatureTarget,
} from '@mxg/evidence';
import { readCmsFile, readInputFile } from './cms-file';
import { describeLayer, exitStatusOf, verdictLine } from './layer-report-output';
import { SignatoryListFile } from './signatory-list-file';
import { offerCrlFiles, openGivenTrust, openTrustStore } from './trust-store';
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

  const check = await checkClassified(target, {
    der,
    detachedContent,
    trust,
    treaty,
    signatories: list satisfies SignatoryDirectory | undefined,
    authorityOf: list && ((certificate) => list.authorityOf(certificate)),
    now,
    party: opts.party,
    unlabelledPolicy: opts.agreement
      ? () =>
          treaty?.agreement(opts.agreement!).algorithms ??
          usageError('--agreement needs a checkout')
      : undefined,
  });
  const notes = [...check.notes];
  if (detachedContent)
    notes.push(`  detached content: ${opts.content} (${detachedContent.length} bytes)`);
  if (list) notes.push(`  signatory lists: ${list.description}`);

  if (opts.json) {
    const json = { file, ...signatureCheckJson(check) };
    process.stdout.write(`${JSON.stringify(json, null, 2)}\n`);
  } else {
    const [first, ...rest] = describeLayer(`${file}: ${check.title}`, check.report, treaty);
    const lines = [first, ...notes, ...rest, verdictLine(check.verdict, check.code)];
    process.stdout.write(`${lines.join('\n')}\n`);
  }
  return exitStatusOf(check.verdict);
}

function tryLoadConfig(): MxgConfigService | undefined {
  try {
    return MxgConfigService.load();
  } catch {
    return undefined;
  }
}

/** What the file is (`classifySignature`), with what to do when that cannot be told. */
function classify(
  der: Uint8Array,
  detachedContent: Uint8Array | undefined,
  opts: VerifyOptions,
  trust: TrustStore,
): SignatureTarget {
  try {
    return classifySignature(der, { detachedContent, party: opts.party, trust });
  } catch (error) {
    if (!(error instanceof SignatureCheckError)) throw error;
    if (error.code === 'DETACHED_CONTENT_MISSING') {
      usageError('the signature is detached; give the signed file with --content <file>');
    }
    if (error.code === 'SIGNER_PARTY_UNKNOWN') {
      const issuer = error.details.issuer;
      usageError(
        typeof issuer === 'string'
          ? `the signer's issuer (${issuer}) is none of the trusted CAs; give its CA with --ca <pem>, or the party with --party <code>`
          : 'the signature carries no signer certificate; say whose PKI issued the signer with --party <code>',
      );
    }
    throw error;
  }
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
