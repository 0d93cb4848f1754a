import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { clientTokenName, MxgConfigService, readSecret } from '@mxg/config';
import { exampleMessage, type SubmittedMessage } from '@mxg/messages';
import { ApiClient, waitFor } from '../api-client';
import { printWarnings, type RunningGateway, startGateway } from '../gateway-runner';
import { explainDelivery, type MessageView, printTimeline, say } from '../timeline';

/** A claim as `GET /claims/{id}` shows it: ids, codes, dates and amounts (no person data). */
interface ClaimView {
  id: string;
  claimNumber: string;
  side: string;
  state: string;
  late: boolean;
  disputed: boolean;
  totalUsd: string;
  lines: number;
  sentOn: string;
  receivedOn: string | null;
  dueOn: string | null;
  daysLeft: number | null;
  paidOn: string | null;
  paidUsd: string | null;
}

interface ClaimBody {
  claimNumber: string;
  lines: unknown[];
  total: { currency: string; amount: string };
}

const STAY = { gateway: 'kz', authority: 'KZ-RET', signatory: 'kz-ret-finance-head' } as const;
const RESIDENCE = { gateway: 'az', authority: 'AZ-RET', signatory: 'az-ret-finance-head' } as const;

/**
 * `npm run demo:ret`: one RET reimbursement claim from submission to payment between the shipped
 * KZ and AZ gateways (two processes, their own databases). Both import the National Bank of
 * Kazakhstan's official rates (RET-3.7); KZ-RET, of the state where the minor stayed, claims
 * the costs of the return from AZ-RET, of the minor's state of residence (RET-3.1) with
 * examples/ret/claim.json; AZ's signed receipt sets the payment deadline (RET-4); AZ asks about
 * a line and KZ answers; AZ confirms the payment, which closes the claim on both sides; and the
 * calculation (RET-3.6) is fetched as the printable PDF finance staff and auditors read.
 */
async function main(): Promise<void> {
  const base = MxgConfigService.load();
  const kzConfig = base.forGateway(STAY.gateway);
  const azConfig = base.forGateway(RESIDENCE.gateway);
  const examples = join(base.paths.root, 'examples', 'ret');
  const started = Date.now();
  const gateways: RunningGateway[] = [];
  try {
    say(
      'starting the gateways of Kazakhstan (KZ) and Azerbaijan (AZ), each with its own database…',
    );
    const [kz, az] = await Promise.all([startGateway(kzConfig), startGateway(azConfig)]);
    gateways.push(kz, az);
    const token = (gateway: string, client: string) =>
      readSecret(base.paths.var, clientTokenName(gateway, client));
    const kzRet = new ApiClient(kz.api, token(STAY.gateway, 'kz-ret-system'));
    const azRet = new ApiClient(az.api, token(RESIDENCE.gateway, 'az-ret-system'));
    for (const gateway of gateways) say(`  ${gateway.api.line}`);
    say('  (OpenAPI at /docs)');

    say(
      '\nboth import the official rates of the National Bank of Kazakhstan (POST /rates, RET-3.7)…',
    );
    const csv = readFileSync(join(examples, 'rates-nbk.csv'));
    for (const [side, gateway] of [
      ['KZ', kz],
      ['AZ', az],
    ] as const) {
      const officer = new ApiClient(gateway.api, token(gateway.id, 'security-officer'));
      const imported = await officer.upload<RatesImport>('/v1/rates', csv, 'text/csv');
      say(`  ${side}: ${describeImport(imported)}`);
    }

    // The register refuses a claim number twice from one party: each run numbers its own.
    const body = JSON.parse(readFileSync(join(examples, 'claim.json'), 'utf8')) as ClaimBody;
    body.claimNumber = `${body.claimNumber}-DEMO-${Date.now().toString(36).toUpperCase()}`;
    say(
      `\nKZ-RET claims ${body.total.amount} ${body.total.currency} from AZ-RET: claim ${body.claimNumber}, ${body.lines.length} lines (examples/ret/claim.json, RET-3.1, RET-3.6)…`,
    );

    /** Submits a message, waits for it in the addressee's inbox, reads and acknowledges it. */
    const send = async (
      from: ApiClient,
      to: ApiClient,
      message: SubmittedMessage,
    ): Promise<MessageView> => {
      const sent = await from.json<MessageView>('POST', '/v1/messages', message);
      await waitFor(
        `the ${message.type} in the addressee’s inbox`,
        async () => {
          const { messages } = await to.json<{ messages: { id: string }[] }>('GET', '/v1/inbox');
          return messages.find((m) => m.id === sent.id);
        },
        { explain: () => explainDelivery(from, to, sent.id) },
      );
      await to.json('GET', `/v1/inbox/${sent.id}`);
      await to.json('POST', `/v1/inbox/${sent.id}/ack`);
      return sent;
    };
    const answer = (type: string, inReplyTo: string, changes: Record<string, unknown> = {}) => {
      const example = exampleMessage(type);
      return { ...example, inReplyTo, body: { ...example.body, ...changes } };
    };
    const claimAt = (client: ApiClient, id: string) =>
      client.json<ClaimView>('GET', `/v1/claims/${id}`);
    const stateOf = async (id: string) => {
      const [atKz, atAz] = await Promise.all([claimAt(kzRet, id), claimAt(azRet, id)]);
      return `${atKz.state} at KZ, ${atAz.state} at AZ`;
    };
    /** Waits until both registers hold the claim in `state`. */
    const bothIn = (id: string, state: string) =>
      waitFor(`claim ${id} ${state} on both sides`, async () => {
        const [atKz, atAz] = await Promise.all([claimAt(kzRet, id), claimAt(azRet, id)]);
        return atKz.state === state && atAz.state === state ? atKz : undefined;
      });

    const claim = await send(kzRet, azRet, {
      agreement: 'RET',
      type: 'reimbursement-claim',
      to: { authority: RESIDENCE.authority },
      signatory: STAY.signatory,
      body: body as unknown as Record<string, unknown>,
    });
    const due = await waitFor('the payment deadline in AZ’s receipt', async () => {
      const held = await claimAt(kzRet, claim.id);
      return held.dueOn === null ? undefined : held;
    });
    say(
      `  sent on ${due.sentOn} (${due.late ? 'LATE: more than 15 days after the return' : 'within 15 days of the return'}, RET-3.2)`,
    );
    say(
      `  AZ received it on ${due.receivedOn} (Baku time); its signed receipt sets the payment deadline: ${due.dueOn} (RET-4)`,
    );
    say(`  claim ${claim.id}: ${await stateOf(claim.id)}`);

    say('\nAZ-RET asks about a line of the calculation (claim-query)…');
    const query = await send(azRet, kzRet, answer('claim-query', claim.id));
    await bothIn(claim.id, 'queried');
    say(`  claim ${claim.id}: ${await stateOf(claim.id)}`);
    say('KZ-RET answers with the carrier’s fare certificate (claim-reply)…');
    const reply = await send(kzRet, azRet, answer('claim-reply', query.id));
    await bothIn(claim.id, 'submitted');
    say(`  claim ${claim.id}: ${await stateOf(claim.id)}`);

    const paidOn = new Intl.DateTimeFormat('en-CA', {
      timeZone: base.treaty.authorityTimeZone(RESIDENCE.authority),
    }).format(new Date());
    say(`\nAZ-RET pays ${body.total.amount} USD and confirms it (payment-confirmation, RET-4)…`);
    const payment = await send(
      azRet,
      kzRet,
      answer('payment-confirmation', claim.id, {
        claimNumber: body.claimNumber,
        paidOn,
        amount: body.total.amount,
      }),
    );
    await bothIn(claim.id, 'paid');
    const [kzPaid, azPaid] = await Promise.all([
      kzRet.json<{ claims: ClaimView[] }>('GET', '/v1/claims?status=paid'),
      azRet.json<{ claims: ClaimView[] }>('GET', '/v1/claims?status=paid'),
    ]);
    const paidAt = (list: { claims: ClaimView[] }) => list.claims.find((c) => c.id === claim.id);
    const [kzHeld, azHeld] = [paidAt(kzPaid), paidAt(azPaid)];
    if (!kzHeld || !azHeld) throw new Error(`claim ${claim.id} is not listed paid on both sides`);
    say(
      `  listed paid on both sides (GET /claims?status=paid): KZ ${kzHeld.paidUsd} USD on ${kzHeld.paidOn}, AZ ${azHeld.paidUsd} USD on ${azHeld.paidOn}`,
    );

    const complete = (events: string[]) => async (client: ApiClient, id: string) =>
      waitFor(`the record of ${id}`, async () => {
        const view = await client.json<MessageView>('GET', `/v1/messages/${id}`);
        const seen = view.timeline.map((e) => e.event);
        return events.every((e) => seen.includes(e)) ? view : undefined;
      });
    const sent = complete(['message.submitted', 'message.published', 'receipt.received']);
    const received = complete(['message.received', 'message.delivered']);
    const views = [
      { side: 'KZ', what: 'claim', view: await sent(kzRet, claim.id) },
      { side: 'AZ', what: 'claim', view: await received(azRet, claim.id) },
      { side: 'AZ', what: 'query', view: await sent(azRet, query.id) },
      { side: 'KZ', what: 'query', view: await received(kzRet, query.id) },
      { side: 'KZ', what: 'reply', view: await sent(kzRet, reply.id) },
      { side: 'AZ', what: 'reply', view: await received(azRet, reply.id) },
      { side: 'AZ', what: 'payment', view: await sent(azRet, payment.id) },
      { side: 'KZ', what: 'payment', view: await received(kzRet, payment.id) },
    ];
    printTimeline(views, LABELS);

    const dir = join(base.paths.var, 'demo', claim.id);
    mkdirSync(dir, { recursive: true });
    const artefacts: [string, Buffer][] = [
      [
        'calculation.pdf',
        await kzRet.bytes(`/v1/claims/${claim.id}/calculation`, 'application/pdf'),
      ],
      ['calculation.html', await azRet.bytes(`/v1/claims/${claim.id}/calculation`, 'text/html')],
      ['claim.signed.p7s', await kzRet.bytes(`/v1/messages/${claim.id}/signed`)],
      ['claim.receipt.p7s', await kzRet.bytes(`/v1/messages/${claim.id}/receipt`)],
      ['payment.signed.p7s', await azRet.bytes(`/v1/messages/${payment.id}/signed`)],
    ];
    for (const [name, bytes] of artefacts) writeFileSync(join(dir, name), bytes);

    const shown = relative(process.cwd(), dir) || dir;
    say(
      `\nclaim ${body.claimNumber} (${claim.id}): ${kzHeld.state} at KZ, ${azHeld.state} at AZ — received ${azHeld.receivedOn}, due ${azHeld.dueOn}, paid ${azHeld.paidOn} (RET-4)`,
    );
    say(
      `\nthe calculation (RET-3.6, «Итого» ${body.total.amount} USD) and the signed artefacts in ${shown}/:`,
    );
    say(
      `  pdftotext -layout ${shown}/calculation.pdf -     # or open it; the same as HTML beside it`,
    );
    say(
      `  npx mxg claim render examples/ret/claim.json --out calculation.pdf   # offline, the same document`,
    );
    say(
      `  openssl cms -verify -binary -inform DER -in ${shown}/claim.signed.p7s -CAfile certs/kz/ca.cert.pem`,
    );
    say(
      `\nclaim submitted, queried, answered and paid: all delivered, all receipted, in ${Date.now() - started} ms.`,
    );
  } catch (error) {
    printWarnings(gateways);
    throw error;
  } finally {
    say('stopping both gateways…');
    await Promise.all(gateways.map((g) => g.stop()));
  }
}

/** What `POST /rates` answers: the import, recorded and audited (`rates.imported`). */
interface RatesImport {
  import: {
    source: string;
    rows: number;
    added: number;
    unchanged: number;
    firstDate: string;
    lastDate: string;
    sha256: string;
  };
}

function describeImport({ import: i }: RatesImport): string {
  return `${i.source}, ${i.rows} rates ${i.firstDate} … ${i.lastDate} (${i.added} new, ${i.unchanged} already held), file sha256 ${i.sha256.slice(0, 16)}…`;
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
  'claim.submitted': 'claim checked (RET-3.2 … RET-3.7) and registered',
  'claim.received': 'claim checked and registered; payment due in 30 days (RET-4)',
  'claim.queried': 'claim queried (RET-4)',
  'claim.replied': 'query answered: claim open again',
  'claim.disputed': 'claim disputed: stays open (RET-4)',
  'claim.paid': 'payment confirmed: claim closed (RET-4)',
  'data.accessed': 'content read by the national system, audited',
};

main().catch((error: unknown) => {
  process.stderr.write(`demo failed: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exitCode = 1;
});
