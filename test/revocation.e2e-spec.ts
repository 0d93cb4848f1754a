import { execFile } from 'node:child_process';
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
import type { Channel, ConfirmChannel, ChannelModel } from 'amqplib';
import { Client } from 'pg';
import { signCms } from '@mxg/cms';
import { BROKER_EXCHANGE, deadLetterQueue } from '@mxg/config';
import {
  encodeMessage,
  FileKeyStore,
  FileTrustStore,
  type MxgMessage,
  type SealedEnvelope,
  sealEnvelope,
} from '@mxg/envelope';
import {
  issueCertificate,
  loadCertificateAuthority,
  partyPkiPaths,
  signatorySubject,
} from '@mxg/pki';
import {
  createExchangePair,
  eventually,
  registrationRequest,
  type ExchangePair,
  type GatewayUnderTest,
} from './support/exchange-pair';
import { createPkiFixture, migRequest, type PkiFixture } from './support/pki-fixture';

const ROOT = join(__dirname, '..');
const MXG = join(ROOT, 'apps', 'cli', 'bin', 'mxg.js');
const DAY = 86_400_000;
const REVOKED = 'kz-mvd-migration-head';
const SHORT_LIVED = 'kz-mtszn-committee-head';

interface Answer {
  id: string;
  code?: string;
  status?: string;
  messages?: { id: string }[];
}

/** The built `mxg`, as an operator runs it, on the test's own certificates directory. */
function mxg(certsDir: string, args: string[]): Promise<{ code: number; stderr: string }> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [MXG, ...args],
      { cwd: ROOT, env: { ...process.env, MXG_CERTS_DIR: certsDir, TZ: 'UTC' } },
      (error, _stdout, stderr) => resolve({ code: error ? Number(error.code) : 0, stderr }),
    );
  });
}

async function rows<T>(gateway: GatewayUnderTest, sql: string, params: unknown[] = []) {
  const client = new Client({ connectionString: gateway.db.ownerUrl });
  await client.connect();
  try {
    return (await client.query<T & Record<string, unknown>>(sql, params)).rows;
  } finally {
    await client.end();
  }
}

/** The error code a party's dead-letter queue gives message `id` (others are passed over). */
function deadLetterCode(channel: Channel, party: string, id: string) {
  return eventually(
    async () => {
      const message = await channel.get(deadLetterQueue(party), { noAck: true });
      return message && message.properties.messageId === id
        ? String(message.properties.headers?.['x-mxg-error-code'])
        : undefined;
    },
    20_000,
    `message ${id} on ${party}'s dead-letter queue`,
  );
}

/**
 * Issue #10, finding 5, end to end: `mxg pki revoke` on the certificates directory two running
 * gateways use. The sender refuses the revoked signatory's next submit; the receiver refuses
 * what the signatory signed after the revocation and — judged as of signing time (#14) — still
 * accepts what they signed before it; neither restarts; nothing a worse CRL file says undoes it.
 */
describe('#10.5 revocation bites on running gateways (two processes, mxg pki revoke)', () => {
  let fx: PkiFixture;
  let pair: ExchangePair;
  let amqp: ChannelModel;
  let channel: ConfirmChannel;
  /** AZ's vhost as its administrator: where AZ's dead-letter queue is. */
  let azAdmin: ChannelModel;
  let azChannel: Channel;
  let certs: string;
  let work: string;
  let crlBeforeRevocation: string;
  /** Sealed by the signatory, in KZ's name, while their certificate was good. */
  const sealedBefore: SealedEnvelope[] = [];
  let presignedBefore: Uint8Array;
  let presignedId: string;
  /** A sender that has not heard of the revocation (its CRL is the one from before). */
  let unaware: FileTrustStore;
  /** Sealed in KZ's name by the signatory after the revocation, past an unaware sender. */
  const sealedAfter = async () => {
    const keys = new FileKeyStore(certs, 'KZ');
    const [recipient] = await new FileKeyStore(certs, 'AZ').decryption();
    return sealEnvelope({
      message: migRequest(new Date()),
      signatory: await keys.signatory(REVOKED),
      seal: await keys.seal(),
      recipient: recipient.certificate,
      trust: unaware,
      policy: fx.config.treaty.agreement('MIG').algorithms,
      signingTime: new Date(),
    });
  };

  beforeAll(async () => {
    // A private PKI: revoking in the worktree's certs/ would break every other test.
    fx = await createPkiFixture();
    certs = fx.certsDir;
    work = mkdtempSync(join(tmpdir(), 'mxg-revocation-e2e-'));
    await shortenCertificate(certs, SHORT_LIVED, new Date(Date.now() + DAY));
    crlBeforeRevocation = readFileSync(partyPkiPaths(certs, 'KZ').caCrl, 'utf8');
    const before = join(work, 'certs-before');
    cpSync(certs, before, { recursive: true });
    unaware = new FileTrustStore(before, fx.config.treaty);

    pair = await createExchangePair({ start: { kz: false, az: false } });
    await pair.kz.start({ MXG_CERTS_DIR: certs });
    await pair.az.start({ MXG_CERTS_DIR: certs });

    const keys = new FileKeyStore(certs, 'KZ');
    for (let i = 0; i < 3; i += 1) {
      sealedBefore.push(
        await sealEnvelope({
          message: migRequest(new Date()),
          signatory: await keys.signatory(REVOKED),
          seal: await keys.seal(),
          recipient: (await new FileKeyStore(certs, 'AZ').decryption())[0].certificate,
          trust: fx.trust,
          policy: fx.config.treaty.agreement('MIG').algorithms,
          signingTime: new Date(),
        }),
      );
    }
    const presignedMessage = migRequest(new Date());
    presignedId = presignedMessage.header.id;
    presignedBefore = await signCms(
      encodeMessage(presignedMessage),
      await keys.signatory(REVOKED),
      { scheme: 'ecdsa-sha256', signingTime: new Date() },
    );
    // As KZ's own AMQP user, into KZ's vhost: the link carries it to AZ.
    amqp = await pair.broker.connectUser('KZ');
    channel = await amqp.createConfirmChannel();
    azAdmin = await pair.broker.connectAdmin('AZ');
    azChannel = await azAdmin.createChannel();
  }, 120_000);

  afterAll(async () => {
    await channel?.close();
    await amqp?.close();
    await azChannel?.close();
    await azAdmin?.close();
    await pair?.close();
    fx?.cleanup();
    if (work) rmSync(work, { recursive: true, force: true });
  });

  const submit = (signatory: string, client = 'KZ-MVD') =>
    pair.kz.api<Answer>(client, 'POST', '/v1/messages', { ...registrationRequest(), signatory });
  const publishToAz = async (sealed: SealedEnvelope) => {
    channel.publish(BROKER_EXCHANGE, 'az', Buffer.from(sealed.envelope), {
      persistent: true,
      messageId: sealed.header.id,
      type: 'mxg.envelope',
    });
    await channel.waitForConfirms();
  };
  const inAzInbox = (id: string) =>
    eventually(
      async () => {
        const { body } = await pair.az.api<Answer>('AZ-DMX', 'GET', '/v1/inbox');
        return body.messages?.find((m) => m.id === id);
      },
      20_000,
      `message ${id} in AZ's inbox`,
    );
  const refusedSubmits = async (code: string) =>
    Number(
      (
        await rows<{ n: string }>(
          pair.kz,
          `SELECT count(*) AS n FROM mxg.audit_entries
            WHERE event_type = 'message.submitted' AND outcome = 'failure' AND error_code = $1`,
          [code],
        )
      )[0].n,
    );
  /** KZ's outgoing messages (what a submit stores, with its outbox row, in one statement). */
  const outgoing = async (signatory?: string) =>
    Number(
      (
        await rows<{ n: string }>(
          pair.kz,
          `SELECT count(*) AS n FROM mxg.messages
            WHERE direction = 'outgoing' AND ($1::text IS NULL OR signatory_id = $1)`,
          [signatory ?? null],
        )
      )[0].n,
    );
  const kzCrl = () => partyPkiPaths(certs, 'KZ').caCrl;

  it('before the revocation, the signatory’s submits and envelopes go through', async () => {
    const submitted = await submit(REVOKED);
    expect(submitted.status).toBe(202);
    await publishToAz(sealedBefore[0]);
    await inAzInbox(sealedBefore[0].header.id);
  });

  it('#10.5 the next submit after `mxg pki revoke` is refused at the sender with CERT_REVOKED, audited, and nothing is stored or sent', async () => {
    const revoke = await mxg(certs, [
      'pki',
      'revoke',
      join(certs, 'kz', 'signatories', `${REVOKED}.cert.pem`),
      '--reason',
      'keyCompromise',
    ]);
    expect(revoke.code).toBe(0);
    const before = await outgoing();

    const json = await submit(REVOKED);
    expect(json.status).toBe(422);
    expect(json.body.code).toBe('CERT_REVOKED');
    // The pre-signed path: a SignedData the signatory made while still in good standing.
    const presigned = await pair.kz.api<Answer>('KZ-MVD', 'POST', '/v1/messages', presignedBefore);
    expect(presigned.status).toBe(422);
    expect(presigned.body.code).toBe('CERT_REVOKED');

    expect(await outgoing()).toBe(before);
    expect(await outgoing(REVOKED)).toBe(1); // the one submitted before the revocation
    expect(
      await rows(pair.kz, 'SELECT 1 FROM mxg.outbox WHERE message_id = $1', [presignedId]),
    ).toEqual([]);
    expect(await refusedSubmits('CERT_REVOKED')).toBe(2);
    // Only that signatory: KZ-MVD's others still sign and send.
    expect((await submit('kz-mvd-deputy-minister')).status).toBe(202);
  });

  it('#10.5 `mxg envelope seal` refuses the revoked signatory too', async () => {
    const message: MxgMessage = migRequest(new Date());
    const file = join(work, 'message.json');
    writeFileSync(file, JSON.stringify(message));
    const sealed = await mxg(certs, [
      'envelope',
      'seal',
      file,
      '--signatory',
      REVOKED,
      '--out',
      `${file}.p7m`,
    ]);
    expect(sealed.code).toBe(1);
    expect(sealed.stderr).toContain('REFUSED (inner layer) — CERT_REVOKED');
    expect(existsSync(`${file}.p7m`)).toBe(false);
  });

  it('#10.5 the receiver, running since before the revocation, refuses an envelope the signatory signed after it, and accepts one signed before (#14: as of signing time)', async () => {
    const after = await sealedAfter();
    const { id } = after.header;
    await publishToAz(after);
    expect(await deadLetterCode(azChannel, 'AZ', id)).toBe('CERT_REVOKED');
    const audited = await rows<{ error_code: string }>(
      pair.az,
      `SELECT error_code FROM mxg.audit_entries WHERE event_type = 'message.rejected' AND message_id = $1`,
      [id],
    );
    expect(audited).toEqual([{ error_code: 'CERT_REVOKED' }]);
    expect(await rows(pair.az, 'SELECT 1 FROM mxg.messages WHERE id = $1', [id])).toEqual([]);

    // Signed (and sealed) while the certificate was good, delivered after the revocation.
    await publishToAz(sealedBefore[1]);
    await inAzInbox(sealedBefore[1].header.id);
  });

  it('#10.5 a corrupt, foreign, older or missing CRL dropped in place does not un-revoke, on either side', async () => {
    const revokedCrl = readFileSync(kzCrl(), 'utf8');
    const drops: [string, () => void, string][] = [
      ['garbage', () => writeFileSync(kzCrl(), 'not a CRL'), 'is not a CRL'],
      [
        'AZ’s CRL',
        () => writeFileSync(kzCrl(), readFileSync(partyPkiPaths(certs, 'AZ').caCrl)),
        "is not a CRL signed by KZ's CA",
      ],
      ['no CRL', () => unlinkSync(kzCrl()), 'is missing'],
      // Archived at start already: evidence for the times it covered, never a replacement.
      ['the CRL from before the revocation', () => writeFileSync(kzCrl(), crlBeforeRevocation), ''],
    ];
    for (const [what, drop, warning] of drops) {
      drop();
      const { status, body } = await submit(REVOKED);
      expect({ what, status, code: body.code }).toEqual({
        what,
        status: 422,
        code: 'CERT_REVOKED',
      });
      expect(pair.kz.process.output()).toContain(warning);
    }
    // The older CRL is in the file now; AZ keeps the revocation too.
    const after = await sealedAfter();
    await publishToAz(after);
    expect(await deadLetterCode(azChannel, 'AZ', after.header.id)).toBe('CERT_REVOKED');
    writeFileSync(kzCrl(), revokedCrl);
  });

  it('#10.5 an expired signatory is refused at the sender with CERT_EXPIRED once the gateway’s clock passes the certificate’s end', async () => {
    expect((await submit(SHORT_LIVED, 'KZ-MTSZN')).status).toBe(202);
    // Two days on: past the one-day certificate, well within the CRL's 30 days and the treaty's dates.
    pair.kz.setClockOffset(2 * DAY);
    try {
      const refused = await submit(SHORT_LIVED, 'KZ-MTSZN');
      expect(refused.status).toBe(422);
      expect(refused.body.code).toBe('CERT_EXPIRED');
      expect(await refusedSubmits('CERT_EXPIRED')).toBe(1);
      expect((await submit('kz-mvd-deputy-minister')).status).toBe(202);
    } finally {
      pair.kz.setClockOffset(0);
    }
  });

  it('#10.5 a newer CRL revoking KZ’s gateway seal stops it sealing at once', async () => {
    const revoke = await mxg(certs, [
      'pki',
      'revoke',
      join(certs, 'kz', 'gateway', 'seal.cert.pem'),
    ]);
    expect(revoke.code).toBe(0);
    const before = await outgoing();
    const refusedBefore = await refusedSubmits('CERT_REVOKED');
    const refused = await submit('kz-mvd-deputy-minister');
    expect(refused.status).toBe(422);
    expect(refused.body.code).toBe('CERT_REVOKED');
    expect(await outgoing()).toBe(before);
    expect(await refusedSubmits('CERT_REVOKED')).toBe(refusedBefore + 1);
  });
});

/** Replaces a signatory's development certificate with one that ends at `notAfter`. */
async function shortenCertificate(certsDir: string, signatoryId: string, notAfter: Date) {
  const paths = partyPkiPaths(certsDir, 'KZ').signatory(signatoryId);
  unlinkSync(paths.certificate);
  unlinkSync(paths.privateKey);
  await issueCertificate({
    issuer: await loadCertificateAuthority(certsDir, 'KZ'),
    profile: 'signatory',
    subject: signatorySubject('KZ', {
      id: signatoryId,
      authorityCode: 'KZ-MTSZN',
      authorityNameEn: 'Ministry of Labour and Social Protection of Population',
      commonName: 'Obraztsov Daniyar',
    }),
    keyAlgorithm: 'ecdsa-p256',
    notAfter,
    writeTo: { certificatePath: paths.certificate, privateKeyPath: paths.privateKey },
  });
}
