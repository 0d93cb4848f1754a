import type { X509Certificate } from 'node:crypto';
import { Option, type Command } from 'commander';
import { parseSignedData } from '@mxg/cms';
import { MxgConfigService, type TreatyRegistry } from '@mxg/config';
import { JsonError, MxgError, parseStrictJson, SystemClock } from '@mxg/core';
import {
  assertExchangeAllowed,
  decodeMessage,
  encodeMessage,
  EnvelopeError,
  FileKeyStore,
  FileTrustStore,
  INCONCLUSIVE_CODES,
  type MxgMessage,
  openEnvelope,
  sealEnvelope,
  type SealEnvelopeInput,
  verifySignedLayer,
} from '@mxg/envelope';
import { checkMessageBody } from '@mxg/messages';
import { EXIT } from '../cli-errors';
import { type JsonFlag, printResult } from '../cli-output';
import { readCmsFile, readInputFile, writeOutputFile } from './cms-file';
import { type MessageHeaderFlags, messageFromJson } from './envelope-message';
import { findingLines } from './message-findings';
import {
  decidingCode,
  describeHeader,
  describeLayer,
  exitStatusOf,
  layerReportJson,
  verdictLine,
  verdictOf,
} from './layer-report-output';
import { inputName, reportStream, STDIO } from './std-io';
import { openTrustStore } from './trust-store';
import { parseAt, usageError } from './usage-error';

interface SealOptions extends MessageHeaderFlags, JsonFlag {
  signatory?: string;
  signed?: string;
  out: string;
  innerOut?: string;
}

interface OpenOptions {
  as: string;
  maxSkew: string;
  at?: string;
  json?: boolean;
  innerOut?: string;
  outerOut?: string;
}

/** `mxg envelope seal` and `mxg envelope open`: the CMS triple wrap by hand (issue 3). */
export function registerEnvelopeCommands(program: Command): void {
  const envelope = program
    .command('envelope')
    .description(
      'the secure envelope: signatory signature, encryption for the recipient, gateway seal',
    );

  envelope
    .command('seal [message]')
    .description(
      'seal a message (a JSON {header, body} file or - for standard input, or a body plus --from/--to/--type/--agreement) for its recipient: signed by a signatory, encrypted for the recipient gateway, sealed by the sender gateway',
    )
    .option(
      '--signatory <id>',
      "sign with this signatory's key, held under certs/<party>/signatories/",
    )
    .option('--signed <inner.p7s>', 'wrap a SignedData the signatory already made (checked first)')
    .option('--from <authority>', 'sending competent authority, e.g. KZ-MVD (body-only file)')
    .option('--to <authority>', 'receiving competent authority, e.g. AZ-DMX (body-only file)')
    .option('--type <type>', 'message type, e.g. request (body-only file)')
    .option('--agreement <code>', 'agreement, e.g. MIG (body-only file)')
    .option('--correlation-id <uuid>', 'conversation id (default: the new id, or --in-reply-to)')
    .option('--in-reply-to <id>', 'the message this one answers')
    .option('--in-reply-to-digest <sha256:hex>', "the answered message's digest")
    .requiredOption(
      '--out <envelope.p7m>',
      'where to write the envelope (DER; - for standard output)',
    )
    .option('--inner-out <inner.p7s>', "also write the signatory's SignedData (DER)")
    .option(
      '--json',
      'print {sealed, id, header, digest, out, bytes} (to standard error with --out -); errors as {code, message}',
    )
    .action(async (file: string | undefined, opts: SealOptions) => {
      process.exitCode = await seal(file, opts);
    });

  envelope
    .command('open <envelope>')
    .description(
      'open an envelope (a file, or - for standard input) as its recipient: check the seal, decrypt, check the signatory, print the message (exit 0 opened, 1 refused, 3 could not check)',
    )
    .requiredOption('--as <party>', 'the receiving party whose encryption key to use, e.g. AZ')
    .addOption(
      new Option('--max-skew <seconds>', 'how far signing times may be from now').default('300'),
    )
    .option('--at <iso>', 'open as of this time (an old artefact); skew is measured against it')
    .option('--json', 'print {message, header, digest, signatoryId, outer, inner} as JSON')
    .option('--inner-out <inner.p7s>', "write the signatory's SignedData (DER)")
    .option('--outer-out <outer.p7s>', "write the gateway's SignedData, i.e. the envelope (DER)")
    .action(async (file: string, opts: OpenOptions) => {
      process.exitCode = await open(file, opts);
    });
}

async function seal(file: string | undefined, opts: SealOptions): Promise<number> {
  if ((opts.signatory === undefined) === (opts.signed === undefined)) {
    usageError('give exactly one of --signatory <id> and --signed <inner.p7s>');
  }
  if (file === undefined && opts.signed === undefined) {
    usageError('give the message file (or --signed with a SignedData that carries the message)');
  }
  if ([file, opts.signed].filter((f) => f === STDIO).length > 1) {
    usageError('only one input can be standard input (-)');
  }
  if (opts.out === STDIO && opts.innerOut === STDIO) {
    usageError('--out - and --inner-out -: only one output can be standard output');
  }
  const config = MxgConfigService.load();
  const { treaty } = config;
  const trust = openTrustStore(config.paths.certs, treaty);
  const now = new SystemClock().now();
  const fromFile =
    file === undefined ? undefined : messageFromJson(readJson(file), opts, treaty, now);

  try {
    let message: MxgMessage;
    let signatory: SealEnvelopeInput['signatory'];
    if (opts.signed !== undefined) {
      const signedData = readCmsFile(opts.signed);
      const checked = await checkPresigned(signedData, fromFile, trust, treaty, now);
      if (typeof checked === 'number') return checked;
      message = checked.message;
      signatory = { signedData, certificate: checked.certificate };
    } else {
      message = fromFile!;
      assertSignatoryOnList(opts.signatory!, message, treaty, now);
      signatory = await new FileKeyStore(config.paths.certs, message.header.from.party).signatory(
        opts.signatory!,
      );
    }
    const { header } = message;
    // The body as the gateways check it (@mxg/messages): the peer would refuse it unopened.
    const body = checkMessageBody(header.type, message.body, config.vocabulary, now);
    if (body.problems.length > 0) {
      if (opts.json) {
        printResult(
          opts,
          { sealed: false, type: header.type, problems: body.problems, warnings: body.warnings },
          () => '',
        );
        return EXIT.invalid;
      }
      process.stderr.write(
        [
          `mxg: envelope seal: the ${header.type} body is invalid (${body.problems.length} problem${body.problems.length === 1 ? '' : 's'}); not sealed`,
          ...findingLines(body.problems),
          '',
        ].join('\n'),
      );
      return EXIT.invalid;
    }
    if (body.warnings.length > 0) {
      process.stderr.write([...findingLines(body.warnings, 'warning '), ''].join('\n'));
    }
    assertExchangeAllowed(header, treaty, now);
    const recipient = recipientCertificate(trust, header.to.party);
    if (!recipient) {
      throw new MxgError(
        'RECIPIENT_CERTIFICATE_MISSING',
        `no encryption certificate of ${header.to.party}'s gateway in ${config.paths.certs}`,
      );
    }
    const sealed = await sealEnvelope({
      message,
      signatory,
      seal: await new FileKeyStore(config.paths.certs, header.from.party).seal(),
      recipient,
      trust,
      policy: treaty.agreement(header.agreement).algorithms,
      signingTime: now,
    });
    writeOutputFile(opts.out, sealed.envelope);
    if (opts.innerOut) writeOutputFile(opts.innerOut, sealed.inner);
    const named = (path: string) => (path === STDIO ? 'stdout' : path);
    printResult(
      opts,
      {
        sealed: true,
        id: header.id,
        header,
        digest: sealed.digest,
        out: opts.out,
        bytes: sealed.envelope.length,
        ...(opts.innerOut ? { innerOut: opts.innerOut, innerBytes: sealed.inner.length } : {}),
        warnings: body.warnings,
      },
      () =>
        [
          `sealed ${describeHeader(header)}`,
          `id      ${header.id}`,
          `digest  ${sealed.digest}`,
          `wrote   ${named(opts.out)} (${sealed.envelope.length} bytes)${opts.innerOut ? `, ${named(opts.innerOut)} (${sealed.inner.length} bytes)` : ''}`,
          '',
        ].join('\n'),
      reportStream(opts.out, opts.innerOut),
    );
    return EXIT.ok;
  } catch (error) {
    if (!(error instanceof EnvelopeError)) throw error;
    if (opts.json) {
      process.stdout.write(
        `${JSON.stringify({ code: error.code, message: detailOf(error), layer: error.layer }, null, 2)}\n`,
      );
    }
    return refused('envelope seal', error);
  }
}

/**
 * A SignedData the signatory made elsewhere is checked as the receiver will check it — chain,
 * revocation, the signer on the sending authority's list (MIG-9.3) — before it is wrapped: a
 * gateway must not seal what its peer will refuse. Returns the message and the signatory's
 * certificate it was matched to, or an exit status.
 */
async function checkPresigned(
  signedData: Uint8Array,
  fromFile: MxgMessage | undefined,
  trust: FileTrustStore,
  treaty: TreatyRegistry,
  now: Date,
): Promise<{ message: MxgMessage; certificate: X509Certificate } | number> {
  let content: Uint8Array | undefined;
  try {
    content = parseSignedData(signedData).encapsulatedContent;
  } catch {
    throw new EnvelopeError('MALFORMED_ENVELOPE', '--signed is not a CMS SignedData', 'inner');
  }
  if (!content) {
    usageError(
      '--signed is a detached signature; the envelope needs the message inside it (openssl cms -sign -nodetach)',
    );
  }
  const message = decodeMessage(content);
  if (fromFile && Buffer.compare(encodeMessage(fromFile), encodeMessage(message)) !== 0) {
    throw new EnvelopeError(
      'HEADER_MISMATCH',
      'the message file is not the message the signatory signed',
      'message',
    );
  }
  const { header } = message;
  assertExchangeAllowed(header, treaty, now);
  const report = await verifySignedLayer(signedData, {
    layer: 'inner',
    role: 'signatory',
    party: header.from.party,
    authority: header.from.authority,
    trust,
    treaty,
    policy: treaty.agreement(header.agreement).algorithms,
    now,
  });
  const verdict = verdictOf([report]);
  if (verdict !== 'valid') {
    const lines = describeLayer('the signatory’s SignedData (--signed):', report, treaty);
    process.stderr.write(`${lines.join('\n')}\n${verdictLine(verdict, decidingCode([report]))}\n`);
    process.stderr.write('mxg: envelope seal: not sealed\n');
    return exitStatusOf(verdict);
  }
  const skewMs = Math.abs(now.getTime() - (report.signingTime?.getTime() ?? now.getTime()));
  if (skewMs > 5 * 60_000) {
    process.stderr.write(
      `mxg: note: the signatory signed at ${report.signingTime?.toISOString()}; receivers refuse signing times more than their allowed skew (5 min by default) from receipt\n`,
    );
  }
  return { message, certificate: trust.signatoryCertificate(report.signatoryId!)! };
}

/** The signatory must be on the sending authority's list today (MIG-9.3), or the peer refuses. */
function assertSignatoryOnList(id: string, message: MxgMessage, treaty: TreatyRegistry, now: Date) {
  const { authority } = message.header.from;
  if (!treaty.isSignatoryAuthorised(id, authority, now)) {
    throw new EnvelopeError(
      'SIGNATORY_NOT_AUTHORISED',
      `${id} is not on ${authority}'s list of authorised signatories on ${now.toISOString().slice(0, 10)} (MIG-9.3)`,
      'inner',
    );
  }
}

async function open(file: string, opts: OpenOptions): Promise<number> {
  const config = MxgConfigService.load();
  const { treaty } = config;
  const self = opts.as.toUpperCase();
  treaty.party(self); // UNKNOWN_PARTY: could not check
  const maxSkewSeconds = Number(opts.maxSkew);
  if (!Number.isFinite(maxSkewSeconds) || maxSkewSeconds < 0) {
    usageError(`--max-skew ${opts.maxSkew} is not a number of seconds`);
  }
  const now = parseAt(opts.at, new SystemClock().now());
  if (opts.innerOut === STDIO || opts.outerOut === STDIO) {
    usageError(
      'envelope open prints the message on standard output: write --inner-out and --outer-out to files',
    );
  }
  const envelope = readCmsFile(file);
  const trust = openTrustStore(config.paths.certs, treaty);

  let opened;
  try {
    opened = await openEnvelope(envelope, {
      self,
      keys: new FileKeyStore(config.paths.certs, self),
      trust,
      treaty,
      now,
      maxSkewMs: maxSkewSeconds * 1000,
    });
  } catch (error) {
    if (!(error instanceof EnvelopeError)) throw error;
    if (opts.json) {
      const json = {
        valid: false,
        verdict: verdictFor(error),
        code: error.code,
        layer: error.layer,
      };
      // `message` as every --json error has it; `detail` as before.
      const message = detailOf(error);
      process.stdout.write(`${JSON.stringify({ ...json, message, detail: message }, null, 2)}\n`);
    }
    return refused('envelope open', error);
  }

  const outer = opened.outer;
  const inner = opened.innerReport;
  const verdict = verdictOf([outer, inner]);
  const summary = [
    ...describeLayer('outer SignedData (gateway seal):', outer, treaty),
    ...describeLayer('inner SignedData (signatory):', inner, treaty),
  ];
  if (verdict !== 'valid') {
    // Only "could not check" gets here: openEnvelope refuses everything else itself.
    if (opts.json) {
      const json = {
        valid: false,
        verdict,
        code: decidingCode([outer, inner]),
        outer: layerReportJson(outer),
        inner: layerReportJson(inner),
      };
      process.stdout.write(`${JSON.stringify(json, null, 2)}\n`);
    }
    process.stderr.write(
      `${summary.join('\n')}\n${verdictLine(verdict, decidingCode([outer, inner]))}\n`,
    );
    return exitStatusOf(verdict);
  }
  if (opts.outerOut) writeOutputFile(opts.outerOut, envelope);
  if (opts.innerOut) writeOutputFile(opts.innerOut, opened.inner);
  if (opts.json) {
    const json = {
      valid: true,
      message: opened.message,
      header: opened.header,
      digest: opened.digest,
      signatoryId: opened.signatoryId,
      outer: layerReportJson(outer),
      inner: layerReportJson(inner),
    };
    process.stdout.write(`${JSON.stringify(json, null, 2)}\n`);
  } else {
    process.stdout.write(`${JSON.stringify(opened.message, null, 2)}\n`);
    process.stderr.write(
      `${summary.join('\n')}\nOPENED ${describeHeader(opened.header)}; signatory ${opened.signatoryId}; digest ${opened.digest}\n`,
    );
  }
  return EXIT.ok;
}

function recipientCertificate(trust: FileTrustStore, party: string) {
  try {
    return trust.party(party).encryption;
  } catch {
    return undefined;
  }
}

/** The message to sign, read strictly: it is signed as its bytes spell it, or refused. */
function readJson(file: string): unknown {
  try {
    return parseStrictJson(readInputFile(file));
  } catch (error) {
    if (!(error instanceof JsonError)) throw error;
    return usageError(
      `${inputName(file)} is not JSON that can be signed exactly as written: ${error.message}`,
    );
  }
}

function verdictFor(error: EnvelopeError): 'invalid' | 'could-not-check' {
  return INCONCLUSIVE_CODES.includes(error.code) || error.code === 'KEY_NOT_AVAILABLE'
    ? 'could-not-check'
    : 'invalid';
}

function detailOf(error: EnvelopeError): string {
  return error.message.replace(/^[A-Z_]+: /, '');
}

/** A refusal is a verdict (exit 1); a missing key or CRL means it could not be reached (exit 3). */
function refused(command: string, error: EnvelopeError): number {
  const verdict = verdictFor(error);
  const what = verdict === 'invalid' ? 'REFUSED' : 'COULD NOT CHECK';
  const layer = error.layer ? ` (${error.layer} layer)` : '';
  process.stderr.write(`mxg: ${command}: ${what}${layer} — ${error.code}: ${detailOf(error)}\n`);
  return exitStatusOf(verdict);
}
