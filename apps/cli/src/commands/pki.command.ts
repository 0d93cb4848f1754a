import { Option, type Command } from 'commander';
import { MxgConfigService } from '@mxg/config';
import { initPki, revokeCertificate, type KeyAlgorithm } from '@mxg/pki';
import { pkiPlanFromConfig } from './pki-plan';
import { openGatewayToken } from './pki-token';

const SIGNING_ALGORITHMS: KeyAlgorithm[] = [
  'ecdsa-p256',
  'ecdsa-p384',
  'rsa-2048',
  'rsa-3072',
  'rsa-4096',
];
const REASONS = ['unspecified', 'keyCompromise', 'superseded', 'cessationOfOperation'] as const;

/** `mxg pki init` and `mxg pki revoke`: the development PKI in `certs/`. */
export function registerPkiCommands(program: Command): void {
  const pki = program
    .command('pki')
    .description('the development PKI in certs/ (not for production keys)');

  pki
    .command('init')
    .description(
      'issue, where missing, each party’s CA, gateway seal, encryption and audit-checkpoint certificates, signatory certificates and CRL',
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
    .action(
      async (opts: {
        signingAlg: KeyAlgorithm;
        encryptionAlg: 'rsa-2048' | 'rsa-3072' | 'rsa-4096';
        pkcs11?: boolean;
      }) => {
        const config = MxgConfigService.load();
        const token = opts.pkcs11 === true ? openGatewayToken(config) : undefined;
        const report = await initPki({
          certsDir: config.paths.certs,
          parties: pkiPlanFromConfig(config),
          signingAlgorithm: opts.signingAlg,
          encryptionAlgorithm: opts.encryptionAlg,
          externalKeys: token?.holder,
        }).finally(() => token?.close());
        for (const r of report.reissued) {
          process.stdout.write(
            `pki: re-issued ${r.file}: ${r.reason}; the old pair is kept, unchanged, as ${r.supersededTo} and its key beside it\n`,
          );
        }
        for (const path of report.created) process.stdout.write(`pki: created ${path}\n`);
        if (token) {
          process.stdout.write(
            `pki: the keys of ${token.holder.party} are in ${token.holder.description}, not in files\n`,
          );
        }
        for (const path of report.updated) process.stdout.write(`pki: updated ${path}\n`);
        process.stdout.write(
          `pki: ${report.created.length} created, ${report.updated.length} updated, ${report.kept.length} kept in ${config.paths.certs}\n`,
        );
      },
    );

  pki
    .command('revoke <certificate>')
    .description('add a certificate to its issuing CA’s CRL')
    .addOption(
      new Option('--reason <reason>', 'revocation reason').choices(REASONS).default('unspecified'),
    )
    .action(async (certificate: string, opts: { reason: (typeof REASONS)[number] }) => {
      const config = MxgConfigService.load();
      const result = await revokeCertificate({
        certsDir: config.paths.certs,
        certificatePath: certificate,
        reason: opts.reason,
      });
      process.stdout.write(
        result.alreadyRevoked
          ? `pki: serial ${result.serial} was already revoked in ${result.crlPath}\n`
          : `pki: revoked serial ${result.serial} (${opts.reason}); CRL re-issued at ${result.crlPath}\n`,
      );
    });
}
