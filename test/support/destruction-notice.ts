import { randomUUID } from 'node:crypto';
import { MxgConfigService } from '@mxg/config';
import {
  FileKeyStore,
  FileTrustStore,
  MESSAGE_FORMAT,
  type MessageHeader,
  sealEnvelope,
} from '@mxg/envelope';
import type { ExchangePair } from './exchange-pair';
import { publishRaw } from './raw-delivery';

/**
 * A destruction notice (MIG-11.5) from AZ-DMX to KZ-MVD made outside AZ's gateway — signed by a
 * real AZ signatory and sealed with AZ's real seal, so only its content can be wrong — and
 * published as AZ's AMQP user for KZ. Returns its id.
 */
export async function publishCraftedNotice(
  pair: ExchangePair,
  entries: { id: string; digest: string; destroyedAt: string; reasonCode: string }[],
  at = new Date(),
): Promise<string> {
  const config = MxgConfigService.load();
  const trust = new FileTrustStore(config.paths.certs, config.treaty);
  const id = randomUUID();
  const header: MessageHeader = {
    format: MESSAGE_FORMAT,
    id,
    type: 'destruction-notice',
    agreement: 'MIG',
    from: { party: 'AZ', authority: 'AZ-DMX' },
    to: { party: 'KZ', authority: 'KZ-MVD' },
    createdAt: at.toISOString(),
    correlationId: id,
    inReplyTo: null,
  };
  const az = new FileKeyStore(config.paths.certs, 'AZ');
  const sealed = await sealEnvelope({
    message: { header, body: { messages: entries } },
    signatory: await az.signatory('az-dmx-information-head'),
    seal: await az.seal(),
    recipient: (await new FileKeyStore(config.paths.certs, 'KZ').decryption())[0].certificate,
    trust,
    policy: config.treaty.agreement('MIG').algorithms,
    signingTime: at,
  });
  await publishRaw(
    pair,
    'KZ',
    [
      {
        bytes: sealed.envelope,
        properties: {
          messageId: id,
          type: 'mxg.envelope',
          headers: {
            'x-mxg-type': header.type,
            'x-mxg-agreement': header.agreement,
            'x-mxg-from': 'AZ',
            'x-mxg-to': 'KZ',
          },
        },
      },
    ],
    'AZ',
  );
  return id;
}
