import { mkdirSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { clientTokenName, type MessageType, MxgConfigService, readSecret } from '@mxg/config';
import { exampleMessage } from '@mxg/messages';
import { ApiClient, waitFor } from './api-client';
import { printWarnings, type RunningGateway, startGateway } from './gateway-runner';
import { brokerLines } from './broker-lines';
import { explainDelivery, type MessageView, printTimeline, say } from './timeline';

interface RequestView {
  state: string;
  purpose: string | null;
  receivedOn: string | null;
  dueOn: string | null;
  closedAt: string | null;
}

/**
 * `npm run demo`: Kazakhstan's and Azerbaijan's gateways as two processes with their own
 * databases; KZ's Ministry of Internal Affairs asks AZ's State Migration Service about a
 * person's registration at the place of stay (MIG-5), AZ asks for a clarification, KZ gives it,
 * AZ answers within the 30-day deadline its receipt states (MIG-10.3), and every step — signed,
 * encrypted, routed over RabbitMQ, receipted, audited — is printed as a timeline, with the
 * signed artefacts written where `openssl cms -verify` can check them.
 */
async function main(): Promise<void> {
  const base = MxgConfigService.load();
  const kzConfig = base.forGateway('kz');
  const azConfig = base.forGateway('az');
  const started = Date.now();
  const gateways: RunningGateway[] = [];
  try {
    // #15: each party its own broker, linked over mutual TLS.
    for (const line of [...brokerLines(kzConfig), ...brokerLines(azConfig)]) say(line);
    say(
      'starting the gateways of Kazakhstan (KZ) and Azerbaijan (AZ), each with its own database…',
    );
    const [kz, az] = await Promise.all([startGateway(kzConfig), startGateway(azConfig)]);
    gateways.push(kz, az);
    const token = (gateway: string, client: string) =>
      readSecret(base.paths.var, clientTokenName(gateway, client));
    const kzMvd = new ApiClient(kz.api, token('kz', 'kz-mvd-system'));
    const azDmx = new ApiClient(az.api, token('az', 'az-dmx-system'));
    // #15: each national system talks HTTPS to its own gateway.
    for (const gateway of gateways) say(`  ${gateway.api.line}`);
    say('  (OpenAPI at /docs)');

    /** Submits an example message, waits for it in the addressee's inbox, and acknowledges it. */
    const send = async (
      from: ApiClient,
      to: ApiClient,
      type: MessageType,
      inReplyTo?: string,
    ): Promise<MessageView> => {
      // The bodies are the examples of examples/messages/: MIG-6 persons, Russian text (MIG-15).
      const message = await from.json<MessageView>('POST', '/v1/messages', {
        ...exampleMessage(type),
        ...(inReplyTo === undefined ? {} : { inReplyTo }),
      });
      await waitFor(
        `the ${type} in the addressee’s inbox`,
        async () => {
          const { messages } = await to.json<{ messages: { id: string }[] }>('GET', '/v1/inbox');
          return messages.find((m) => m.id === message.id);
        },
        { explain: () => explainDelivery(from, to, message.id) },
      );
      await to.json('GET', `/v1/inbox/${message.id}`);
      await to.json('POST', `/v1/inbox/${message.id}/ack`);
      return message;
    };

    say('KZ-MVD submits a request to AZ-DMX: registration at the place of stay (MIG-5, MIG-9.2)…');
    const request = await send(kzMvd, azDmx, 'request');
    const due = await waitFor('the deadline in AZ’s receipt', async () => {
      const held = await kzMvd.json<RequestView>('GET', `/v1/requests/${request.id}`);
      return held.dueOn === null ? undefined : held;
    });
    say(
      `  AZ received it on ${due.receivedOn} (Baku time); its signed receipt sets the deadline: ${due.dueOn} (MIG-10.3)`,
    );
    say('AZ-DMX asks for additional information (clarification-request, MIG-10.1)…');
    const asked = await send(azDmx, kzMvd, 'clarification-request', request.id);
    say('KZ-MVD clarifies…');
    const clarified = await send(kzMvd, azDmx, 'clarification', asked.id);
    say('AZ-DMX answers with the result (response, MIG-10.3)…');
    const response = await send(azDmx, kzMvd, 'response', clarified.id);

    // Every receipt back, every step sequenced into both audit logs.
    const complete = (events: string[]) => async (client: ApiClient, id: string) =>
      waitFor(`the record of ${id}`, async () => {
        const view = await client.json<MessageView>('GET', `/v1/messages/${id}`);
        const seen = view.timeline.map((e) => e.event);
        return events.every((e) => seen.includes(e)) ? view : undefined;
      });
    const sent = complete(['message.submitted', 'message.published', 'receipt.received']);
    const received = complete(['message.received', 'receipt.sent', 'message.delivered']);
    const views = [
      { side: 'KZ', what: 'request', view: await sent(kzMvd, request.id) },
      { side: 'AZ', what: 'request', view: await received(azDmx, request.id) },
      { side: 'AZ', what: 'clarif-rq', view: await sent(azDmx, asked.id) },
      { side: 'KZ', what: 'clarif-rq', view: await received(kzMvd, asked.id) },
      { side: 'KZ', what: 'clarif', view: await sent(kzMvd, clarified.id) },
      { side: 'AZ', what: 'clarif', view: await received(azDmx, clarified.id) },
      { side: 'AZ', what: 'response', view: await sent(azDmx, response.id) },
      { side: 'KZ', what: 'response', view: await received(kzMvd, response.id) },
    ];
    const [kzHeld, azHeld] = await Promise.all([
      kzMvd.json<RequestView>('GET', `/v1/requests/${request.id}`),
      azDmx.json<RequestView>('GET', `/v1/requests/${request.id}`),
    ]);

    const dir = join(base.paths.var, 'demo', request.correlationId);
    mkdirSync(dir, { recursive: true });
    const artefacts: [string, Buffer][] = [
      ['request.signed.p7s', await kzMvd.bytes(`/v1/messages/${request.id}/signed`)],
      ['request.receipt.p7s', await kzMvd.bytes(`/v1/messages/${request.id}/receipt`)],
      ['response.signed.p7s', await azDmx.bytes(`/v1/messages/${response.id}/signed`)],
      ['response.receipt.p7s', await azDmx.bytes(`/v1/messages/${response.id}/receipt`)],
    ];
    for (const [name, bytes] of artefacts) writeFileSync(join(dir, name), bytes);

    printTimeline(views, LABELS);
    say(
      `\nrequest ${request.id}: purpose ${kzHeld.purpose} at KZ, ${azHeld.purpose} at AZ — every answer is bound to it (MIG-11.2)`,
    );
    say(
      `request ${request.id}: ${kzHeld.state} at KZ, ${azHeld.state} at AZ — received ${azHeld.receivedOn}, due ${azHeld.dueOn}, answered ${azHeld.closedAt ?? '—'} (MIG-10.3)`,
    );
    const shown = relative(process.cwd(), dir) || dir;
    say(`\nsigned artefacts in ${shown}/ — check them with standard tools, e.g.`);
    say(
      `  openssl cms -verify -binary -inform DER -in ${shown}/request.signed.p7s -CAfile certs/kz/ca.cert.pem`,
    );
    say(
      `  openssl cms -verify -binary -inform DER -in ${shown}/request.receipt.p7s -CAfile certs/az/ca.cert.pem`,
    );
    say(`  npx mxg verify ${shown}/response.signed.p7s`);
    say(
      `\nrequest ${request.id} and its three answers: all delivered, all receipted, in ${Date.now() - started} ms.`,
    );
  } catch (error) {
    printWarnings(gateways);
    throw error;
  } finally {
    say('stopping both gateways…');
    await Promise.all(gateways.map((g) => g.stop()));
  }
}

const LABELS: Record<string, string> = {
  'message.submitted': 'submitted, signed by the signatory, encrypted for the peer, sealed',
  'message.sealed': 'signed by the signatory, encrypted for the peer, sealed by the gateway',
  'message.published': 'published to RabbitMQ (confirmed)',
  'message.received': 'received; seal, decryption, signatory and treaty checks passed',
  'message.verified': 'seal, decryption, signatory and treaty checks passed',
  'receipt.sent': 'signed receipt sent back',
  'receipt.received': 'signed receipt received: delivered',
  'message.delivered': 'taken by the national system',
  'request.opened': 'request opened',
  'request.clarification-requested': 'request awaits clarification (MIG-10.1)',
  'request.clarified': 'request open again',
  'request.answered': 'request answered: closed',
  'handling.restricted': 'handling restrictions recorded (MIG-11.2, MIG-11.3)',
  'data.accessed': 'content read by the national system, audited (MIG-11.4)',
};

main().catch((error: unknown) => {
  process.stderr.write(`demo failed: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exitCode = 1;
});
