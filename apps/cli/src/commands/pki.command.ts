import { Option, type Command } from 'commander';
import { MxgConfigService } from '@mxg/config';
import {
  createCertificateRequest,
  gatewaySubject,
  initPki,
  initServicesPki,
  revokeCertificate,
  rotateKey,
  signatorySubject,
  type KeyAlgorithm,
} from '@mxg/pki';
import { JSON_OPTION_HELP, type JsonFlag, printResult } from '../cli-output';
import { pkiPlanFromConfig, signatoryPlan } from './pki-plan';
import { openGatewayToken } from './pki-token';
import { usageError } from './usage-error';

const SIGNING_ALGORITHMS: KeyAlgorithm[] = [
  'ecdsa-p256',
  'ecdsa-p384',
  'rsa-2048',
  'rsa-3072',
  'rsa-4096',
];
const REASONS = ['unspecified', 'keyCompromise', 'superseded', 'cessationOfOperation'] as const;

/**
 * `mxg pki init`, `revoke`, `rotate` and `csr`: the development PKI in `certs/`, its key
 * generations, and requests for a national CA.
 */
export function registerPkiCommands(program: Command): void {
  const pki = program
    .command('pki')
    .description('the development PKI in certs/ (not for production keys)');

  pki
    .command('init')
    .description(
      'issue, where missing, each party’s CA, gateway seal, encryption and audit-checkpoint certificates, TLS server, client and link certificates, signatory certificates and CRL, and the development services’ CA and PostgreSQL certificate',
    )
    .addOption(
      new Option('--signing-alg <alg>', 'key algorithm of CAs, seals and signatories')
        .choices(SIGNING_ALGORITHMS)
        .default('ecdsa-p256'),
    )
    .addOption(
      new Option(
        '--encryption-alg <alg>',
        'key algorithm of encryption (key transport) certificates',
      )
        .choices(['rsa-2048', 'rsa-3072', 'rsa-4096'])
        .default('rsa-2048'),
    )
    .option(
      '--pkcs11',
      "generate the keys of this gateway's party (MXG_GATEWAY) in its PKCS#11 token (its gateway file's keys: { store: pkcs11 }, PIN from MXG_PKCS11_PIN), non-extractable, and certify them; no key file is written for them",
    )
    .option('--json', JSON_OPTION_HELP)
    .action(
      async (
        opts: {
          signingAlg: KeyAlgorithm;
          encryptionAlg: 'rsa-2048' | 'rsa-3072' | 'rsa-4096';
          pkcs11?: boolean;
        } & JsonFlag,
      ) => {
        const config = MxgConfigService.load();
        const token = opts.pkcs11 === true ? openGatewayToken(config) : undefined;
        const report = await initPki({
          certsDir: config.paths.certs,
          parties: pkiPlanFromConfig(config),
          signingAlgorithm: opts.signingAlg,
          encryptionAlgorithm: opts.encryptionAlg,
          externalKeys: token?.holder,
        }).finally(() => token?.close());
        // #15: the CA of the services the parties share in development (one PostgreSQL).
        const services = await initServicesPki({ certsDir: config.paths.certs });
        report.created.push(...services.created);
        report.kept.push(...services.kept);
        const reissued: { file: string; reason: string; supersededTo?: string }[] = [
          ...services.reissued.map((r) => ({ file: r.file, reason: r.reason })),
          ...report.reissued.map((r) => ({
            file: r.file,
            reason: r.reason,
            supersededTo: r.supersededTo,
          })),
        ];
        const result = {
          certs: config.paths.certs,
          created: report.created,
          updated: report.updated,
          kept: report.kept,
          reissued,
          ...(token ? { keysIn: token.holder.description } : {}),
        };
        printResult(opts, result, () =>
          [
            ...reissued.map(
              (r) =>
                `pki: re-issued ${r.file}: ${r.reason}${r.supersededTo ? `; the old pair is kept, unchanged, as ${r.supersededTo} and its key beside it` : ''}\n`,
            ),
            ...report.created.map((path) => `pki: created ${path}\n`),
            // TLS keys stay files (pki-init: RabbitMQ and the TLS stacks read PEM files).
            ...(token
              ? [
                  `pki: the keys of ${token.holder.party} are in ${token.holder.description}, not in files (its TLS keys are files)\n`,
                ]
              : []),
            ...report.updated.map((path) => `pki: updated ${path}\n`),
            `pki: ${report.created.length} created, ${report.updated.length} updated, ${report.kept.length} kept in ${config.paths.certs}\n`,
          ].join(''),
        );
      },
    );

  pki
    .command('revoke <certificate>')
    .description('add a certificate to its issuing CA’s CRL')
    .addOption(
      new Option('--reason <reason>', 'revocation reason').choices(REASONS).default('unspecified'),
    )
    .option('--json', JSON_OPTION_HELP)
    .action(async (certificate: string, opts: { reason: (typeof REASONS)[number] } & JsonFlag) => {
      const config = MxgConfigService.load();
      const result = await revokeCertificate({
        certsDir: config.paths.certs,
        certificatePath: certificate,
        reason: opts.reason,
      });
      printResult(
        opts,
        {
          certificate,
          serial: result.serial,
          reason: opts.reason,
          alreadyRevoked: result.alreadyRevoked,
          crl: result.crlPath,
        },
        () =>
          result.alreadyRevoked
            ? `pki: serial ${result.serial} was already revoked in ${result.crlPath}\n`
            : `pki: revoked serial ${result.serial} (${opts.reason}); CRL re-issued at ${result.crlPath}\n`,
      );
    });

  pki
    .command('rotate')
    .description(
      'issue the next generation of a gateway seal or encryption key, valid from now; the previous one stays valid for the rest of its life, so peers accept both during the overlap',
    )
    .requiredOption('--party <code>', 'the party whose key rotates, e.g. KZ')
    .addOption(
      new Option('--key <key>', 'which gateway key')
        .choices(['seal', 'encryption'])
        .makeOptionMandatory(),
    )
    .option(
      '--overlap-days <days>',
      'warn when the previous generation ends sooner than this',
      parseDays,
    )
    .option(
      '--start <time>',
      'when the new generation comes into force (ISO 8601, default now): later lets peers trust its certificate before it is used',
    )
    .option('--json', JSON_OPTION_HELP)
    .action(
      async (
        opts: {
          party: string;
          key: 'seal' | 'encryption';
          overlapDays?: number;
          start?: string;
        } & JsonFlag,
      ) => {
        const config = MxgConfigService.load();
        const start = opts.start === undefined ? undefined : parseStart(opts.start);
        const result = await rotateKey({
          certsDir: config.paths.certs,
          party: opts.party,
          key: opts.key,
          overlapDays: opts.overlapDays,
          start,
        });
        printResult(
          opts,
          {
            party: opts.party.toUpperCase(),
            key: opts.key,
            generation: result.generation,
            certificate: result.certificate,
            serial: result.serial,
            notBefore: result.notBefore.toISOString(),
            notAfter: result.notAfter.toISOString(),
            previous: {
              generation: result.previous.generation,
              serial: result.previous.serial,
              notAfter: result.previous.notAfter.toISOString(),
            },
            overlapShortByDays: result.overlapShortBy ?? null,
          },
          () =>
            `pki: ${opts.party.toUpperCase()} ${opts.key} generation ${result.generation} issued at ${result.certificate} (serial ${result.serial}, valid ${result.notBefore.toISOString()} to ${result.notAfter.toISOString()}); generation ${result.previous.generation} (serial ${result.previous.serial}) stays valid until ${result.previous.notAfter.toISOString()}\n` +
            `pki: running gateways pick it up within seconds: the sender uses it from its notBefore, peers trust it once it is in their certificates directory (start it later with --start to give them time)\n`,
        );
        // A warning stays on standard error, with or without --json (where it is also a field).
        if (result.overlapShortBy !== undefined) {
          process.stderr.write(
            `pki: warning: generation ${result.previous.generation} ends ${result.overlapShortBy} day(s) before the ${opts.overlapDays}-day overlap asked for\n`,
          );
        }
      },
    );

  pki
    .command('csr')
    .description(
      'write a new key (0600) and a PKCS#10 certificate request for it to certs/<party>/requests/, for a national CA',
    )
    .requiredOption('--party <code>', 'the party the key belongs to, e.g. KZ')
    .addOption(
      new Option('--key <key>', 'which key')
        .choices(['seal', 'encryption', 'audit-checkpoint', 'signatory'])
        .makeOptionMandatory(),
    )
    .option('--signatory <id>', 'the signatory (with --key signatory), as in signatories.yaml')
    .addOption(
      new Option(
        '--alg <alg>',
        'key algorithm (default: rsa-2048 for encryption, else ecdsa-p256)',
      ).choices(SIGNING_ALGORITHMS),
    )
    .option('--json', JSON_OPTION_HELP)
    .action(
      async (
        opts: {
          party: string;
          key: 'seal' | 'encryption' | 'audit-checkpoint' | 'signatory';
          signatory?: string;
          alg?: KeyAlgorithm;
        } & JsonFlag,
      ) => {
        const config = MxgConfigService.load();
        const party = opts.party.toUpperCase();
        if ((opts.key === 'signatory') !== (opts.signatory !== undefined)) {
          usageError('--signatory <id> goes with --key signatory, and only with it');
        }
        const subject =
          opts.signatory === undefined
            ? gatewaySubject(party, opts.key as 'seal' | 'encryption' | 'audit-checkpoint')
            : signatorySubject(party, signatoryPlan(config, opts.signatory));
        const result = await createCertificateRequest({
          certsDir: config.paths.certs,
          party,
          profile: opts.key,
          signatoryId: opts.signatory,
          subject,
          keyAlgorithm: opts.alg,
        });
        printResult(
          opts,
          { party, key: opts.key, request: result.request, privateKey: result.privateKey },
          () =>
            `pki: request ${result.request} (key ${result.privateKey}, mode 0600): send the request to the CA; the key never leaves this machine\n`,
        );
      },
    );
}

function parseDays(value: string): number {
  const days = Number(value);
  if (!Number.isInteger(days) || days < 0 || days > 3650) {
    usageError(`--overlap-days must be a whole number of days (0-3650), not '${value}'`);
  }
  return days;
}

function parseStart(value: string): Date {
  const at = new Date(value);
  if (!/^\d{4}-\d{2}-\d{2}/.test(value) || Number.isNaN(at.getTime())) {
    usageError(`--start ${value} is not an ISO 8601 time (e.g. 2026-12-07T00:00:00Z)`);
  }
  return at;
}
