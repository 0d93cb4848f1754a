import type { ChannelModel, Channel, ConfirmChannel } from 'amqplib';
import { encryptCms, signCms } from '@mxg/cms';
import { BROKER_EXCHANGE, deadLetterQueue } from '@mxg/config';
import { encodeMessage, FileKeyStore, routingHeaderAttribute } from '@mxg/envelope';
import { createExchangePair, eventually, type ExchangePair } from './support/exchange-pair';
import { createPkiFixture, migRequest, type PkiFixture } from './support/pki-fixture';
import { sql } from './support/faults';

const DAY = 86_400_000;
const SIGNATORY = 'kz-mvd-deputy-minister';

interface Answer {
  id?: string;
  code?: string;
  message?: string;
}

/**
 * Issue #14: a signatory's signing time is their own claim. It must lie within
 * `exchange.innerSigningWindowSeconds` (a day by default) before the sending gateway's seal —
 * itself within the receiver's clock skew and delivery window — so nobody can backdate a
 * signature to a day its signer was still on the list, or their certificate not yet revoked.
 * Two gateway processes; their clocks moved with MXG_CLOCK_OFFSET_FILE, nothing slept.
 */
describe('#14 a backdated inner signature is refused (two gateways)', () => {
  let fx: PkiFixture;
  let pair: ExchangePair;
  let amqp: ChannelModel;
  let channel: ConfirmChannel;
  let azAdmin: ChannelModel;
  let azChannel: Channel;

  beforeAll(async () => {
    fx = await createPkiFixture();
    pair = await createExchangePair({ start: { kz: false, az: false } });
    await pair.kz.start({ MXG_CERTS_DIR: fx.certsDir });
    await pair.az.start({ MXG_CERTS_DIR: fx.certsDir });
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
  });

  /** The signatory's own SignedData over a MIG request, made (really) now. */
  const presigned = async (createdAt: Date) => {
    const message = migRequest(createdAt);
    const signed = await signCms(encodeMessage(message), await fx.keys('KZ').signatory(SIGNATORY), {
      scheme: 'ecdsa-sha256',
      signingTime: new Date(),
    });
    return { id: message.header.id, signed };
  };
  const refusedSubmits = async (code: string) =>
    Number(
      (
        await sql<{ n: string }>(
          pair.kz.db,
          `SELECT count(*) AS n FROM mxg.audit_entries
            WHERE event_type = 'message.submitted' AND outcome = 'failure' AND error_code = $1`,
          [code],
        )
      )[0].n,
    );

  it('the pre-signed path: the sending gateway refuses a signature older than the window (422), audits it and sends nothing', async () => {
    // In the window: taken.
    const fresh = await presigned(new Date());
    const taken = await pair.kz.api<Answer>('KZ-MVD', 'POST', '/v1/messages', fresh.signed);
    expect(taken.status).toBe(202);

    // KZ's clock two days on: the same kind of signature, made "now" by the signer's clock,
    // is two days old at submission — beyond the one-day window.
    pair.kz.setClockOffset(2 * DAY);
    try {
      const stale = await presigned(new Date(Date.now() + 2 * DAY - 60_000));
      const refused = await pair.kz.api<Answer>('KZ-MVD', 'POST', '/v1/messages', stale.signed);
      expect(refused.status).toBe(422);
      expect(refused.body.code).toBe('SIGNING_TIME_OUTSIDE_WINDOW');
      expect(refused.body.message).toMatch(/s before submission/);
      expect(await refusedSubmits('SIGNING_TIME_OUTSIDE_WINDOW')).toBe(1);
      expect(await sql(pair.kz.db, 'SELECT 1 FROM mxg.messages WHERE id = $1', [stale.id])).toEqual(
        [],
      );
      expect(
        await sql(pair.kz.db, 'SELECT 1 FROM mxg.outbox WHERE message_id = $1', [stale.id]),
      ).toEqual([]);
    } finally {
      pair.kz.setClockOffset(0);
    }
  });

  it('a forged envelope at the receiver: an inner signature two days before a genuine seal is refused, audited and dead-lettered', async () => {
    // AZ's clock two days on, and KZ's seal made at that time: only the inner signature is old.
    pair.az.setClockOffset(2 * DAY);
    try {
      const signedAt = new Date();
      const sealedAt = new Date(Date.now() + 2 * DAY);
      const message = migRequest(signedAt);
      const { id } = message.header;
      const inner = await signCms(
        encodeMessage(message),
        await fx.keys('KZ').signatory(SIGNATORY),
        { scheme: 'ecdsa-sha256', signingTime: signedAt },
      );
      const [recipient] = await new FileKeyStore(fx.certsDir, 'AZ').decryption();
      const enveloped = await encryptCms(
        inner,
        { certificate: recipient.certificate },
        { keyTransport: 'rsa-oaep-sha256', contentEncryption: 'aes-256-cbc' },
      );
      const envelope = await signCms(enveloped, await fx.keys('KZ').seal(), {
        scheme: 'ecdsa-sha256',
        signingTime: sealedAt,
        extraAttributes: [routingHeaderAttribute(message.header)],
      });
      // As KZ's own AMQP user, into KZ's vhost: the link carries it to AZ.
      channel.publish(BROKER_EXCHANGE, 'az', Buffer.from(envelope), {
        persistent: true,
        messageId: id,
        type: 'mxg.envelope',
      });
      await channel.waitForConfirms();

      const code = await eventually(
        async () => {
          const dead = await azChannel.get(deadLetterQueue('AZ'), { noAck: true });
          return dead && dead.properties.messageId === id
            ? String(dead.properties.headers?.['x-mxg-error-code'])
            : undefined;
        },
        20_000,
        `message ${id} on AZ's dead-letter queue`,
      );
      expect(code).toBe('SIGNING_TIME_OUTSIDE_WINDOW');
      expect(
        await sql(
          pair.az.db,
          `SELECT error_code FROM mxg.audit_entries WHERE event_type = 'message.rejected' AND message_id = $1`,
          [id],
        ),
      ).toEqual([{ error_code: 'SIGNING_TIME_OUTSIDE_WINDOW' }]);
      expect(await sql(pair.az.db, 'SELECT 1 FROM mxg.messages WHERE id = $1', [id])).toEqual([]);
    } finally {
      pair.az.setClockOffset(0);
    }
  });
});
