import { execFile, spawnSync } from 'node:child_process';
import {
  cpSync,
  existsSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  unlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { X509Certificate } from 'node:crypto';
import { defaultAlgorithmPolicy } from '@mxg/config';
import {
  encodeMessage,
  FileKeyStore,
  MESSAGE_FORMAT,
  type MxgMessage,
  RECEIPT_FORMAT,
  signReceipt,
} from '@mxg/envelope';
import { revokeCertificate } from '@mxg/pki';
import { exampleMessage } from '@mxg/messages';

const ROOT = join(__dirname, '..');
const MXG = join(ROOT, 'apps', 'cli', 'bin', 'mxg.js');

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs the built `mxg` against a certificates directory of the test's own. */
function mxg(certsDir: string, args: string[]): Promise<Run> {
  return run(args, ROOT, { MXG_CERTS_DIR: certsDir });
}

function run(args: string[], cwd: string, env: NodeJS.ProcessEnv): Promise<Run> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [MXG, ...args],
      { cwd, env: { ...process.env, ...env, TZ: 'UTC' } },
      (error, stdout, stderr) => {
        resolve({ code: error ? Number(error.code) : 0, stdout, stderr });
      },
    );
  });
}

/** The real OpenSSL 3 CLI: what a security officer without MXG would use. */
function openssl(args: string[]): { status: number; stdout: Buffer; stderr: string } {
  const result = spawnSync('openssl', args);
  return { status: result.status ?? -1, stdout: result.stdout, stderr: result.stderr.toString() };
}

/** `openssl cms -sign` of `input` into `out` as DER with SHA-256, attached unless `detached`. */
function opensslSign(
  input: string,
  signer: { readonly certificate: string; readonly privateKey: string },
  out: string,
  options: { detached?: boolean } = {},
) {
  return openssl([
    'cms',
    '-sign',
    '-binary',
    ...(options.detached ? [] : ['-nodetach']),
    '-md',
    'sha256',
    '-outform',
    'DER',
    '-in',
    input,
    '-signer',
    signer.certificate,
    '-inkey',
    signer.privateKey,
    '-out',
    out,
  ]);
}

function serialOf(certificate: string): string {
  const out = openssl(['x509', '-in', certificate, '-noout', '-serial']).stdout.toString();
  return out.trim().replace(/^serial=/, '');
}

describe('mxg envelope seal / open and mxg verify (built CLI, real OpenSSL)', () => {
  const work = mkdtempSync(join(tmpdir(), 'mxg-cli-envelope-'));
  const certs = join(work, 'certs');
  const file = (name: string) => join(work, name);
  const signatoryOf = (party: 'kz' | 'az', id: string) => ({
    certificate: join(certs, party, 'signatories', `${id}.cert.pem`),
    privateKey: join(certs, party, 'signatories', `${id}.key.pem`),
  });
  const kzSignatory = (id: string) => signatoryOf('kz', id);
  /** A copy of the PKI that a test may damage without disturbing the others. */
  const copyOfCerts = (name: string) => {
    const dir = join(work, name);
    cpSync(certs, dir, { recursive: true });
    return dir;
  };

  const id = '3f9a2c4e-8b1d-4e6f-9a7c-2d5b8e1f0a63';
  const message: MxgMessage = {
    header: {
      format: MESSAGE_FORMAT,
      id,
      type: 'request',
      agreement: 'MIG',
      from: { party: 'KZ', authority: 'KZ-MVD' },
      to: { party: 'AZ', authority: 'AZ-DMX' },
      createdAt: new Date().toISOString(),
      correlationId: id,
      inReplyTo: null,
    },
    body: exampleMessage('request').body,
  };
  const responseBody = exampleMessage('response').body;

  beforeAll(async () => {
    const init = await mxg(certs, ['pki', 'init']);
    expect(init.code).toBe(0);
    writeFileSync(file('message.json'), JSON.stringify(message));
    writeFileSync(file('canonical.json'), encodeMessage(message));
    // A detached signature over a document that is no MXG message, as openssl cms makes it.
    writeFileSync(file('document.txt'), 'Список уполномоченных лиц (MIG-9.3)\n');
    const signer = kzSignatory('kz-mvd-migration-head');
    const detached = opensslSign(file('document.txt'), signer, file('document.p7s'), {
      detached: true,
    });
    expect(detached.status).toBe(0);
    const sealed = await mxg(certs, [
      'envelope',
      'seal',
      file('message.json'),
      '--signatory',
      'kz-mvd-deputy-minister',
      '--out',
      file('envelope.p7m'),
    ]);
    expect(sealed.stderr).toBe('');
    expect(sealed.code).toBe(0);
    const opened = await mxg(certs, [
      'envelope',
      'open',
      file('envelope.p7m'),
      '--as',
      'AZ',
      '--inner-out',
      file('inner.p7s'),
      '--outer-out',
      file('outer.p7s'),
    ]);
    expect(opened.code).toBe(0);
  });
  afterAll(() => rmSync(work, { recursive: true, force: true }));

  describe('mxg envelope seal → open', () => {
    it('seals with the signatory key and AZ opens the same message, naming who signed', async () => {
      const sealed = await mxg(certs, [
        'envelope',
        'seal',
        file('message.json'),
        '--signatory',
        'kz-mvd-deputy-minister',
        '--out',
        file('round-trip.p7m'),
      ]);
      expect(sealed.code).toBe(0);
      expect(sealed.stdout).toContain(`id      ${id}`);
      const digest = /digest {2}(sha256:[0-9a-f]{64})/.exec(sealed.stdout)?.[1];
      expect(digest).toBeDefined();

      const opened = await mxg(certs, ['envelope', 'open', file('round-trip.p7m'), '--as', 'AZ']);
      expect(opened.code).toBe(0);
      expect(JSON.parse(opened.stdout)).toEqual(message);
      expect(opened.stderr).toContain('✓ seal');
      expect(opened.stderr).toContain(
        `OPENED request ${id} under MIG, KZ-MVD (KZ) → AZ-DMX (AZ), created ${message.header.createdAt}; signatory kz-mvd-deputy-minister; digest ${digest}`,
      );
    });

    it('builds the header from flags for a body-only file, and --json reports both layers', async () => {
      writeFileSync(file('body.json'), JSON.stringify(responseBody));
      const sealed = await mxg(certs, [
        'envelope',
        'seal',
        file('body.json'),
        '--from',
        'KZ-MVD',
        '--to',
        'AZ-DMX',
        '--type',
        'response',
        '--agreement',
        'MIG',
        '--in-reply-to',
        id,
        '--in-reply-to-digest',
        `sha256:${'ab'.repeat(32)}`,
        '--signatory',
        'kz-mvd-migration-head',
        '--out',
        file('answer.p7m'),
      ]);
      expect(sealed.code).toBe(0);
      const opened = await mxg(certs, [
        'envelope',
        'open',
        file('answer.p7m'),
        '--as',
        'AZ',
        '--json',
      ]);
      expect(opened.code).toBe(0);
      const json = JSON.parse(opened.stdout);
      expect(json).toMatchObject({
        valid: true,
        signatoryId: 'kz-mvd-migration-head',
        message: { body: responseBody },
        header: {
          type: 'response',
          from: { party: 'KZ', authority: 'KZ-MVD' },
          to: { party: 'AZ', authority: 'AZ-DMX' },
          correlationId: id,
          inReplyTo: { id, digest: `sha256:${'ab'.repeat(32)}` },
        },
        outer: { layer: 'outer', valid: true },
        inner: { layer: 'inner', valid: true, signatoryId: 'kz-mvd-migration-head' },
      });
      expect(json.digest).toMatch(/^sha256:[0-9a-f]{64}$/);
      expect(json.header.id).not.toBe(id);
    });

    it('writes inner and outer SignedData that openssl cms -verify accepts against KZ’s CA', () => {
      for (const layer of ['inner.p7s', 'outer.p7s']) {
        const result = openssl([
          'cms',
          '-verify',
          '-binary',
          '-inform',
          'DER',
          '-in',
          file(layer),
          '-CAfile',
          join(certs, 'kz', 'ca.cert.pem'),
        ]);
        expect(result.stderr).toContain('Verification successful');
        expect(result.status).toBe(0);
        if (layer === 'inner.p7s') {
          expect(result.stdout.equals(Buffer.from(encodeMessage(message)))).toBe(true);
        }
      }
      expect(readFileSync(file('outer.p7s')).equals(readFileSync(file('envelope.p7m')))).toBe(true);
    });

    it('NOT_FOR_THIS_RECIPIENT: KZ cannot open what was sealed for AZ (exit 1)', async () => {
      const opened = await mxg(certs, ['envelope', 'open', file('envelope.p7m'), '--as', 'KZ']);
      expect(opened.code).toBe(1);
      expect(opened.stdout).toBe('');
      expect(opened.stderr).toContain('REFUSED (outer layer) — NOT_FOR_THIS_RECIPIENT');
    });

    it('SIGNING_TIME_OUT_OF_RANGE: opened --at an hour later, beyond the 5-minute skew (exit 1)', async () => {
      const later = new Date(Date.now() + 3_600_000).toISOString();
      const opened = await mxg(certs, [
        'envelope',
        'open',
        file('envelope.p7m'),
        '--as',
        'AZ',
        '--at',
        later,
      ]);
      expect(opened.code).toBe(1);
      expect(opened.stderr).toContain('SIGNING_TIME_OUT_OF_RANGE');
      const wider = await mxg(certs, [
        'envelope',
        'open',
        file('envelope.p7m'),
        '--as',
        'AZ',
        '--at',
        later,
        '--max-skew',
        '7200',
      ]);
      expect(wider.code).toBe(0);
    });

    it('MIG-6: refuses to seal a body the gateways would refuse (exit 1), listing its problems', async () => {
      const body = structuredClone(message.body) as { persons: Record<string, unknown>[] };
      body.persons[0].address = 'г. Баку, ул. Низами, 10';
      body.persons[0].birthDate = '1990-02-30';
      writeFileSync(file('invalid-body.json'), JSON.stringify({ ...message, body }));
      const sealed = await mxg(certs, [
        'envelope',
        'seal',
        file('invalid-body.json'),
        '--signatory',
        'kz-mvd-deputy-minister',
        '--out',
        file('invalid-body.p7m'),
      ]);
      expect(sealed.code).toBe(1);
      expect(sealed.stderr).toContain('body.persons[0].birthDate DATE_INVALID');
      expect(sealed.stderr).toContain('body.persons[0].address FIELD_NOT_ALLOWED');
      expect(sealed.stderr).not.toContain('Низами');
      expect(existsSync(file('invalid-body.p7m'))).toBe(false);
    });

    it('refuses to seal for a signatory not on the sending authority’s list (exit 1)', async () => {
      const sealed = await mxg(certs, [
        'envelope',
        'seal',
        file('message.json'),
        '--signatory',
        'kz-mtszn-committee-head',
        '--out',
        file('refused.p7m'),
      ]);
      expect(sealed.code).toBe(1);
      expect(sealed.stderr).toContain('SIGNATORY_NOT_AUTHORISED');
    });

    it('#10.10 refuses to seal a message file JSON.parse would reinterpret (usage error, exit 2)', async () => {
      const text = JSON.stringify(message);
      for (const [name, changed] of [
        ['duplicate', text.replace('"body":{', '"body":{"purpose":"другая",')],
        ['big-number', text.replace('"body":{', '"body":{"n":9007199254740993,')],
        ['proto', text.replace('"body":{', '"body":{"__proto__":{"x":1},')],
      ]) {
        writeFileSync(file(`${name}.json`), changed);
        const sealed = await mxg(certs, [
          'envelope',
          'seal',
          file(`${name}.json`),
          '--signatory',
          'kz-mvd-deputy-minister',
          '--out',
          file(`${name}.p7m`),
        ]);
        expect({ name, code: sealed.code }).toEqual({ name, code: 2 });
        expect(sealed.stderr).toContain('JSON_NOT_REPRESENTABLE');
      }
    });

    it('wraps an inner SignedData made with openssl cms -sign (--signed), which AZ opens', async () => {
      const signer = kzSignatory('kz-mvd-migration-head');
      const inner = opensslSign(file('canonical.json'), signer, file('openssl-inner.p7s'));
      expect(inner.status).toBe(0);
      const sealed = await mxg(certs, [
        'envelope',
        'seal',
        '--signed',
        file('openssl-inner.p7s'),
        '--out',
        file('presigned.p7m'),
      ]);
      expect(sealed.code).toBe(0);
      const opened = await mxg(certs, [
        'envelope',
        'open',
        file('presigned.p7m'),
        '--as',
        'AZ',
        '--json',
      ]);
      expect(opened.code).toBe(0);
      expect(JSON.parse(opened.stdout)).toMatchObject({
        message,
        signatoryId: 'kz-mvd-migration-head',
      });
    });

    it('refuses --signed when the signer is not KZ’s (signed with an AZ key, exit 1)', async () => {
      const inner = opensslSign(
        file('canonical.json'),
        signatoryOf('az', 'az-dmx-deputy-head'),
        file('foreign-inner.p7s'),
      );
      expect(inner.status).toBe(0);
      const sealed = await mxg(certs, [
        'envelope',
        'seal',
        '--signed',
        file('foreign-inner.p7s'),
        '--out',
        file('foreign.p7m'),
      ]);
      expect(sealed.code).toBe(1);
      expect(sealed.stderr).toContain('INVALID (CERT_UNTRUSTED)');
    });
  });

  describe('mxg verify', () => {
    it('verifies the outer SignedData as KZ’s gateway seal and names it', async () => {
      const result = await mxg(certs, ['verify', file('outer.p7s')]);
      expect(result.code).toBe(0);
      expect(result.stdout).toContain("outer SignedData: sealed by KZ's gateway");
      expect(result.stdout).toContain('CN=MXG KZ gateway seal');
      expect(result.stdout).toContain(
        `serial        ${serialOf(join(certs, 'kz', 'gateway', 'seal.cert.pem'))}`,
      );
      expect(result.stdout).toContain(`routing header: request ${id}`);
      expect(result.stdout.trimEnd().split('\n').pop()).toBe('VALID');
    });

    it('verifies the inner SignedData, naming the signatory and their authority (MIG-9.3)', async () => {
      const result = await mxg(certs, ['verify', file('inner.p7s')]);
      expect(result.code).toBe(0);
      expect(result.stdout).toContain(
        `serial        ${serialOf(kzSignatory('kz-mvd-deputy-minister').certificate)}`,
      );
      expect(result.stdout).toContain(
        'issuer        C=KZ, O=MXG development PKI (KZ), CN=MXG KZ Root CA',
      );
      expect(result.stdout).toContain(
        'signatory     kz-mvd-deputy-minister, Deputy Minister of KZ-MVD (MIG-9.3)',
      );
      expect(result.stdout).toContain('revocation    not revoked');
      expect(result.stdout.trimEnd().split('\n').pop()).toBe('VALID');
    });

    it('reads PEM as well as DER, and --json parses with valid: true', async () => {
      const pem = openssl([
        'cms',
        '-cmsout',
        '-inform',
        'DER',
        '-in',
        file('inner.p7s'),
        '-outform',
        'PEM',
      ]);
      expect(pem.stdout.toString()).toContain('-----BEGIN CMS-----');
      writeFileSync(file('inner.pem'), pem.stdout);
      const result = await mxg(certs, ['verify', file('inner.pem'), '--json']);
      expect(result.code).toBe(0);
      const json = JSON.parse(result.stdout);
      expect(json).toMatchObject({
        valid: true,
        verdict: 'valid',
        kind: 'inner',
        party: 'KZ',
        report: { signatoryId: 'kz-mvd-deputy-minister', valid: true, inconclusive: false },
      });
      expect(json.report.signer.serialNumber).toBe(
        serialOf(kzSignatory('kz-mvd-deputy-minister').certificate),
      );
    });

    it('SIGNATURE_INVALID: one byte of the signed message changed (exit 1)', async () => {
      const bytes = readFileSync(file('inner.p7s'));
      const at = bytes.indexOf('registration');
      expect(at).toBeGreaterThan(0);
      bytes[at] ^= 0x01;
      writeFileSync(file('tampered.p7s'), bytes);
      const result = await mxg(certs, ['verify', file('tampered.p7s')]);
      expect(result.code).toBe(1);
      expect(result.stdout).toContain('✗ signature');
      expect(result.stdout.trimEnd().split('\n').pop()).toBe('INVALID (SIGNATURE_INVALID)');
    });

    it('CERT_REVOKED: signed after the signatory’s certificate was revoked with mxg pki revoke (exit 1); signed before, still valid', async () => {
      const revokedCerts = copyOfCerts('certs-revoked');
      const revoke = await mxg(revokedCerts, [
        'pki',
        'revoke',
        join(revokedCerts, 'kz', 'signatories', 'kz-mvd-deputy-minister.cert.pem'),
        '--reason',
        'keyCompromise',
      ]);
      expect(revoke.code).toBe(0);
      // The same message signed again by the same person, now (openssl stamps the time).
      const signedAfter = opensslSign(
        file('canonical.json'),
        signatoryOf('kz', 'kz-mvd-deputy-minister'),
        file('inner-after-revocation.p7s'),
      );
      expect(signedAfter.status).toBe(0);
      const result = await mxg(revokedCerts, ['verify', file('inner-after-revocation.p7s')]);
      expect(result.code).toBe(1);
      expect(result.stdout).toContain('revocation    REVOKED');
      expect(result.stdout.trimEnd().split('\n').pop()).toBe('INVALID (CERT_REVOKED)');
      // Judged as of its signing time, the signature made before the revocation stands
      // (issue #14): the new CRL was issued after it, while the certificate was unexpired.
      const before = await mxg(revokedCerts, ['verify', file('inner.p7s')]);
      expect(before.stdout).toMatch(/✓ revocation +not revoked at signing time/);
      expect(before.code).toBe(0);
      const opened = await mxg(revokedCerts, [
        'envelope',
        'open',
        file('envelope.p7m'),
        '--as',
        'AZ',
      ]);
      expect(opened.stderr).toContain('OPENED request');
      expect(opened.code).toBe(0);
    });

    it('verifies a detached openssl signature with --content and --party KZ, and not another file', async () => {
      const args = ['verify', file('document.p7s'), '--party', 'KZ', '--content'];
      const result = await mxg(certs, [...args, file('document.txt')]);
      expect(result.code).toBe(0);
      expect(result.stdout).toContain('checked as a signatory of KZ');
      expect(result.stdout).toContain('signatory     kz-mvd-migration-head');
      expect(result.stdout.trimEnd().split('\n').pop()).toBe('VALID');

      const other = await mxg(certs, [...args, file('message.json')]);
      expect(other.code).toBe(1);
      expect(other.stdout).toContain('INVALID (SIGNATURE_INVALID)');
      const noContent = await mxg(certs, ['verify', file('document.p7s'), '--party', 'KZ']);
      expect(noContent.code).toBe(2);
      expect(noContent.stderr).toContain('--content');
    });

    it('could not check (exit 3): KZ’s CRL is missing', async () => {
      const noCrl = copyOfCerts('certs-no-crl');
      unlinkSync(join(noCrl, 'kz', 'ca.crl.pem'));
      const result = await mxg(noCrl, ['verify', file('inner.p7s')]);
      expect(result.code).toBe(3);
      expect(result.stdout).toContain('no CRL of KZ');
      expect(result.stdout.trimEnd().split('\n').pop()).toBe(
        'COULD NOT CHECK (REVOCATION_STATUS_UNKNOWN)',
      );
      const opened = await mxg(noCrl, ['envelope', 'open', file('envelope.p7m'), '--as', 'AZ']);
      expect(opened.code).toBe(3);
      expect(opened.stdout).toBe('');
      expect(opened.stderr).toContain('COULD NOT CHECK');
      expect(opened.stderr).toContain('REVOCATION_STATUS_UNKNOWN');
      expect(opened.stderr).toContain('no CRL of KZ');
    });

    it('could not check (exit 3): KZ’s CRL is stale (its nextUpdate has passed)', async () => {
      const stale = copyOfCerts('certs-stale-crl');
      // A CRL issued 40 days ago: valid for 30 days, so out of date for 10.
      await revokeCertificate({
        certsDir: stale,
        certificatePath: join(stale, 'kz', 'gateway', 'audit-checkpoint.cert.pem'),
        reason: 'keyCompromise',
        now: new Date(Date.now() - 40 * 86_400_000),
      });
      const result = await mxg(stale, ['verify', file('inner.p7s'), '--json']);
      expect(result.code).toBe(3);
      const json = JSON.parse(result.stdout);
      expect(json).toMatchObject({
        valid: false,
        verdict: 'could-not-check',
        code: 'REVOCATION_STATUS_UNKNOWN',
      });
      // The untouched PKI, read long after its CRL's nextUpdate: revocation is judged as of
      // the signing time, which the CRL covered — the verdict does not age (issue #14).
      const later = new Date(Date.now() + 40 * 86_400_000).toISOString();
      const asOfLater = await mxg(certs, ['verify', file('outer.p7s'), '--at', later]);
      expect(asOfLater.stdout.trimEnd().split('\n').pop()).toBe('VALID');
      expect(asOfLater.code).toBe(0);
    });

    it('could not check (exit 3): a file that is not there, a party nobody configured', async () => {
      const missing = await mxg(certs, ['verify', file('nothing.p7s')]);
      expect(missing.code).toBe(3);
      expect(missing.stderr).toContain('INPUT_UNREADABLE');
      const unknown = await mxg(certs, [
        'verify',
        file('document.p7s'),
        '--content',
        file('document.txt'),
        '--party',
        'XX',
      ]);
      expect(unknown.code).toBe(3);
      expect(unknown.stderr).toContain('UNKNOWN_PARTY');
    });
  });
  describe('mxg verify for any MXG artefact, without --party (#14)', () => {
    const lastLine = (r: Run) => r.stdout.trimEnd().split('\n').pop();
    /** A receipt as AZ's gateway seals it for a message KZ sent (mxg-receipt/1). */
    const receiptFile = async (name: string) => {
      const now = new Date();
      const der = await signReceipt(
        {
          format: RECEIPT_FORMAT,
          messageId: id,
          digest: `sha256:${'ab'.repeat(32)}`,
          status: 'accepted',
          code: null,
          from: 'AZ',
          to: 'KZ',
          receivedAt: now.toISOString(),
          signedAt: new Date(now.getTime() - 2000).toISOString(),
          sealedAt: new Date(now.getTime() - 1000).toISOString(),
        },
        await new FileKeyStore(certs, 'AZ').seal(),
        defaultAlgorithmPolicy(),
        now,
      );
      writeFileSync(file(name), der);
      return file(name);
    };

    it('verifies a plain openssl cms -sign signature, the party found from the signer’s issuer', async () => {
      const signed = opensslSign(
        file('document.txt'),
        kzSignatory('kz-mvd-migration-head'),
        file('document-attached.p7s'),
      );
      expect(signed.status).toBe(0);
      const result = await mxg(certs, ['verify', file('document-attached.p7s')]);
      expect(result.stderr).toBe('');
      expect(result.stdout).toContain("party: KZ, found from the signer's issuer");
      expect(result.stdout).toContain('signatory     kz-mvd-migration-head');
      expect(lastLine(result)).toBe('VALID');
      expect(result.code).toBe(0);
      // Signed by AZ's signatory: found as AZ's, and not on any KZ list.
      const az = opensslSign(
        file('document.txt'),
        signatoryOf('az', 'az-dmx-deputy-head'),
        file('document-az.p7s'),
      );
      expect(az.status).toBe(0);
      const asAz = await mxg(certs, ['verify', file('document-az.p7s')]);
      expect(asAz.stdout).toContain("party: AZ, found from the signer's issuer");
      expect(lastLine(asAz)).toBe('VALID');
    });

    it('verifies a receipt as its sender’s gateway seal, stating when the message was received, signed and sealed', async () => {
      const receipt = await receiptFile('receipt.p7s');
      const result = await mxg(certs, ['verify', receipt]);
      expect(result.stderr).toBe('');
      expect(result.stdout).toContain("receipt (mxg-receipt/1): sealed by AZ's gateway");
      expect(result.stdout).toContain(`receipt: message ${id} accepted by AZ (sent by KZ)`);
      expect(result.stdout).toMatch(/signed at: \S+ \(the signatory's signing time\)/);
      expect(result.stdout).toMatch(/✓ seal +the seal of AZ's gateway/);
      expect(lastLine(result)).toBe('VALID');
      expect(result.code).toBe(0);
      const json = JSON.parse((await mxg(certs, ['verify', receipt, '--json'])).stdout);
      expect(json).toMatchObject({ kind: 'receipt', party: 'AZ', valid: true });
      expect(json.receipt).toMatchObject({ messageId: id, status: 'accepted' });
      // One byte of the statement changed: refused.
      const bytes = readFileSync(receipt);
      bytes[bytes.indexOf('accepted')] ^= 0x01;
      writeFileSync(file('receipt-tampered.p7s'), bytes);
      const tampered = await mxg(certs, ['verify', file('receipt-tampered.p7s'), '--party', 'AZ']);
      expect(tampered.code).toBe(1);
      expect(lastLine(tampered)).toBe('INVALID (SIGNATURE_INVALID)');
    });

    describe('outside a checkout: --ca, --crl, --signatories, --seal in an empty directory', () => {
      const empty = mkdtempSync(join(tmpdir(), 'mxg-verify-offline-'));
      afterAll(() => rmSync(empty, { recursive: true, force: true }));
      // No configuration to be found: everything comes from the command line.
      const offline = (args: string[]) =>
        run(args, empty, { MXG_CONFIG_DIR: join(empty, 'no-config'), MXG_CERTS_DIR: empty });
      const kzCa = () => join(certs, 'kz', 'ca.cert.pem');
      const kzCrl = () => join(certs, 'kz', 'ca.crl.pem');
      const deputy = () =>
        new X509Certificate(readFileSync(kzSignatory('kz-mvd-deputy-minister').certificate));
      /** KZ-MVD's list as a signatory-list-update body (MIG-9.4), in force from `from`. */
      const listFrom = (from: string) => {
        const path = join(empty, `list-${from}.json`);
        writeFileSync(
          path,
          JSON.stringify({
            authority: 'KZ-MVD',
            effectiveFrom: from,
            version: 2,
            signatories: [
              {
                id: 'kz-mvd-deputy-minister',
                person: { ru: 'Тестов Ерлан', en: 'Testov Yerlan' },
                position: { ru: 'Заместитель министра', en: 'Deputy Minister' },
                certificates: [deputy().raw.toString('base64')],
                sampleSignature: 'sample',
              },
            ],
          }),
        );
        return path;
      };
      const day = (offset: number) =>
        new Date(Date.now() + offset * 86_400_000).toISOString().slice(0, 10);

      it('verifies a signatory’s signature from the CA, the CRL and the list alone', async () => {
        const args = ['verify', file('inner.p7s'), '--ca', kzCa(), '--crl', kzCrl()];
        const result = await offline([...args, '--signatories', listFrom(day(-1))]);
        expect(result.stderr).toBe('');
        expect(result.stdout).toContain('signatory     kz-mvd-deputy-minister');
        expect(result.stdout).toMatch(/✓ revocation +not revoked at signing time/);
        expect(lastLine(result)).toBe('VALID');
        expect(result.code).toBe(0);
        // A list in force only from tomorrow did not authorise today's signature (MIG-9.3).
        const early = await offline([...args, '--signatories', listFrom(day(1))]);
        expect(lastLine(early)).toBe('INVALID (SIGNATORY_NOT_AUTHORISED)');
        expect(early.code).toBe(1);
        // No CRL given: revocation could not be checked — never "not revoked".
        const noCrl = await offline([
          'verify',
          file('inner.p7s'),
          '--ca',
          kzCa(),
          '--signatories',
          listFrom(day(-1)),
        ]);
        expect(lastLine(noCrl)).toBe('COULD NOT CHECK (REVOCATION_STATUS_UNKNOWN)');
        expect(noCrl.code).toBe(3);
      });

      it('verifies a plain openssl signature offline, the party from the --ca’s country and the authority from the list', async () => {
        const signed = opensslSign(
          file('document.txt'),
          kzSignatory('kz-mvd-deputy-minister'),
          file('document-deputy.p7s'),
        );
        expect(signed.status).toBe(0);
        const result = await offline([
          'verify',
          file('document-deputy.p7s'),
          '--ca',
          kzCa(),
          '--crl',
          kzCrl(),
          '--signatories',
          listFrom(day(-1)),
        ]);
        expect(result.stdout).toContain("party: KZ, found from the signer's issuer");
        expect(lastLine(result)).toBe('VALID');
        // Another party's CA only: the signer's issuer is not trusted.
        const wrongCa = await offline([
          'verify',
          file('document-deputy.p7s'),
          '--ca',
          join(certs, 'az', 'ca.cert.pem'),
        ]);
        expect(wrongCa.code).toBe(2);
        expect(wrongCa.stderr).toContain('is none of the trusted CAs');
      });

      it('verifies a receipt offline with --ca and --seal', async () => {
        const receipt = await receiptFile('receipt-offline.p7s');
        const args = ['verify', receipt, '--ca', join(certs, 'az', 'ca.cert.pem')];
        const crl = ['--crl', join(certs, 'az', 'ca.crl.pem')];
        const sealed = await offline([
          ...args,
          ...crl,
          '--seal',
          join(certs, 'az', 'gateway', 'seal.cert.pem'),
        ]);
        expect(sealed.stderr).toBe('');
        expect(lastLine(sealed)).toBe('VALID');
        expect(sealed.code).toBe(0);
        // Without the seal certificate nothing says the signer is AZ's gateway seal.
        const unsealed = await offline([...args, ...crl]);
        expect(lastLine(unsealed)).toBe('INVALID (SEAL_NOT_RECOGNISED)');
      });
    });
  });
});
