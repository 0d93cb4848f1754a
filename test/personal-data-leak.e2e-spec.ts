import { spawnSync } from 'node:child_process';
import { randomInt } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BROKER_DEAD_LETTER_EXCHANGE, BROKER_EXCHANGE } from '@mxg/config';
import { type Person, personSchema, transliterate } from '@mxg/messages';
import { mxg } from './support/audit-fixtures';
import { type BrokerTap, type TappedMessage, tapBroker } from './support/broker-tap';
import { outerSignature } from './support/envelope-clear-text';
import { eventually, type ExchangePair, createExchangePair } from './support/exchange-pair';
import { publishRaw } from './support/raw-delivery';
import {
  type AuditView,
  audited,
  Conversation,
  END,
  exampleBody,
  gatewayOf,
} from './support/request-flow';
import { pagedThrough } from './support/paging';

/**
 * Issue #12's leak test (MIG-11.1, MIG-11.4): a full confidential exchange across two real
 * gateways about a distinctive test person — request with persons, response with persons, inbox
 * reads and acknowledgements on both sides, signed receipts — after which none of the person's
 * names (Cyrillic and Latin), document number or date of birth may be found in either gateway's
 * application log at debug level, in the audit entries (API and `mxg audit export`), in any
 * AMQP message that crossed the broker, or in a plain `pg_dump` of either database. Each check
 * names where it found a value.
 */

// ---------------------------------------------------------------------------------------------
// The test person: names found nowhere else in the project, a document number unique to the run.

const cyrillic = { surname: 'Зюзикбаева', name: 'Евфросиния', patronymic: 'Аврелиановна' };
const latin = (name: string): string => {
  const form = transliterate(name);
  if (form === undefined) throw new Error(`no ICAO 9303 form of ${name}`);
  return form;
};
const documentNumber = `QZ${String(randomInt(10_000_000, 99_999_999))}`;
const birthDate = '1904-02-29';

const person: Person = personSchema.parse({
  surname: { cyrillic: cyrillic.surname, latin: latin(cyrillic.surname) },
  name: { cyrillic: cyrillic.name, latin: latin(cyrillic.name) },
  patronymic: { cyrillic: cyrillic.patronymic, latin: latin(cyrillic.patronymic) },
  sex: 'female',
  birthDate,
  birthPlace: 'с. Бескарагай, Республика Казахстан',
  citizenship: 'KAZ',
  document: { kind: 'passport', number: documentNumber, issuedOn: '2020-01-15', issuer: 'МВД РК' },
});

/** What must not leave the encrypted envelope, by what it is. */
const PERSONAL: readonly { readonly what: string; readonly value: string }[] = [
  { what: 'surname (Cyrillic)', value: person.surname.cyrillic },
  { what: 'surname (Latin)', value: person.surname.latin! },
  { what: 'given name (Cyrillic)', value: person.name.cyrillic },
  { what: 'given name (Latin)', value: person.name.latin! },
  { what: 'patronymic (Cyrillic)', value: person.patronymic!.cyrillic },
  { what: 'patronymic (Latin)', value: person.patronymic!.latin! },
  { what: 'document number', value: documentNumber },
  { what: 'date of birth', value: birthDate },
];

const requestBody = (): Record<string, unknown> => ({
  ...exampleBody('request'),
  confidential: true, // MIG-11.1
  persons: [{ ...person, photographs: ['photo-1'] }],
});
const responseBody = (): Record<string, unknown> => ({
  ...exampleBody('response'),
  persons: [
    {
      ...person,
      registration: [{ kind: 'stay', from: '2021-05-01', to: '2023-04-30', locality: 'г. Баку' }],
    },
  ],
});

// ---------------------------------------------------------------------------------------------
// Searching: a value as UTF-8 text, and as a database dump may print its bytes.

interface Form {
  readonly encoding: string;
  readonly text: string;
}

const textForm = (value: string): Form[] => [{ encoding: 'UTF-8', text: value }];

/**
 * The value as UTF-8 text, as the hex of its UTF-8 bytes (pg_dump prints bytea as `\x…`), and
 * as base64 at each of the three byte alignments it can have inside a longer base64 text.
 */
function dumpForms(value: string): Form[] {
  const bytes = Buffer.from(value, 'utf8');
  const base64 = [0, 1, 2].map((skip) => {
    const aligned = bytes.subarray(skip);
    return aligned.subarray(0, aligned.length - (aligned.length % 3)).toString('base64');
  });
  return [
    ...textForm(value),
    { encoding: 'hex', text: bytes.toString('hex') },
    ...base64.map((text, skip) => ({ encoding: `base64 (offset ${skip})`, text })),
  ];
}

/** Every personal value found in `text`, as "<where>: <what> <value> (<encoding>)". */
function findPersonal(
  where: string,
  text: string,
  forms: (value: string) => Form[] = textForm,
): string[] {
  const found: string[] = [];
  for (const { what, value } of PERSONAL) {
    for (const form of forms(value)) {
      if (text.includes(form.text)) found.push(`${where}: ${what} ${value} (${form.encoding})`);
    }
  }
  return found;
}

/** `findPersonal` per line, naming the line. */
const findPersonalInLines = (where: string, text: string): string[] =>
  text.split('\n').flatMap((line, i) => findPersonal(`${where}, line ${i + 1}`, line));

// ---------------------------------------------------------------------------------------------

describe('personal data of a distinctive test person stays inside the envelope (MIG-11.1, MIG-11.4)', () => {
  let pair: ExchangePair;
  let tap: BrokerTap;
  let work: string;
  let request: string;
  let response: string;
  /** A request that is not confidential, sent after the exchange: the control (MIG-11.1). */
  let control: string;

  beforeAll(async () => {
    work = mkdtempSync(join(tmpdir(), 'mxg-leak-'));
    pair = await createExchangePair({ start: { kz: false, az: false } });
    // Tapped before either gateway starts: nothing they publish can pass unseen.
    tap = await tapBroker(pair.broker);
    await pair.kz.start({ MXG_LOG_LEVEL: 'debug' });
    await pair.az.start({ MXG_LOG_LEVEL: 'debug' });

    const conversation = new Conversation(pair);
    request = (await conversation.send('request', 'requester', requestBody())).id;
    await readAndAcknowledge('requested', request);
    response = (await conversation.send('response', 'requested', responseBody())).id;
    await readAndAcknowledge('requester', response);
    // The example request is confidential: the control says it is not.
    control = (
      await new Conversation(pair).send('request', 'requester', {
        ...exampleBody('request'),
        confidential: false,
      })
    ).id;

    // The request's envelope replayed to the wrong gateway (as whoever holds AZ's AMQP password
    // could): KZ refuses it unopened — a log line, a dead letter and an audit entry naming the
    // confidential request, each of which must name no more than its id.
    await eventually(
      () => Promise.resolve(seen({ id: request, party: 'AZ', key: 'az' }) ? true : undefined),
      20_000,
      'the request on the broker tap',
    );
    const original = tap.messages.find(
      (m) => m.properties.messageId === request && m.party === 'KZ',
    )!;
    await publishRaw(
      pair,
      'KZ',
      [{ bytes: original.content, properties: { messageId: request, type: 'mxg.envelope' } }],
      'AZ',
    );
    await audited(
      pair.kz,
      { type: 'message.rejected' },
      (e) => e.errorCode === 'NOT_FOR_THIS_RECIPIENT',
    );

    // Everything on the record at both ends, and every message and receipt seen on the broker.
    await audited(pair.az, { messageId: request, type: 'message.delivered' });
    await audited(pair.kz, { messageId: response, type: 'message.delivered' });
    await audited(pair.kz, { messageId: request, type: 'receipt.received' });
    await audited(pair.az, { messageId: response, type: 'receipt.received' });
    await eventually(
      () => Promise.resolve(expectedCrossings().every(seen) ? true : undefined),
      20_000,
      'every message and receipt of the exchange on the broker tap',
    );
  }, 300_000);

  afterAll(async () => {
    await tap?.close();
    await pair?.close();
    rmSync(work, { recursive: true, force: true });
  });

  async function readAndAcknowledge(side: 'requester' | 'requested', id: string): Promise<void> {
    const gateway = gatewayOf(pair, side);
    const { authority } = END[side];
    await eventually(
      async () => {
        const { body } = await gateway.api<{ messages: { id: string }[] }>(
          authority,
          'GET',
          '/v1/inbox',
        );
        return body.messages.some((m) => m.id === id) ? true : undefined;
      },
      20_000,
      `message ${id} in ${authority}'s inbox`,
    );
    const read = await gateway.api<{ body: { persons: Person[] } }>(
      authority,
      'GET',
      `/v1/inbox/${id}`,
    );
    // The person arrived whole: the searches below look for what really was exchanged.
    expect(read.status).toBe(200);
    expect(read.body.body.persons[0]).toMatchObject({
      surname: person.surname,
      document: { number: documentNumber },
      birthDate,
    });
    const ack = await gateway.api<{ status: string }>(authority, 'POST', `/v1/inbox/${id}/ack`);
    expect(ack.body.status).toBe('acknowledged');
  }

  /**
   * Each message and receipt of the exchange, in the sender's vhost (published) and in the
   * receiver's (delivered by the link): four transport ids, each seen twice; the replayed
   * request, published in AZ's vhost for KZ, delivered to KZ's, and dead-lettered there; and the
   * non-confidential control request and its receipt.
   */
  const expectedCrossings = () => [
    ...[
      { id: request, from: 'KZ', to: 'AZ' },
      { id: `receipt:${request}`, from: 'AZ', to: 'KZ' },
      { id: response, from: 'AZ', to: 'KZ' },
      { id: `receipt:${response}`, from: 'KZ', to: 'AZ' },
      { id: request, from: 'AZ', to: 'KZ' },
      { id: control, from: 'KZ', to: 'AZ' },
      { id: `receipt:${control}`, from: 'AZ', to: 'KZ' },
    ].flatMap(({ id, from, to }) =>
      [from, to].map((party) => ({ id, party, key: to, exchange: BROKER_EXCHANGE })),
    ),
    { id: request, party: 'KZ', key: 'KZ', exchange: BROKER_DEAD_LETTER_EXCHANGE },
  ];
  const seen = (crossing: { id: string; party: string; key: string; exchange?: string }) =>
    tap.messages.some(
      (m) =>
        m.properties.messageId === crossing.id &&
        m.party === crossing.party &&
        m.routingKey === crossing.key.toLowerCase() &&
        m.exchange === (crossing.exchange ?? BROKER_EXCHANGE),
    );

  const where = (m: TappedMessage) =>
    `AMQP message ${String(m.properties.messageId)} in ${m.party}'s vhost (${m.exchange}, key ${m.routingKey})`;

  /** The properties the broker carried, those set only; headers included. */
  const setProperties = (m: TappedMessage): Record<string, unknown> =>
    Object.fromEntries(Object.entries(m.properties).filter(([, v]) => v !== undefined));

  it('is in neither gateway’s application log at debug level', () => {
    const logs = { KZ: pair.kz.process.output(), AZ: pair.az.process.output() };
    // Both logs were captured, at debug level, from the start.
    for (const output of Object.values(logs)) {
      expect(output).toContain('consuming mxg.inbox.');
    }
    const found = Object.entries(logs).flatMap(([party, output]) =>
      findPersonalInLines(`${party} gateway log`, output),
    );
    expect(found).toEqual([]);
  });

  // Before the export test: `mxg audit export` runs with spawnSync, which blocks this process past
  // the gateways' keep-alive timeout, so an HTTP call right after it may meet a closed socket.
  it('seals the confidential request and its response without the routing header in clear; a non-confidential request keeps it', async () => {
    const envelopeOf = (id: string): Buffer => {
      const crossed = tap.messages.find(
        (m) =>
          m.properties.messageId === id &&
          m.properties.type === 'mxg.envelope' &&
          m.exchange === BROKER_EXCHANGE,
      );
      if (!crossed) throw new Error(`no envelope ${id} on the broker tap`);
      return crossed.content;
    };
    const headerWords = [
      'request',
      'response',
      'MIG',
      END.requester.authority,
      END.requested.authority,
      request, // the correlation id of the request's exchange
    ];
    const problems: string[] = [];
    for (const [what, id] of [
      ['request', request],
      ['response', response],
    ] as const) {
      const outer = outerSignature(envelopeOf(id));
      if (outer.routingHeader !== undefined) problems.push(`${what}: a routing header in clear`);
      if (outer.otherAttributes.length > 0) {
        problems.push(`${what}: signed attributes ${outer.otherAttributes.join(', ')}`);
      }
      // The print is of an envelope: a miss below means something.
      expect(outer.clearText).toContain('pkcs7-envelopedData');
      for (const word of headerWords.filter((w) => outer.clearText.includes(w))) {
        problems.push(`${what}: "${word}" in the outer signature or its EnvelopedData`);
      }
    }
    expect(problems).toEqual([]);

    const sealed = outerSignature(envelopeOf(control));
    expect(sealed.routingHeader).toMatchObject({
      id: control,
      type: 'request',
      agreement: 'MIG',
      correlationId: control,
      from: { authority: END.requester.authority },
      to: { authority: END.requested.authority },
    });
    expect(sealed.clearText).toContain(control);

    // Both gateways know which request is confidential without decrypting anything.
    for (const side of ['requester', 'requested'] as const) {
      const gateway = gatewayOf(pair, side);
      for (const [id, confidential] of [
        [request, true],
        [control, false],
      ] as const) {
        const view = await gateway.api<{ confidential: boolean }>(
          END[side].authority,
          'GET',
          `/v1/requests/${id}`,
        );
        expect(view.status).toBe(200);
        expect({ side, id, confidential: view.body.confidential }).toEqual({
          side,
          id,
          confidential,
        });
      }
    }
  });

  /**
   * MIG-11.4: nothing personal is readable from a plain dump of either database — neither as
   * text, nor as the hex pg_dump prints for bytea, nor base64. Needs the per-message encryption
   * of stored content (issue #12, "Encryption at rest"): until then it finds the person in
   * `message_contents` (`content`, and `signed`, which holds the signed content).
   */
  it('is in no audit entry of either gateway, through the API or in `mxg audit export`', async () => {
    const found: string[] = [];
    for (const gateway of [pair.kz, pair.az]) {
      const { items: entries } = await pagedThrough<AuditView>(
        gateway,
        'auditor',
        '/v1/audit/entries',
        'entries',
        1000,
      );
      // The exchange is on the record: these are the entries that could have leaked.
      const ids = new Set(entries.map((e) => e.messageId));
      expect([request, response].every((id) => ids.has(id))).toBe(true);
      for (const entry of entries) {
        found.push(
          ...findPersonal(
            `${gateway.party} audit entry ${entry.seq} (${entry.type}) via the API`,
            JSON.stringify(entry),
          ),
        );
      }

      // The export reaches as far as the latest checkpoint: wait until it covers the exchange.
      const last = Math.max(...entries.map((e) => e.seq));
      await eventually(
        async () => {
          const { status, body } = await gateway.api<{ treeSize: number }>(
            'auditor',
            'GET',
            '/v1/audit/checkpoints/latest',
          );
          return status === 200 && body.treeSize > last ? true : undefined;
        },
        30_000,
        `${gateway.party}'s audit checkpoint past seq ${last}`,
      );
    }
    // The exports last: `mxg` runs synchronously, and an HTTP call right after it could reuse a
    // keep-alive connection the gateway closed meanwhile.
    for (const gateway of [pair.kz, pair.az]) {
      const out = join(work, `audit-${gateway.id}.jsonl`);
      const exported = mxg(['audit', 'export', '--gateway', gateway.id, '--out', out], {
        MXG_CONFIG_DIR: pair.configDir,
        DATABASE_URL: gateway.db.appUrl,
      });
      expect(exported.stderr).toBe('');
      expect(exported.status).toBe(0);
      const file = readFileSync(out, 'utf8');
      expect(file).toContain(request);
      expect(file).toContain(response);
      found.push(...findPersonalInLines(`${gateway.party}'s mxg audit export`, file));
      found.push(...findPersonal(`${gateway.party}'s mxg audit export (stdout)`, exported.stdout));
    }
    expect(found).toEqual([]);
  }, 120_000);

  it('is in no AMQP message that crossed the broker: properties, headers or body', () => {
    // Every message and receipt of the exchange was captured, in both vhosts, and nothing else
    // was published (the one dead letter is the replay's).
    const crossings = expectedCrossings();
    expect(crossings.filter((c) => !seen(c))).toEqual([]);
    expect(tap.messages.length).toBeGreaterThanOrEqual(crossings.length);
    const ids = new Set(crossings.map((c) => c.id));
    const others = tap.messages
      .map((m) => String(m.properties.messageId))
      .filter((id) => !ids.has(id));
    expect(others).toEqual([]);

    const found = tap.messages.flatMap((m) => [
      ...findPersonal(`${where(m)}, properties`, JSON.stringify(setProperties(m))),
      ...findPersonal(`${where(m)}, routing key`, m.routingKey),
      // The envelope is encrypted and a receipt holds ids: not even the body may show it.
      ...findPersonal(`${where(m)}, body`, m.content.toString('latin1'), (value) => [
        { encoding: 'UTF-8', text: Buffer.from(value, 'utf8').toString('latin1') },
      ]),
    ]);
    expect(found).toEqual([]);
  });

  /**
   * MIG-11.1: the fact of a confidential request is confidential too. Outside the envelope its
   * messages carry the transport id (the message id, or `receipt:` and the message id), the kind
   * of payload, the routing key of the receiving party and the sending gateway, and in the
   * receiver's vhost the user the link between the parties' nodes logs in as (#15) — nothing
   * about the request: not its type, agreement, authorities, topic or purpose.
   */
  it('gives the confidential request and its answers nothing beyond ids on the broker or in log lines', () => {
    const asked = requestBody();
    const revealing = [
      'request',
      'response',
      'MIG',
      END.requester.authority,
      END.requested.authority,
      String(asked.topic),
      ...(asked.categories as string[]),
      String(asked.purpose),
      String(asked.summary),
      String(asked.justification),
    ];
    const UUID = '[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}';
    const problems: string[] = [];
    for (const m of tap.messages) {
      const properties = setProperties(m);
      const {
        headers = {},
        userId,
        ...rest
      } = properties as { headers?: Record<string, unknown>; userId?: string };
      // Stamped by the link from the other party's node: its link certificate's DN, nothing else.
      const link = pair.broker.linkUser(m.party === 'KZ' ? 'AZ' : 'KZ', m.party);
      if (userId !== undefined && userId !== link)
        problems.push(`${where(m)}: property userId=${userId}`);
      // The outbox row's id (the relay's own bookkeeping) travels as a header; a dead letter
      // adds its refusal code, the refusing layer, the authenticated sender's party, and the
      // delivery's size and digest.
      const allowedHeaders: Record<string, RegExp> = {
        'x-mxg-outbox-id': /^\d+$/,
        ...(m.exchange === BROKER_DEAD_LETTER_EXCHANGE
          ? {
              'x-mxg-error-code': /^[A-Z_]+$/,
              'x-mxg-error-layer': /^(outer|envelope|inner|message)$/,
              'x-mxg-delivery-bytes': /^\d+$/,
              'x-mxg-delivery-sha256': /^sha256:[0-9a-f]{64}$/,
              // #17: the sender's party once authenticated — a party code, never a person.
              'x-mxg-from-party': /^[A-Z]{2}$/,
            }
          : {}),
      };
      for (const [name, value] of Object.entries(headers)) {
        if (!allowedHeaders[name]?.test(String(value)))
          problems.push(`${where(m)}: header ${name}=${String(value)}`);
      }
      const allowed: Record<string, RegExp> = {
        messageId: new RegExp(`^(receipt:)?${UUID}$`),
        type: /^mxg\.(envelope|receipt)$/,
        contentType: /^application\/pkcs7-mime$/,
        deliveryMode: /^2$/,
        timestamp: /^\d+$/,
        appId: /^mxg-gateway-(kz|az)$/,
      };
      for (const [name, value] of Object.entries(rest)) {
        if (!allowed[name]?.test(String(value)))
          problems.push(`${where(m)}: property ${name}=${String(value)}`);
      }
      if (!/^(kz|az)$/.test(m.routingKey))
        problems.push(`${where(m)}: routing key ${m.routingKey}`);
      const outside = JSON.stringify(properties) + m.routingKey;
      for (const word of revealing) {
        if (outside.includes(word)) problems.push(`${where(m)}: "${word}" outside the envelope`);
      }
    }
    // Log lines: those naming the request or its answers carry ids and codes only, and no line
    // carries anything of the request's content.
    const ids = [request, response];
    // The replay's refusal is logged by id (so the lines below are not vacuous).
    expect(pair.kz.process.output()).toContain(
      `refused envelope ${request}: NOT_FOR_THIS_RECIPIENT`,
    );
    for (const gateway of [pair.kz, pair.az]) {
      gateway.process
        .output()
        .split('\n')
        .forEach((line, i) => {
          const at = `${gateway.party} gateway log, line ${i + 1}`;
          const content = revealing.slice(5); // topic, categories, purpose, summary, justification
          for (const word of content) {
            if (line.includes(word)) problems.push(`${at}: "${word}"`);
          }
          if (ids.some((id) => line.includes(id))) {
            for (const word of revealing) {
              if (line.includes(word)) problems.push(`${at}: "${word}" beside the message id`);
            }
          }
        });
    }
    expect(problems).toEqual([]);
  });

  /**
   * MIG-11.1: not even the envelope's outer signature tells who asks whom what. The confidential
   * request and its response are sealed without the routing header a gateway otherwise signs in
   * clear (anyone on the broker path can read that with `openssl cms -cmsout -print`); the
   * receiver checked their header after decryption, against the signed message, and both were
   * delivered and receipted above. The non-confidential control request keeps the header.
   */
  it('is not readable from a plain pg_dump of either database', () => {
    const found: string[] = [];
    for (const gateway of [pair.kz, pair.az]) {
      const url = new URL(gateway.db.adminUrl);
      url.pathname = `/${gateway.db.name}`;
      const dump = spawnSync('/usr/bin/pg_dump', ['--no-owner', `--dbname=${url.toString()}`], {
        encoding: 'utf8',
        maxBuffer: 512 * 1024 * 1024,
      });
      expect(dump.stderr).toBe('');
      expect(dump.status).toBe(0);
      // The dump holds the exchange (its rows name the messages), so a miss means something.
      expect(dump.stdout).toContain(request);
      expect(dump.stdout).toContain(response);
      found.push(...findInDump(`${gateway.party}'s database`, dump.stdout));
    }
    expect(found).toEqual([]);
  });
});

/** `findPersonal` over a plain dump, naming the table and column of each row it finds one in. */
function findInDump(where: string, dump: string): string[] {
  const found: string[] = [];
  let table: { name: string; columns: string[] } | undefined;
  dump.split('\n').forEach((line, i) => {
    const copy = /^COPY (\S+) \(([^)]*)\) FROM stdin;$/.exec(line);
    if (copy) {
      table = { name: copy[1], columns: copy[2].split(', ') };
      return;
    }
    if (line === '\\.') {
      table = undefined;
      return;
    }
    if (table === undefined) {
      found.push(...findPersonal(`${where}, dump line ${i + 1}`, line, dumpForms));
      return;
    }
    const { name, columns } = table;
    line.split('\t').forEach((field, column) => {
      found.push(
        ...findPersonal(
          `${where}, table ${name}, column ${columns[column] ?? `#${column + 1}`} (dump line ${i + 1})`,
          field,
          dumpForms,
        ),
      );
    });
  });
  return found;
}
