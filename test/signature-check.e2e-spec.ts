import { execFile, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { eventually, registrationRequest } from './support/exchange-pair';
import {
  createExchangeNetwork,
  type ExchangeNetwork,
  type GatewayUnderTest,
} from './support/exchange-network';
import { sql } from './support/faults';

const MXG = join(__dirname, '..', 'apps', 'cli', 'bin', 'mxg.js');
const VERIFY = '/v1/signatures/verify';
/** KZ-MVD's signatory the gateway signs the request for (examples/messages). */
const SIGNATORY = 'kz-mvd-deputy-minister';
/** The gateways' body limit (exchange.maxMessageBytes): a larger file is 413. */
const LIMIT = 1024 * 1024;

interface Report {
  sha256?: string;
  file?: string;
  valid: boolean;
  verdict: string;
  code?: string;
  kind: string;
  party?: string;
  header?: { id: string };
  receipt?: { messageId: string };
  at: string;
  report: {
    checks: { name: string; ok: boolean; code?: string }[];
    signatoryId?: string;
    signer?: { serialNumber: string };
  };
}

interface Refusal {
  code: string;
  message: string;
}

interface AuditRow {
  actor_user: string;
  actor_role: string;
  content_digest: string;
  outcome: string;
  error_code: string | null;
  message_id: string | null;
  details: Record<string, unknown>;
}

/** A report without the keys only one side has (the API's digest, the CLI's file name). */
function withoutKeys(report: object, ...keys: string[]): Record<string, unknown> {
  return Object.fromEntries(Object.entries(report).filter(([key]) => !keys.includes(key)));
}

/** Every string value in a JSON value. */
function stringsOf(value: unknown): string[] {
  if (typeof value === 'string') return [value];
  if (Array.isArray(value)) return value.flatMap(stringsOf);
  if (value && typeof value === 'object') return Object.values(value).flatMap(stringsOf);
  return [];
}

const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');

describe('#17 POST /v1/signatures/verify: the report of mxg verify, against what this gateway trusts', () => {
  let net: ExchangeNetwork;
  let kz: GatewayUnderTest;
  let work: string;
  let messageId: string;
  /** The signatory's signed original (DER), as `GET /messages/:id/signed` gives it. */
  let signed: Buffer;
  /** AZ's signed receipt for it. */
  let receipt: Buffer;

  beforeAll(async () => {
    work = mkdtempSync(join(tmpdir(), 'mxg-signature-check-'));
    net = await createExchangeNetwork({
      parties: ['KZ', 'AZ'],
      exchange: { maxMessageBytes: LIMIT },
    });
    kz = net.gateway('KZ');
    const sent = await kz.api<{ id: string }>(
      'KZ-MVD',
      'POST',
      '/v1/messages',
      registrationRequest(),
    );
    expect(sent.status).toBe(202);
    messageId = sent.body.id;
    await eventually(async () => {
      const { body } = await kz.api<{ status: string }>(
        'KZ-MVD',
        'GET',
        `/v1/messages/${messageId}`,
      );
      return body.status === 'delivered' ? true : undefined;
    });
    const original = await kz.api<Buffer>('KZ-MVD', 'GET', `/v1/messages/${messageId}/signed`);
    expect(original.status).toBe(200);
    signed = original.body;
    const sealed = await kz.api<Buffer>('KZ-MVD', 'GET', `/v1/messages/${messageId}/receipt`);
    expect(sealed.status).toBe(200);
    receipt = sealed.body;
  }, 180_000);

  afterAll(async () => {
    await net?.close();
    rmSync(work, { recursive: true, force: true });
  });

  /** Posts a body to the endpoint as `client` (null: no token). */
  const post = async <T = Report>(
    client: string | null,
    body: Uint8Array | string | FormData,
    contentType?: string,
  ): Promise<{ status: number; body: T }> => {
    const headers: Record<string, string> = {};
    if (client !== null) headers.authorization = `Bearer ${kz.token(client)}`;
    if (contentType !== undefined) headers['content-type'] = contentType;
    const response = await kz.process.fetch(VERIFY, { method: 'POST', headers, body });
    return { status: response.status, body: (await response.json()) as T };
  };

  /** The built `mxg verify --json` on the same file, with the KZ gateway's config and PKI. */
  const cliVerify = (file: string, args: string[] = []): Promise<Report & { exit: number }> =>
    new Promise((resolve, reject) => {
      execFile(
        process.execPath,
        [MXG, 'verify', file, '--json', ...args],
        {
          env: { ...process.env, ...kz.env, TZ: 'UTC' },
        },
        (error, stdout, stderr) => {
          try {
            const exit = error ? Number(error.code) : 0;
            resolve({ ...(JSON.parse(stdout) as Report), exit });
          } catch {
            reject(new Error(`mxg verify printed no JSON (${error?.message}): ${stderr}`));
          }
        },
      );
    });

  const auditOf = (digest: string) =>
    sql<AuditRow>(
      kz.db,
      `SELECT actor_user, actor_role, content_digest, outcome, error_code, message_id, details
         FROM mxg.audit_entries WHERE event_type = 'signature.checked' AND content_digest = $1
        ORDER BY id`,
      [`sha256:${digest}`],
    );

  it('a real message’s signed original is VALID, with the very report mxg verify --json prints for the file', async () => {
    const answer = await post('security-officer', signed, 'application/pkcs7-signature');
    expect(answer.status).toBe(200);
    expect(answer.body).toMatchObject({
      sha256: sha256(signed),
      valid: true,
      verdict: 'valid',
      kind: 'inner',
      party: 'KZ',
      header: { id: messageId },
      report: { signatoryId: SIGNATORY, valid: true, inconclusive: false },
    });
    expect(answer.body.code).toBeUndefined();
    expect(answer.body.report.checks.map((c) => [c.name, c.ok])).toEqual([
      ['structure', true],
      ['algorithms', true],
      ['signature', true],
      ['chain', true],
      ['revocation', true],
      ['key-usage', true],
      ['signatory', true],
    ]);

    const file = join(work, 'signed.p7s');
    writeFileSync(file, signed);
    // The CLI on the gateway's clock: every other field must be the same.
    const cli = await cliVerify(file, ['--at', answer.body.at]);
    expect(cli.exit).toBe(0);
    expect(withoutKeys(answer.body, 'sha256')).toEqual(withoutKeys(cli, 'file', 'exit'));
  });

  it('takes the file as application/pkcs7-mime, application/octet-stream and PEM, and as an auditor', async () => {
    const pem = `-----BEGIN CMS-----\n${signed.toString('base64').replace(/(.{64})/g, '$1\n')}\n-----END CMS-----\n`;
    for (const [client, body, type] of [
      ['security-officer', signed, 'application/pkcs7-mime'],
      ['auditor', signed, 'application/octet-stream'],
      ['auditor', pem, 'application/pkcs7-signature'],
    ] as const) {
      const answer = await post(client, body, type);
      expect({ type, status: answer.status, verdict: answer.body.verdict }).toEqual({
        type,
        status: 200,
        verdict: 'valid',
      });
    }
  });

  it('the peer’s signed receipt is VALID as AZ’s gateway seal (kind receipt), as mxg verify says', async () => {
    const answer = await post('auditor', receipt, 'application/pkcs7-mime');
    expect(answer.status).toBe(200);
    expect(answer.body).toMatchObject({
      verdict: 'valid',
      kind: 'receipt',
      party: 'AZ',
      receipt: { messageId },
    });
    expect(answer.body.report.checks.find((c) => c.name === 'seal')).toMatchObject({ ok: true });
    const file = join(work, 'receipt.p7s');
    writeFileSync(file, receipt);
    const cli = await cliVerify(file, ['--at', answer.body.at]);
    expect(cli.exit).toBe(0);
    expect(withoutKeys(answer.body, 'sha256')).toEqual(withoutKeys(cli, 'file', 'exit'));
  });

  it('SIGNATURE_INVALID: one byte of the signed message changed is a 200 report INVALID with the code, as the CLI says; audited without content', async () => {
    const tampered = Buffer.from(signed);
    const at = tampered.indexOf('registration');
    expect(at).toBeGreaterThan(0);
    tampered[at] ^= 0x01;
    const answer = await post('security-officer', tampered, 'application/pkcs7-signature');
    expect(answer.status).toBe(200);
    expect(answer.body).toMatchObject({
      valid: false,
      verdict: 'invalid',
      code: 'SIGNATURE_INVALID',
    });
    expect(answer.body.report.checks.find((c) => c.name === 'signature')).toMatchObject({
      ok: false,
      code: 'SIGNATURE_INVALID',
    });
    const file = join(work, 'tampered.p7s');
    writeFileSync(file, tampered);
    const cli = await cliVerify(file);
    expect({ exit: cli.exit, code: cli.code }).toEqual({ exit: 1, code: 'SIGNATURE_INVALID' });

    const rows = await auditOf(sha256(tampered));
    expect(rows).toEqual([
      {
        actor_user: 'security-officer',
        actor_role: 'security-officer',
        content_digest: `sha256:${sha256(tampered)}`,
        outcome: 'failure',
        error_code: 'SIGNATURE_INVALID',
        message_id: messageId,
        details: { verdict: 'invalid', kind: 'inner', bytes: tampered.length, detached: false },
      },
    ]);
  });

  it('audits a valid check as success, by digest and ids only — no content, no names', async () => {
    const rows = await auditOf(sha256(signed));
    expect(rows.length).toBeGreaterThanOrEqual(3);
    expect(rows[0]).toEqual({
      actor_user: 'security-officer',
      actor_role: 'security-officer',
      content_digest: `sha256:${sha256(signed)}`,
      outcome: 'success',
      error_code: null,
      message_id: messageId,
      details: { verdict: 'valid', kind: 'inner', bytes: signed.length, detached: false },
    });
    expect(rows.map((r) => r.actor_user)).toContain('auditor');
    // The signed body's values (a person's data, MIG-6) appear nowhere in those entries.
    const written = JSON.stringify(rows);
    const values = stringsOf(registrationRequest().body).filter((v) => v.length >= 4);
    expect(values.length).toBeGreaterThan(3);
    for (const value of values) expect(written).not.toContain(value);
  });

  it('a detached signature: the content as the form part `content` — VALID; without it 422 DETACHED_CONTENT_MISSING', async () => {
    const document = join(work, 'document.txt');
    writeFileSync(document, 'a document signed by KZ-MVD’s deputy minister\n');
    const signatory = join(net.certsDir, 'kz', 'signatories', SIGNATORY);
    const detached = join(work, 'document.p7s');
    const openssl = spawnSync('openssl', [
      'cms',
      '-sign',
      '-binary',
      '-md',
      'sha256',
      '-outform',
      'DER',
      '-in',
      document,
      '-signer',
      `${signatory}.cert.pem`,
      '-inkey',
      `${signatory}.key.pem`,
      '-out',
      detached,
    ]);
    expect(openssl.status).toBe(0);
    const form = new FormData();
    form.append('signature', new Blob([readFileSync(detached)]), 'document.p7s');
    form.append('content', new Blob([readFileSync(document)]), 'document.txt');
    const answer = await post('security-officer', form);
    expect(answer.status).toBe(200);
    expect(answer.body).toMatchObject({
      verdict: 'valid',
      kind: 'other',
      party: 'KZ',
      report: { signatoryId: SIGNATORY },
    });

    const bare = await post<Refusal>(
      'security-officer',
      readFileSync(detached),
      'application/pkcs7-signature',
    );
    expect(bare.status).toBe(422);
    expect(bare.body.code).toBe('DETACHED_CONTENT_MISSING');
    const alone = new FormData();
    alone.append('signature', new Blob([readFileSync(detached)]), 'document.p7s');
    expect((await post<Refusal>('security-officer', alone)).body.code).toBe(
      'DETACHED_CONTENT_MISSING',
    );
    // Other content: the same signature no longer matches.
    const other = new FormData();
    other.append('signature', new Blob([readFileSync(detached)]), 'document.p7s');
    other.append('content', new Blob([Buffer.from('another document\n')]), 'document.txt');
    const mismatch = await post('security-officer', other);
    expect(mismatch.status).toBe(200);
    expect(mismatch.body).toMatchObject({ verdict: 'invalid', code: 'SIGNATURE_INVALID' });
    const refused = await auditOf(sha256(readFileSync(detached)));
    expect(refused.map((r) => [r.outcome, r.error_code, r.details.detached])).toEqual([
      ['success', null, true],
      ['failure', 'DETACHED_CONTENT_MISSING', false],
      ['failure', 'DETACHED_CONTENT_MISSING', false],
      ['failure', 'SIGNATURE_INVALID', true],
    ]);
  });

  it('bytes that are not CMS: 400 MALFORMED_ENVELOPE, the code mxg verify reports; PEM without CMS: 400 INPUT_UNREADABLE; both audited', async () => {
    const garbage = Buffer.from('this is not a signature at all');
    const answer = await post<Refusal>('security-officer', garbage, 'application/octet-stream');
    expect(answer.status).toBe(400);
    expect(answer.body.code).toBe('MALFORMED_ENVELOPE');
    const file = join(work, 'garbage.p7s');
    writeFileSync(file, garbage);
    const cli = await cliVerify(file);
    expect({ exit: cli.exit, code: cli.code }).toEqual({ exit: 1, code: 'MALFORMED_ENVELOPE' });
    expect(await auditOf(sha256(garbage))).toEqual([
      expect.objectContaining({ outcome: 'failure', error_code: 'MALFORMED_ENVELOPE' }),
    ]);

    const pem = Buffer.from('-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n');
    const unreadable = await post<Refusal>('auditor', pem, 'application/pkcs7-signature');
    expect(unreadable.status).toBe(400);
    expect(unreadable.body.code).toBe('INPUT_UNREADABLE');
    expect(await auditOf(sha256(pem))).toEqual([
      expect.objectContaining({ outcome: 'failure', error_code: 'INPUT_UNREADABLE' }),
    ]);
  });

  it('refuses other media types (415), no body (400), a form without its signature part (400), an oversize file (413)', async () => {
    expect((await post<Refusal>('security-officer', signed, 'text/plain')).body.code).toBe(
      'UNSUPPORTED_MEDIA_TYPE',
    );
    expect((await post<Refusal>('security-officer', signed, 'application/json')).status).toBe(415);
    const empty = await post<Refusal>('security-officer', '', 'application/pkcs7-signature');
    expect(empty.status).toBe(400);
    const form = new FormData();
    form.append('content', new Blob([Buffer.from('x')]), 'x.txt');
    form.append('extra', 'y');
    const noSignature = await post<Refusal & { errors: { field: string }[] }>(
      'security-officer',
      form,
    );
    expect(noSignature.status).toBe(400);
    expect(noSignature.body.code).toBe('VALIDATION_FAILED');
    expect(noSignature.body.errors.map((e) => e.field).sort()).toEqual(['extra', 'signature']);
    const broken = await post<Refusal>(
      'security-officer',
      'not a form',
      'multipart/form-data; boundary=xyz',
    );
    expect({ status: broken.status, code: broken.body.code }).toEqual({
      status: 400,
      code: 'MALFORMED_REQUEST',
    });
    const oversize = Buffer.alloc(LIMIT + 1, 0x30);
    const tooLarge = await post<Refusal>(
      'security-officer',
      oversize,
      'application/pkcs7-signature',
    );
    expect({ status: tooLarge.status, code: tooLarge.body.code }).toEqual({
      status: 413,
      code: 'PAYLOAD_TOO_LARGE',
    });
  });

  it('roles: a publisher is refused (403), no token is 401 — and neither is a check on the record', async () => {
    const publisher = await post<Refusal>('KZ-MVD', receipt, 'application/pkcs7-mime');
    expect(publisher.status).toBe(403);
    const anonymous = await post<Refusal>(null, receipt, 'application/pkcs7-mime');
    expect(anonymous.status).toBe(401);
    const rows = await auditOf(sha256(receipt));
    expect(rows.map((r) => r.actor_user)).toEqual(['auditor']);
  });
});
