import { execFileSync } from 'node:child_process';
import { createPrivateKey, X509Certificate, type KeyObject } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  decrypterFromKeyObject,
  signerFromKeyObject,
  type CmsKeyDecrypter,
  type CmsSigner,
} from '../key-operations';

/**
 * Test PKI made fresh on every run with the OpenSSL CLI, so that nothing checked in can go
 * stale and the library is exercised against OpenSSL's own certificates, CRLs and CMS.
 * Not for production; lives in src/testing so that unit and integration specs can share it.
 */
export interface Credential {
  readonly certPath: string;
  readonly keyPath: string;
  readonly certPem: string;
  readonly certDer: Uint8Array;
  readonly certificate: X509Certificate;
  readonly privateKey: KeyObject;
}

/** The credential's key as a signing operation, as signCms takes it. */
export function signerOf(credential: Credential): CmsSigner {
  return signerFromKeyObject(credential.certificate, credential.privateKey);
}

/** The credential's key as a key-transport decryption, as decryptCms takes it. */
export function decrypterOf(credential: Credential): CmsKeyDecrypter {
  return decrypterFromKeyObject(credential.certificate, credential.privateKey);
}

export interface CmsFixtures {
  readonly dir: string;
  /** Party A: RSA root → EC intermediate (pathlen 0) → end entities. */
  readonly rootA: Credential;
  readonly intermediateA: Credential;
  readonly ecSigner: Credential;
  readonly rsaSigner: Credential;
  readonly encryption: Credential;
  readonly expiredSigner: Credential;
  readonly revokedSigner: Credential;
  /** Empty CRL from rootA; CRL from intermediateA listing revokedSigner. */
  readonly rootCrlPath: string;
  readonly intermediateCrlPath: string;
  /** rootA + intermediateA, for `openssl cms -verify -CAfile`. */
  readonly caFile: string;
  /** Party B: an unrelated EC root with one signer and one encryption certificate. */
  readonly rootB: Credential;
  readonly otherSigner: Credential;
  readonly otherEncryption: Credential;
  openssl(args: readonly string[]): Buffer;
  /** Writes bytes into the fixture directory and returns the path. */
  file(name: string, content: Uint8Array | string): string;
  cleanup(): void;
}

const EXTENSIONS = `
[ca_root]
basicConstraints = critical, CA:TRUE
keyUsage = critical, keyCertSign, cRLSign
subjectKeyIdentifier = hash
[ca_sub]
basicConstraints = critical, CA:TRUE, pathlen:0
keyUsage = critical, keyCertSign, cRLSign
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid
[signer]
basicConstraints = critical, CA:FALSE
keyUsage = critical, digitalSignature, nonRepudiation
extendedKeyUsage = emailProtection
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid
[encryption]
basicConstraints = critical, CA:FALSE
keyUsage = critical, keyEncipherment
extendedKeyUsage = emailProtection
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid
`;

type KeySpec = 'ec' | 'rsa';

export function createCmsFixtures(): CmsFixtures {
  const dir = mkdtempSync(join(tmpdir(), 'mxg-cms-'));
  const openssl = (args: readonly string[]): Buffer =>
    execFileSync('openssl', args, { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] });
  const file = (name: string, content: Uint8Array | string): string => {
    const path = join(dir, name);
    writeFileSync(path, content);
    return path;
  };
  const now = Date.now();
  const day = 86_400_000;
  const asn1Time = (ms: number) =>
    new Date(ms).toISOString().replace(/[-:T]/g, '').slice(0, 14) + 'Z';

  const slug = (name: string) => name.toLowerCase().replace(/[^a-z0-9]+/g, '-');
  const generateKey = (name: string, spec: KeySpec): string => {
    const keyPath = join(dir, `${slug(name)}.key.pem`);
    const options =
      spec === 'ec'
        ? ['-algorithm', 'EC', '-pkeyopt', 'ec_paramgen_curve:P-256']
        : ['-algorithm', 'RSA', '-pkeyopt', 'rsa_keygen_bits:2048'];
    openssl(['genpkey', ...options, '-out', keyPath]);
    return keyPath;
  };

  /** A directory that `openssl ca` can issue, revoke and publish CRLs from. */
  const makeCa = (name: string, credential: Pick<Credential, 'certPath' | 'keyPath'>) => {
    const caDir = join(dir, `${name}-db`);
    mkdirSync(caDir);
    writeFileSync(join(caDir, 'index.txt'), '');
    writeFileSync(join(caDir, 'crlnumber'), '01\n');
    const config = file(
      `${name}.cnf`,
      `[ca]
default_ca = this_ca
[this_ca]
database = ${caDir}/index.txt
new_certs_dir = ${caDir}
crlnumber = ${caDir}/crlnumber
certificate = ${credential.certPath}
private_key = ${credential.keyPath}
default_md = sha256
default_crl_days = 30
policy = anything
unique_subject = no
rand_serial = yes
[anything]
commonName = supplied
organizationName = optional
countryName = optional
${EXTENSIONS}`,
    );
    const issue = (
      subjectName: string,
      spec: KeySpec,
      extensions: string,
      {
        from = now - day,
        to = now + 30 * day,
        keyPath = generateKey(subjectName, spec),
        selfSign = false,
      } = {},
    ): Credential => {
      const csrPath = join(dir, `${slug(subjectName)}.csr`);
      const certPath = join(dir, `${slug(subjectName)}.cert.pem`);
      openssl([
        'req',
        '-new',
        '-key',
        keyPath,
        '-subj',
        `/C=KZ/O=MXG Test/CN=${subjectName}`,
        '-out',
        csrPath,
      ]);
      openssl([
        'ca',
        '-batch',
        '-config',
        config,
        '-extensions',
        extensions,
        '-notext',
        '-in',
        csrPath,
        '-out',
        certPath,
        '-startdate',
        asn1Time(from),
        '-enddate',
        asn1Time(to),
        ...(selfSign ? ['-selfsign', '-keyfile', keyPath] : []),
      ]);
      return load(certPath, keyPath);
    };
    const revoke = (credential: Credential) => {
      openssl([
        'ca',
        '-config',
        config,
        '-revoke',
        credential.certPath,
        '-crl_reason',
        'keyCompromise',
      ]);
    };
    const crl = (crlName: string): string => {
      const crlPath = join(dir, `${crlName}.crl.pem`);
      openssl(['ca', '-config', config, '-gencrl', '-out', crlPath]);
      return crlPath;
    };
    return { issue, revoke, crl };
  };

  /** `openssl ca -selfsign` rather than `req -x509`, so the root can be back-dated like the rest. */
  const selfSignedRoot = (name: string, spec: KeySpec) => {
    const keyPath = generateKey(name, spec);
    const certPath = join(dir, `${slug(name)}.cert.pem`);
    const ca = makeCa(slug(name), { certPath, keyPath });
    return { credential: ca.issue(name, spec, 'ca_root', { keyPath, selfSign: true }), ca };
  };

  const { credential: rootA, ca: rootCa } = selfSignedRoot('Root A', 'rsa');
  const intermediateA = rootCa.issue('Intermediate A', 'ec', 'ca_sub');
  const subCa = makeCa('intermediate-a', intermediateA);
  const ecSigner = subCa.issue('EC Signer', 'ec', 'signer');
  const rsaSigner = subCa.issue('RSA Signer', 'rsa', 'signer');
  const encryption = subCa.issue('Encryption A', 'rsa', 'encryption');
  const expiredSigner = subCa.issue('Expired Signer', 'ec', 'signer', {
    from: now - 400 * day,
    to: now - 30 * day,
  });
  const revokedSigner = subCa.issue('Revoked Signer', 'ec', 'signer');
  subCa.revoke(revokedSigner);
  const intermediateCrlPath = subCa.crl('intermediate-a');
  const rootCrlPath = rootCa.crl('root-a');
  const caFile = file('ca-a.pem', rootA.certPem + intermediateA.certPem);

  const { credential: rootB, ca: caB } = selfSignedRoot('Root B', 'ec');
  const otherSigner = caB.issue('Other Signer', 'ec', 'signer');
  const otherEncryption = caB.issue('Encryption B', 'rsa', 'encryption');

  return {
    dir,
    rootA,
    intermediateA,
    ecSigner,
    rsaSigner,
    encryption,
    expiredSigner,
    revokedSigner,
    rootCrlPath,
    intermediateCrlPath,
    caFile,
    rootB,
    otherSigner,
    otherEncryption,
    openssl,
    file,
    cleanup: () => rmSync(dir, { recursive: true, force: true }),
  };
}

function load(certPath: string, keyPath: string): Credential {
  const certPem = readFileSync(certPath, 'utf8');
  const certificate = new X509Certificate(certPem);
  return {
    certPath,
    keyPath,
    certPem,
    certDer: certificate.raw,
    certificate,
    privateKey: createPrivateKey(readFileSync(keyPath)),
  };
}
