/**
 * The development PKI checked by the real OpenSSL CLI rather than by the library that wrote it:
 * chains, CRLs, key usages and the CMS signer/recipient purposes the gateway relies on.
 */
import {
  AUDIT_CHECKPOINT_KEY_PURPOSE,
  initPki,
  KeyAlgorithm,
  partyPkiPaths,
  PkiInitOptions,
  PkiPartyPlan,
  revokeCertificate,
} from '@mxg/pki';
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** Fixed flags written as one string; paths always go in as separate arguments. */
const flags = (text: string): string[] => text.split(' ');

async function openssl(...args: string[]): Promise<string> {
  const { stdout, stderr } = await run('openssl', args);
  return stdout + stderr;
}

/** Resolves to OpenSSL's combined output when the command fails; throws if it succeeds. */
async function opensslFailure(...args: string[]): Promise<string> {
  try {
    await run('openssl', args);
  } catch (error) {
    const { stdout, stderr } = error as { stdout: string; stderr: string };
    return stdout + stderr;
  }
  throw new Error(`openssl ${args.join(' ')} unexpectedly succeeded`);
}

const parties: PkiPartyPlan[] = [
  {
    code: 'KZ',
    nameEn: 'Republic of Kazakhstan',
    signatories: [
      {
        id: 'kz-mvd-1',
        authorityCode: 'KZ-MVD',
        authorityNameEn: 'Ministry of Internal Affairs, Migration Service',
        commonName: 'Aigerim Bekova',
        position: 'Head of Migration Service',
      },
      {
        id: 'kz-mvd-2',
        authorityCode: 'KZ-MVD',
        authorityNameEn: 'Ministry of Internal Affairs, Migration Service',
        commonName: 'Nurlan Sadykov',
      },
    ],
  },
  {
    code: 'AZ',
    nameEn: 'Republic of Azerbaijan',
    signatories: [
      {
        id: 'az-dmx-1',
        authorityCode: 'AZ-DMX',
        authorityNameEn: 'State Migration Service',
        commonName: 'Leyla Mammadova',
        position: 'Deputy Head',
      },
      {
        id: 'az-dmx-2',
        authorityCode: 'AZ-DMX',
        authorityNameEn: 'State Migration Service',
        commonName: 'Rashad Aliyev',
      },
    ],
  },
];

function leafCertificates(certsDir: string, party: PkiPartyPlan): string[] {
  const paths = partyPkiPaths(certsDir, party.code);
  return [
    paths.gateway.seal.certificate,
    paths.gateway.encryption.certificate,
    paths.gateway.auditCheckpoint.certificate,
    ...party.signatories.map((signatory) => paths.signatory(signatory.id).certificate),
  ];
}

async function listFiles(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  return entries
    .filter((entry) => entry.isFile())
    .map((entry) => join(entry.parentPath, entry.name))
    .sort();
}

async function fingerprintTree(dir: string): Promise<Record<string, string>> {
  const hashes: Record<string, string> = {};
  for (const file of await listFiles(dir)) {
    hashes[file] = createHash('sha256')
      .update(await readFile(file))
      .digest('hex');
  }
  return hashes;
}

const plans: { name: string; signingAlgorithm?: KeyAlgorithm }[] = [
  { name: 'default plan (ECDSA P-256 signing, RSA-2048 encryption)' },
  { name: 'all-RSA plan', signingAlgorithm: 'rsa-2048' },
];

describe.each(plans)('development PKI checked by OpenSSL: $name', ({ signingAlgorithm }) => {
  let certsDir: string;
  let options: PkiInitOptions;
  const [kz, az] = parties as [PkiPartyPlan, PkiPartyPlan];

  beforeAll(async () => {
    certsDir = await mkdtemp(join(tmpdir(), 'mxg-pki-int-'));
    options = { certsDir, parties, signingAlgorithm };
    await initPki(options);
  });

  afterAll(async () => {
    await rm(certsDir, { recursive: true, force: true });
  });

  it('chains every certificate to its own CA and to no other', async () => {
    for (const [own, other] of [
      [kz, az],
      [az, kz],
    ] as const) {
      const ownCa = partyPkiPaths(certsDir, own.code).caCertificate;
      const otherCa = partyPkiPaths(certsDir, other.code).caCertificate;
      for (const certificate of [ownCa, ...leafCertificates(certsDir, own)]) {
        await expect(
          openssl('verify', '-x509_strict', '-CAfile', ownCa, certificate),
        ).resolves.toContain(': OK');
        await expect(opensslFailure('verify', '-CAfile', otherCa, certificate)).resolves.toMatch(
          /unable to get local issuer certificate|self-signed certificate/,
        );
      }
    }
  });

  it('uses the planned signing algorithm', async () => {
    const seal = partyPkiPaths(certsDir, 'KZ').gateway.seal.certificate;
    const text = await openssl('x509', '-in', seal, '-noout', '-text');
    if (signingAlgorithm === 'rsa-2048') {
      expect(text).toContain('Signature Algorithm: sha256WithRSAEncryption');
      expect(text).toContain('Public-Key: (2048 bit)');
    } else {
      expect(text).toContain('Signature Algorithm: ecdsa-with-SHA256');
      expect(text).toContain('NIST CURVE: P-256');
    }
    const encryption = partyPkiPaths(certsDir, 'KZ').gateway.encryption.certificate;
    await expect(openssl('x509', '-in', encryption, '-noout', '-text')).resolves.toMatch(
      /rsaEncryption[\s\S]*Public-Key: \(2048 bit\)/,
    );
  });

  it('gives the CA, signatory and gateway certificates their key usages', async () => {
    const paths = partyPkiPaths(certsDir, 'AZ');
    const ext = (file: string): Promise<string> =>
      openssl('x509', '-in', file, '-noout', '-ext', 'basicConstraints,keyUsage,extendedKeyUsage');

    const ca = await ext(paths.caCertificate);
    expect(ca).toMatch(/Basic Constraints: critical\s+CA:TRUE, pathlen:0/);
    expect(ca).toMatch(/Key Usage: critical\s+Certificate Sign, CRL Sign\n/);

    const signatory = await ext(paths.signatory('az-dmx-1').certificate);
    expect(signatory).toMatch(/Basic Constraints: critical\s+CA:FALSE/);
    expect(signatory).toMatch(/Key Usage: critical\s+Digital Signature, Non Repudiation\n/);
    expect(signatory).toMatch(/Extended Key Usage:\s+E-mail Protection\n/);
    await expect(
      openssl('x509', '-in', paths.signatory('az-dmx-1').certificate, '-noout', '-subject'),
    ).resolves.toContain(
      'subject=C = AZ, O = State Migration Service, OU = AZ-DMX, title = Deputy Head, CN = Leyla Mammadova',
    );

    expect(await ext(paths.gateway.seal.certificate)).toMatch(
      /Key Usage: critical\s+Digital Signature, Non Repudiation\n[\s\S]*E-mail Protection/,
    );
    expect(await ext(paths.gateway.encryption.certificate)).toMatch(
      /Key Usage: critical\s+Key Encipherment\n[\s\S]*E-mail Protection/,
    );
    const audit = await ext(paths.gateway.auditCheckpoint.certificate);
    expect(audit).toMatch(/Key Usage: critical\s+Digital Signature\n/);
    // #10.1: one purpose, MXG's audit-checkpoint key purpose, critical — as OpenSSL reads it.
    expect(audit).toMatch(
      new RegExp(
        `Extended Key Usage: critical\\s+${AUDIT_CHECKPOINT_KEY_PURPOSE.replace(/\./g, '\\.')}\\n`,
      ),
    );
  });

  it('signs CMS that openssl cms -verify accepts, with a signatory and with the seal', async () => {
    const paths = partyPkiPaths(certsDir, 'KZ');
    const message = join(certsDir, 'message.txt');
    const signed = join(certsDir, 'message.p7s');
    await writeFile(message, 'MXG test message\n');
    const verify = (caFile: string): string[] => [
      ...flags('cms -verify -binary -inform DER -out /dev/null -in'),
      signed,
      '-CAfile',
      caFile,
    ];
    for (const signer of [paths.signatory('kz-mvd-1'), paths.gateway.seal]) {
      await openssl(
        ...flags('cms -sign -binary -nodetach -outform DER -in'),
        message,
        '-out',
        signed,
        '-signer',
        signer.certificate,
        '-inkey',
        signer.privateKey,
      );
      await expect(openssl(...verify(paths.caCertificate))).resolves.toContain(
        'Verification successful',
      );
      const otherCa = partyPkiPaths(certsDir, 'AZ').caCertificate;
      await expect(opensslFailure(...verify(otherCa))).resolves.toContain('Verify error');
    }
  });

  it('decrypts RSA-OAEP CMS envelopes with the gateway encryption key', async () => {
    const { encryption } = partyPkiPaths(certsDir, 'AZ').gateway;
    const message = join(certsDir, 'secret.txt');
    const enveloped = join(certsDir, 'secret.p7m');
    await writeFile(message, 'for AZ only\n');
    await openssl(
      ...flags('cms -encrypt -binary -aes-256-gcm -outform DER -in'),
      message,
      '-out',
      enveloped,
      '-recip',
      encryption.certificate,
      // -keyopt applies to the -recip before it.
      ...flags('-keyopt rsa_padding_mode:oaep'),
    );
    const cms = await openssl('cms', '-cmsout', '-print', '-inform', 'DER', '-in', enveloped);
    expect(cms).toContain('algorithm: rsaesOaep');
    await expect(
      openssl(
        ...flags('cms -decrypt -binary -inform DER -in'),
        enveloped,
        '-recip',
        encryption.certificate,
        '-inkey',
        encryption.privateKey,
      ),
    ).resolves.toBe('for AZ only\n');
  });

  it('passes CRL checks until a certificate is revoked, then fails only that one', async () => {
    const paths = partyPkiPaths(certsDir, 'KZ');
    const crlCheck = [
      'verify',
      '-crl_check',
      '-CRLfile',
      paths.caCrl,
      '-CAfile',
      paths.caCertificate,
    ];
    const victim = paths.signatory('kz-mvd-2').certificate;
    const bystander = paths.signatory('kz-mvd-1').certificate;
    await expect(openssl(...crlCheck, victim)).resolves.toContain(': OK');

    const result = await revokeCertificate({
      certsDir,
      certificatePath: victim,
      reason: 'keyCompromise',
    });
    expect(result).toMatchObject({ crlPath: paths.caCrl, alreadyRevoked: false });

    await expect(opensslFailure(...crlCheck, victim)).resolves.toContain('certificate revoked');
    await expect(openssl(...crlCheck, bystander)).resolves.toContain(': OK');
    const crl = await openssl('crl', '-in', paths.caCrl, '-noout', '-text');
    expect(crl).toContain(`Serial Number: ${result.serial}`);
    expect(crl).toMatch(/CRL Reason Code:\s+Key Compromise/);
    expect(crl).toMatch(/X509v3 CRL Number:\s+2\n/);
    // The other party's CRL is untouched by KZ's revocation.
    const azPaths = partyPkiPaths(certsDir, 'AZ');
    const azCrlCheck = ['verify', '-crl_check', '-CRLfile', azPaths.caCrl, '-CAfile'];
    await expect(
      openssl(...azCrlCheck, azPaths.caCertificate, azPaths.signatory('az-dmx-2').certificate),
    ).resolves.toContain(': OK');
  });

  it('changes no byte when run again and keeps private keys 0600', async () => {
    const before = await fingerprintTree(certsDir);
    const report = await initPki(options);
    expect(report.created).toEqual([]);
    expect(report.updated).toEqual([]);
    expect(await fingerprintTree(certsDir)).toEqual(before);

    // Per party: the CA, three gateway keys, two signatories, and the storage KEK (MIG-11.4).
    const keys = Object.keys(before).filter((file) => /\.key(\.pem)?$/.test(file));
    expect(keys).toHaveLength(2 * (1 + 3 + 2 + 1));
    for (const key of keys) {
      expect((await stat(key)).mode & 0o777).toBe(0o600);
    }
  });
});
