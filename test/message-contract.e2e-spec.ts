import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseSignedData, signCms } from '@mxg/cms';
import { defaultAlgorithmPolicy, MxgConfigService } from '@mxg/config';
import {
  encodeMessage,
  FileKeyStore,
  FileTrustStore,
  type MxgMessage,
  sealEnvelope,
  signatureSchemeFor,
} from '@mxg/envelope';
import { exampleMessage, exampleNames, MAX_ATTACHMENT_BYTES } from '@mxg/messages';
import { createExchangePair, eventually, type ExchangePair } from './support/exchange-pair';
import { sql } from './support/faults';
import { migRequest } from './support/pki-fixture';
import { publishRaw, takeDeadLetters } from './support/raw-delivery';

const ROOT = join(__dirname, '..');
const MXG = join(ROOT, 'apps', 'cli', 'bin', 'mxg.js');

type Body = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

interface Finding {
  field: string;
  rule: string;
  treaty?: string;
}
interface Answer {
  id: string;
  code?: string;
  errors?: Finding[];
  warnings?: Finding[];
}

const JPEG = Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0x00, 0x10, 0x4a, 0x46, 0x49, 0x46]);
const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

/** The example request's body changed by `edit` (a fresh copy each time). */
function requestBody(edit: (body: Body) => void = () => undefined): Body {
  const body = structuredClone(exampleMessage('request').body) as Body;
  edit(body);
  return body;
}

/** The request's photograph replaced by `bytes`, declared image/png, with their true digest. */
const photographOf = (bytes: Buffer) => (body: Body) => {
  Object.assign(body.attachments[0], {
    data: bytes.toString('base64'),
    sha256: createHash('sha256').update(bytes).digest('hex'),
  });
};

/**
 * The MIG-6 cases every checkpoint (API, receiver, CLI) must judge alike: the path and code of
 * the one problem each has.
 */
const REFUSED: readonly { rule: string; body: Body; path: string; code: string; treaty: string }[] =
  [
    {
      rule: 'MIG-6 data minimisation: a field MIG-6 does not list (an address)',
      body: requestBody((b) => (b.persons[0].address = 'г. Баку, ул. Низами, 10')),
      path: 'body.persons[0].address',
      code: 'FIELD_NOT_ALLOWED',
      treaty: 'MIG-6',
    },
    {
      rule: 'MIG-6: a required field missing (date of birth)',
      body: requestBody((b) => delete b.persons[0].birthDate),
      path: 'body.persons[0].birthDate',
      code: 'FIELD_REQUIRED',
      treaty: 'MIG-6',
    },
    {
      rule: 'MIG-6: a date not on the calendar',
      body: requestBody((b) => (b.persons[0].birthDate = '1990-02-30')),
      path: 'body.persons[0].birthDate',
      code: 'DATE_INVALID',
      treaty: 'MIG-6',
    },
    {
      rule: 'MIG-6: a photograph whose bytes are not its declared type (JPEG declared PNG)',
      body: requestBody(photographOf(JPEG)),
      path: 'body.attachments[0].data',
      code: 'ATTACHMENT_TYPE_MISMATCH',
      treaty: 'MIG-9.2',
    },
    {
      rule: 'MIG-6: a photograph over its size limit',
      body: requestBody(
        photographOf(Buffer.concat([PNG_SIGNATURE, Buffer.alloc(MAX_ATTACHMENT_BYTES.photograph)])),
      ),
      path: 'body.attachments[0].data',
      code: 'ATTACHMENT_TOO_LARGE',
      treaty: 'MIG-9.2',
    },
  ];

/** MIG-6: a Latin form other than ICAO 9303's is the passport's spelling: accepted, flagged. */
const LATIN_DIFFERS = requestBody((b) => (b.persons[0].surname.latin = 'SEYTKAZIYEV'));

function mxg(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [MXG, ...args], { cwd: ROOT }, (error, stdout, stderr) => {
      resolve({ code: error ? Number(error.code) : 0, stdout, stderr });
    });
  });
}

describe('#11 the message-body contract (MIG-6): one check at the API, the receiver and the CLI', () => {
  let pair: ExchangePair;
  let work: string;
  const config = MxgConfigService.load();
  const request = exampleMessage('request');

  beforeAll(async () => {
    pair = await createExchangePair();
    work = mkdtempSync(join(tmpdir(), 'mxg-message-contract-'));
  }, 90_000);
  afterAll(async () => {
    await pair?.close();
    rmSync(work, { recursive: true, force: true });
  });

  const submit = (body: Body) =>
    pair.kz.api<Answer>('KZ-MVD', 'POST', '/v1/messages', { ...request, body });

  /** A request from KZ-MVD to AZ-DMX with `body`, as a message header and body. */
  const message = (body: Body): MxgMessage => ({ ...migRequest(new Date()), body });

  describe('(a) POST /messages', () => {
    it.each(REFUSED.map((c) => [c.rule, c] as const))(
      '%s: 400 VALIDATION_FAILED naming path, code and article, audited by code',
      async (_rule, { body, path, code, treaty }) => {
        const { status, body: answer } = await submit(body);
        expect(status).toBe(400);
        expect(answer.code).toBe('VALIDATION_FAILED');
        expect(answer.errors).toEqual([
          expect.objectContaining({ field: path, rule: code, treaty }),
        ]);
        // The refusal names the rule, never the value it refused.
        expect(JSON.stringify(answer)).not.toContain('Низами');
      },
    );

    it('audits every refused body by its code only (MIG-11.4: no content in the log)', async () => {
      const audited = await sql<{ error_code: string; details: unknown }>(
        pair.kz.db,
        `SELECT error_code, details FROM mxg.audit_entries
          WHERE event_type = 'message.submitted' AND outcome = 'failure'`,
      );
      expect(
        audited.filter((a) => a.error_code === 'VALIDATION_FAILED').length,
      ).toBeGreaterThanOrEqual(REFUSED.length);
      expect(JSON.stringify(audited)).not.toContain('Низами');
    });

    it('MIG-6 LATIN_FORM_DIFFERS: accepts a Latin form other than ICAO 9303’s, and says so in warnings', async () => {
      const { status, body } = await submit(LATIN_DIFFERS);
      expect(status).toBe(202);
      expect(body.warnings).toEqual([
        {
          field: 'body.persons[0].surname.latin',
          rule: 'LATIN_FORM_DIFFERS',
          message: expect.any(String) as string,
          treaty: 'MIG-6',
        },
      ]);
    });

    it('MIG-6 on the pre-signed path too: a signed body with a field MIG-6 does not list is refused the same way', async () => {
      const keys = await new FileKeyStore(config.paths.certs, 'KZ').signatory(
        'kz-mvd-deputy-minister',
      );
      const der = await signCms(encodeMessage(message(REFUSED[0].body)), keys, {
        scheme: signatureSchemeFor(keys.certificate.publicKey, defaultAlgorithmPolicy()),
        signingTime: new Date(),
      });
      const { status, body } = await pair.kz.api<Answer>('KZ-MVD', 'POST', '/v1/messages', der);
      expect(status).toBe(400);
      expect(body.errors).toEqual([
        expect.objectContaining({ field: 'body.persons[0].address', rule: 'FIELD_NOT_ALLOWED' }),
      ]);
    });
  });

  describe('(b) the receiving gateway, for envelopes that skipped the sender’s checks', () => {
    /** Sealed in-process with KZ's real keys, as a gateway without the body check would. */
    const sealed = async (body: Body) => {
      const kz = new FileKeyStore(config.paths.certs, 'KZ');
      const m = message(body);
      const { envelope } = await sealEnvelope({
        message: m,
        signatory: await kz.signatory('kz-mvd-deputy-minister'),
        seal: await kz.seal(),
        recipient: (await new FileKeyStore(config.paths.certs, 'AZ').decryption())[0].certificate,
        trust: new FileTrustStore(config.paths.certs, config.treaty),
        policy: config.treaty.agreement('MIG').algorithms,
        signingTime: new Date(),
      });
      return { id: m.header.id, envelope };
    };
    const delivery = ({ id, envelope }: { id: string; envelope: Uint8Array }) => ({
      bytes: envelope,
      properties: { messageId: id, type: 'mxg.envelope' },
    });

    it('refuses each MIG-6 case as MESSAGE_BODY_INVALID: a signed negative receipt to the sender, a dead letter, an audit entry without values; accepts the Latin-form case', async () => {
      const refused = await Promise.all(REFUSED.map((c) => sealed(c.body)));
      const accepted = await sealed(LATIN_DIFFERS);
      await publishRaw(pair, 'AZ', [...refused, accepted].map(delivery));

      // Dead-lettered at AZ, whole, with the code.
      const dead = await takeDeadLetters(pair, 'AZ', refused.length);
      expect(
        Object.fromEntries(
          dead.map((d) => [d.properties.messageId, d.properties.headers?.['x-mxg-error-code']]),
        ),
      ).toEqual(Object.fromEntries(refused.map((r) => [r.id, 'MESSAGE_BODY_INVALID'])));

      // A signed negative receipt for each went back to KZ's gateway, which never sent these
      // messages and so dead-letters the receipts: their signed content says why.
      // (The accepted case's positive receipt goes the same way, and is left aside.)
      const ids = new Set(refused.map((r) => `receipt:${r.id}`));
      const receipts = await takeDeadLetters(pair, 'KZ', refused.length, (m) =>
        ids.has(String(m.properties.messageId)),
      );
      const said = receipts.map(
        (r) =>
          JSON.parse(Buffer.from(parseSignedData(r.content).encapsulatedContent!).toString()) as {
            messageId: string;
            status: string;
            code: string;
          },
      );
      expect(said.map((r) => [r.messageId, r.status, r.code]).sort()).toEqual(
        refused.map((r) => [r.id, 'rejected', 'MESSAGE_BODY_INVALID']).sort(),
      );

      // Audited under the authenticated message id, by code: no value of the body.
      const audited = await eventually(async () => {
        const found = await sql<{ message_id: string; error_code: string; details: unknown }>(
          pair.az.db,
          `SELECT message_id, error_code, details FROM mxg.audit_entries
            WHERE event_type = 'message.rejected' AND message_id = ANY($1)`,
          [refused.map((r) => r.id)],
        );
        return found.length === refused.length ? found : undefined;
      });
      expect(new Set(audited.map((a) => a.error_code))).toEqual(new Set(['MESSAGE_BODY_INVALID']));
      expect(JSON.stringify(audited)).not.toContain('Низами');
      expect(
        await sql(pair.az.db, `SELECT 1 FROM mxg.messages WHERE id = ANY($1)`, [
          refused.map((r) => r.id),
        ]),
      ).toHaveLength(0);

      // A warning does not refuse: the Latin-form case is stored.
      await eventually(async () => {
        const { body } = await pair.az.api<{ messages: { id: string }[] }>(
          'AZ-DMX',
          'GET',
          '/v1/inbox',
        );
        return body.messages.find((m) => m.id === accepted.id);
      });
    }, 120_000);
  });

  describe('(c) mxg message check', () => {
    const file = (name: string, json: unknown) => {
      const path = join(work, `${name}.json`);
      writeFileSync(path, JSON.stringify(json));
      return path;
    };

    it.each(exampleNames())('accepts examples/messages/%s.json (exit 0)', async (name) => {
      const { code, stdout } = await mxg([
        'message',
        'check',
        join(ROOT, 'examples', 'messages', `${name}.json`),
      ]);
      expect({ code, stdout }).toEqual({
        code: 0,
        stdout: expect.stringContaining('valid') as string,
      });
    });

    it.each(REFUSED.map((c, i) => [c.rule, c, i] as const))(
      '%s: exit 1, the problem listed with its path and code',
      async (_rule, { body, path, code }, i) => {
        const run = await mxg(['message', 'check', file(`refused-${i}`, { ...request, body })]);
        expect(run.code).toBe(1);
        expect(run.stdout).toContain(`${path} ${code}`);
      },
    );

    it('MIG-6 LATIN_FORM_DIFFERS: exit 0 with the warning; --json reports it', async () => {
      const path = file('latin', { ...request, body: LATIN_DIFFERS });
      const text = await mxg(['message', 'check', path]);
      expect(text.code).toBe(0);
      expect(text.stdout).toContain('warning body.persons[0].surname.latin LATIN_FORM_DIFFERS');
      const json = await mxg(['message', 'check', path, '--json']);
      expect(json.code).toBe(0);
      expect(JSON.parse(json.stdout)).toMatchObject({
        valid: true,
        type: 'request',
        problems: [],
        warnings: [{ path: 'body.persons[0].surname.latin', code: 'LATIN_FORM_DIFFERS' }],
      });
    });

    it('checks a whole {header, body} message the same way', async () => {
      const whole = message(REFUSED[0].body);
      const run = await mxg(['message', 'check', file('whole', whole), '--json']);
      expect(run.code).toBe(1);
      expect(JSON.parse(run.stdout)).toMatchObject({
        valid: false,
        form: 'message',
        problems: [{ path: 'body.persons[0].address', code: 'FIELD_NOT_ALLOWED' }],
      });
    });

    it('exit 2 for a usage error: no such file, or not JSON', async () => {
      expect((await mxg(['message', 'check', join(work, 'absent.json')])).code).toBe(2);
      const notJson = join(work, 'not.json');
      writeFileSync(notJson, '{"type":');
      expect((await mxg(['message', 'check', notJson])).code).toBe(2);
    });
  });

  describe('published schemas', () => {
    const get = (path: string) => fetch(`http://127.0.0.1:${pair.kz.port}${path}`);

    it('GET /schemas/request returns the versioned JSON Schema; an unknown type is 404 SCHEMA_NOT_FOUND', async () => {
      const response = await get('/v1/schemas/request');
      expect(response.status).toBe(200);
      expect(response.headers.get('content-type')).toContain('application/schema+json');
      const schema = (await response.json()) as Record<string, unknown>;
      expect(schema).toMatchObject({
        $id: 'urn:mxg:schema:mig:request:2',
        version: 2,
        type: 'object',
        additionalProperties: false,
      });
      const list = (await (await get('/v1/schemas')).json()) as { schemas: { url: string }[] };
      expect(list.schemas.map((s) => s.url)).toContain('/v1/schemas/authority-change-notice');
      const unknown = await get('/v1/schemas/gossip');
      expect(unknown.status).toBe(404);
      expect(await unknown.json()).toMatchObject({ code: 'SCHEMA_NOT_FOUND' });
    });

    it('the OpenAPI document declares the bearer scheme and links each body schema', async () => {
      const document = (await (await get('/docs-json')).json()) as {
        components: {
          securitySchemes: Record<string, { type: string; scheme: string }>;
          schemas: Record<
            string,
            { properties?: Record<string, { oneOf?: { $ref: string }[]; description?: string }> }
          >;
        };
        paths: Record<string, Record<string, { security?: unknown[] }>>;
      };
      expect(document.components.securitySchemes.bearer).toMatchObject({
        type: 'http',
        scheme: 'bearer',
      });
      expect(document.paths['/v1/messages'].post.security).toEqual([{ bearer: [] }]);
      const body = document.components.schemas.SubmitMessageDto.properties!.body;
      expect(body.oneOf).toContainEqual({ $ref: '#/components/schemas/MessageBody-request' });
      expect(body.description).toContain('/v1/schemas/request');
      expect(document.components.schemas['MessageBody-request']).toBeDefined();
    });
  });
});
