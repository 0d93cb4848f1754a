import { createHash, randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { GetMessage } from 'amqplib';
import canonicalize from 'canonicalize';
import { type MessageType, MxgConfigService } from '@mxg/config';
import {
  FileKeyStore,
  FileTrustStore,
  MESSAGE_FORMAT,
  type MessageHeader,
  openReceipt,
  type Receipt,
  sealEnvelope,
} from '@mxg/envelope';
import {
  REQUEST_RULES,
  type RequestMessageType,
  type RequestRule,
  type RequestSide,
  type RequestState,
  TERMINAL_REQUEST_STATES,
} from '@mxg/lifecycle';
import {
  type ApiAnswer,
  eventually,
  type ExchangePair,
  type GatewayUnderTest,
} from './exchange-pair';
import { publishRaw, type RawDelivery, takeDeadLetters } from './raw-delivery';

/**
 * A request's life as two national systems and two gateways live it (docs/requests.md): who
 * sends what from which authority, the example bodies, the path through REQUEST_RULES to any
 * state, conversations driven through the API, envelopes crafted past the sender's checks, and
 * what each gateway shows of a request and puts on its audit record.
 */

const DAY_MS = 24 * 60 * 60 * 1000;

// ---------------------------------------------------------------------------------------------
// The two ends of every request here: KZ-MVD asks, AZ-DMX is asked (MIG-2, MIG-9.3).

export interface End {
  readonly party: 'KZ' | 'AZ';
  readonly authority: string;
  readonly signatory: string;
}

export const END: Readonly<Record<RequestSide, End>> = {
  requester: { party: 'KZ', authority: 'KZ-MVD', signatory: 'kz-mvd-deputy-minister' },
  requested: { party: 'AZ', authority: 'AZ-DMX', signatory: 'az-dmx-deputy-head' },
};

export const SIDES: readonly RequestSide[] = ['requester', 'requested'];

export const otherSide = (side: RequestSide): RequestSide =>
  side === 'requester' ? 'requested' : 'requester';

export const gatewayOf = (pair: ExchangePair, side: RequestSide): GatewayUnderTest =>
  END[side].party === 'KZ' ? pair.kz : pair.az;

// ---------------------------------------------------------------------------------------------
// Bodies: the valid example of each type (examples/messages/<type>.json, @mxg/messages).

const EXAMPLES = join(__dirname, '..', '..', 'examples', 'messages');
const examples = new Map<string, Record<string, unknown>>();

/** A fresh copy of the body of `examples/messages/<type>.json`. */
export function exampleBody(type: RequestMessageType): Record<string, unknown> {
  let body = examples.get(type);
  if (body === undefined) {
    const example = JSON.parse(readFileSync(join(EXAMPLES, `${type}.json`), 'utf8')) as {
      body: Record<string, unknown>;
    };
    body = example.body;
    examples.set(type, body);
  }
  return structuredClone(body);
}

/** A calendar date `days` from today (UTC), YYYY-MM-DD. */
export const dateFromToday = (days: number): string =>
  new Date(Date.now() + days * DAY_MS).toISOString().slice(0, 10);

/**
 * The example body of `type`, with the refusal's extent (MIG-10.4) when given, and the dates a
 * delay notice or postponement names moved into the future.
 */
export function bodyFor(
  type: RequestMessageType,
  options: { partial?: boolean; until?: string } = {},
): Record<string, unknown> {
  const body = exampleBody(type);
  if (type === 'refusal' && options.partial !== undefined) body.partial = options.partial;
  if (type === 'postponement') body.until = options.until ?? dateFromToday(45);
  if (type === 'delay-notice' && 'expectedBy' in body) body.expectedBy = dateFromToday(40);
  return body;
}

// ---------------------------------------------------------------------------------------------
// REQUEST_RULES as a graph: one move per rule and state it allows.

/** One allowed move: a rule taken from one of its from-states. `from: null` opens a request. */
export interface Move {
  readonly rule: RequestRule;
  readonly from: RequestState | null;
  readonly to: RequestState;
}

export const isClosed = (state: RequestState): boolean =>
  (TERMINAL_REQUEST_STATES as readonly RequestState[]).includes(state);

export function moveName(move: Move): string {
  const { type, partial } = move.rule;
  const extent = partial === undefined ? '' : partial ? ' (partial)' : ' (in full)';
  return `${type}${extent} from ${move.from ?? '(no request)'}`;
}

/** Every (rule, from-state) pair of REQUEST_RULES. */
export function allowedMoves(rules: readonly RequestRule[] = REQUEST_RULES): Move[] {
  return rules.flatMap((rule) =>
    rule.from.map((from) => ({
      rule,
      from,
      to: rule.to === 'unchanged' ? (from as RequestState) : rule.to,
    })),
  );
}

/** The move that opens a request (MIG-9.2). */
export const OPENING: Move = (() => {
  const opening = allowedMoves().find((m) => m.from === null);
  if (!opening) throw new Error('REQUEST_RULES has no rule that opens a request');
  return opening;
})();

/**
 * Where a conversation stands for planning: the request's state, and whether the requester has
 * received a message in it yet — its national system can only answer a message it received
 * (MIG-8), so until then it can send nothing in the request.
 */
interface Node {
  readonly state: RequestState;
  readonly heard: boolean;
}

const canTake = (move: Move, node: Node) =>
  move.from === node.state && (move.rule.side === 'requested' || node.heard);

const after = (move: Move, node: Node): Node => ({
  state: move.to,
  heard: node.heard || move.rule.side === 'requested',
});

const nodeKey = (n: Node) => `${n.state}/${n.heard}`;

/** The shortest sequence of `moves` from `start` to a node `goal` accepts (breadth first). */
function shortestPath(start: Node, goal: (n: Node) => boolean, moves: readonly Move[]): Move[] {
  const seen = new Set([nodeKey(start)]);
  let frontier: { node: Node; path: Move[] }[] = [{ node: start, path: [] }];
  while (frontier.length > 0) {
    const next: typeof frontier = [];
    for (const { node, path } of frontier) {
      if (goal(node)) return path;
      if (isClosed(node.state)) continue;
      for (const move of moves.filter((m) => canTake(m, node))) {
        const reached = after(move, node);
        if (seen.has(nodeKey(reached))) continue;
        seen.add(nodeKey(reached));
        next.push({ node: reached, path: [...path, move] });
      }
    }
    frontier = next;
  }
  throw new Error(`no path from ${nodeKey(start)} in REQUEST_RULES`);
}

const FRESH: Node = { state: OPENING.to, heard: false };

/**
 * The moves after the opening request that bring a request to `state`, with a message the
 * requester received in it when `heard` (so the requester's national system can answer).
 */
export function pathTo(state: RequestState, heard = true): Move[] {
  const moves = allowedMoves().filter((m) => m.from !== null);
  return shortestPath(FRESH, (n) => n.state === state && (n.heard || !heard), moves);
}

export const moveKey = (m: Move) => `${m.rule.type}/${String(m.rule.partial)}/${m.from ?? 'null'}`;

/**
 * Conversations that together take every allowed move at least once, as few as the table allows:
 * one per move that closes a request (nothing follows it). Each first takes its share of the
 * moves not yet taken — the nearest first, reached by the shortest path — then goes the shortest
 * way to the state its closing move starts from. Every conversation starts with OPENING, which
 * is not listed.
 */
export function planConversations(rules: readonly RequestRule[] = REQUEST_RULES): Move[][] {
  const moves = allowedMoves(rules).filter((m) => m.from !== null);
  const closing = moves.filter((m) => isClosed(m.to));
  const steering = moves.filter((m) => !isClosed(m.to));
  const untaken = new Set(steering.map(moveKey));
  const share = Math.ceil(steering.length / closing.length);
  const nextUntaken = (n: Node) => steering.find((m) => untaken.has(moveKey(m)) && canTake(m, n));
  return closing.map((last) => {
    const path: Move[] = [];
    let node = FRESH;
    const take = (move: Move) => {
      path.push(move);
      untaken.delete(moveKey(move));
      node = after(move, node);
    };
    for (let taken = 0; taken < share && untaken.size > 0; taken++) {
      shortestPath(node, (n) => nextUntaken(n) !== undefined, steering).forEach(take);
      take(nextUntaken(node)!);
    }
    shortestPath(node, (n) => canTake(last, n), steering).forEach(take);
    take(last);
    return path;
  });
}

// ---------------------------------------------------------------------------------------------
// What the gateways show.

export interface Submitted {
  id: string;
  status: string;
  correlationId: string;
  inReplyTo: string | null;
  digest: string;
  direction: string;
  code?: string;
  message?: string;
}

export interface RequestMessageView {
  id: string;
  type: string;
  direction: string;
  status: string;
}

export interface RequestView {
  id: string;
  agreement: string;
  side: RequestSide;
  requester: { party: string; authority: string };
  requested: { party: string; authority: string };
  state: RequestState;
  receivedOn: string | null;
  dueOn: string | null;
  postponedUntil: string | null;
  delayNoticedAt: string | null;
  overdue: boolean;
  closedAt: string | null;
  messages: RequestMessageView[];
  code?: string;
}

/** `GET /requests/{id}` at `side`'s gateway, as its authority's national system. */
export const requestAt = (pair: ExchangePair, side: RequestSide, id: string) =>
  gatewayOf(pair, side).api<RequestView>(END[side].authority, 'GET', `/v1/requests/${id}`);

/** `GET /requests?…` at `side`'s gateway: the ids listed. */
export async function listedAt(
  pair: ExchangePair,
  side: RequestSide,
  query: Record<string, string>,
): Promise<RequestView[]> {
  const { status, body } = await gatewayOf(pair, side).api<{ requests: RequestView[] }>(
    END[side].authority,
    'GET',
    `/v1/requests?${new URLSearchParams({ limit: '500', ...query }).toString()}`,
  );
  if (status !== 200) throw new Error(`GET /requests answered ${status}: ${JSON.stringify(body)}`);
  return body.requests;
}

/** A message at `side`'s gateway, as its authority sees it. */
export const messageAt = (pair: ExchangePair, side: RequestSide, id: string) =>
  gatewayOf(pair, side).api<Submitted>(END[side].authority, 'GET', `/v1/messages/${id}`);

export interface AuditView {
  seq: number;
  type: string;
  messageId: string | null;
  correlationId: string | null;
  outcome: string;
  errorCode: string | null;
  contentDigest: string | null;
  details: Record<string, unknown>;
}

/** `GET /audit/entries?…` as the gateway's auditor (sequenced entries only). */
export async function auditEntries(
  gateway: GatewayUnderTest,
  query: Record<string, string>,
): Promise<AuditView[]> {
  const { status, body } = await gateway.api<{ entries: AuditView[] }>(
    'auditor',
    'GET',
    `/v1/audit/entries?${new URLSearchParams({ limit: '1000', ...query }).toString()}`,
  );
  if (status !== 200) throw new Error(`GET /audit/entries answered ${status}`);
  return body.entries;
}

/** Waits until the audit log at `gateway` holds an entry of `query` that `which` picks. */
export const audited = (
  gateway: GatewayUnderTest,
  query: Record<string, string>,
  which: (entry: AuditView) => boolean = () => true,
  what = '',
) =>
  eventually(
    async () => (await auditEntries(gateway, query)).find(which),
    20_000,
    `${gateway.party}'s audit entry ${JSON.stringify(query)} ${what}`.trim(),
  );

/** `sha256:` of a JSON submission's canonical form: what a refused submit is audited under. */
export const submissionDigest = (submission: unknown): string =>
  `sha256:${createHash('sha256').update(canonicalize(submission)!).digest('hex')}`;

// ---------------------------------------------------------------------------------------------
// Conversations driven through the API.

export interface Exchanged {
  readonly id: string;
  readonly type: RequestMessageType;
  readonly side: RequestSide;
}

export interface Submission {
  agreement: string;
  type: RequestMessageType;
  to: { authority: string };
  signatory: string;
  body: Record<string, unknown>;
  inReplyTo?: string;
}

/**
 * One exchange between KZ-MVD and AZ-DMX: a request (or notice) and everything sent in it, in
 * order. Each side's national system answers the latest message it received (MIG-8).
 */
export class Conversation {
  readonly messages: Exchanged[] = [];

  constructor(private readonly pair: ExchangePair) {}

  /** The request's (or notice's) id: the conversation's correlationId. */
  get id(): string {
    if (this.messages.length === 0) throw new Error('nothing was sent in this conversation yet');
    return this.messages[0].id;
  }

  /** The latest message `side` received in it. */
  lastReceivedBy(side: RequestSide): Exchanged | undefined {
    return [...this.messages].reverse().find((m) => m.side !== side);
  }

  /** What `side`'s national system submits to send `type` now. */
  submission(
    type: RequestMessageType,
    side: RequestSide,
    body: Record<string, unknown> = bodyFor(type),
  ): Submission {
    const answered = this.lastReceivedBy(side);
    return {
      agreement: 'MIG',
      type,
      to: { authority: END[otherSide(side)].authority },
      signatory: END[side].signatory,
      body,
      ...(answered ? { inReplyTo: answered.id } : {}),
    };
  }

  /** Submits `submission` at `side`'s gateway; records nothing. */
  submit(side: RequestSide, submission: Submission): Promise<ApiAnswer<Submitted>> {
    return gatewayOf(this.pair, side).api<Submitted>(
      END[side].authority,
      'POST',
      '/v1/messages',
      submission,
    );
  }

  /**
   * Sends `type` from `side` and waits until it is delivered: the other gateway stored it and
   * its receipt came back. Throws if the gateway refuses it.
   */
  async send(
    type: RequestMessageType,
    side: RequestSide,
    body?: Record<string, unknown>,
  ): Promise<Exchanged> {
    const { status, body: answer } = await this.submit(side, this.submission(type, side, body));
    if (status !== 202) {
      throw new Error(`${type} from ${side} refused: ${status} ${JSON.stringify(answer)}`);
    }
    const sent: Exchanged = { id: answer.id, type, side };
    this.messages.push(sent);
    await delivered(this.pair, side, sent.id);
    return sent;
  }

  /** Takes `moves` in order (OPENING first if nothing was sent yet). */
  async walk(moves: readonly Move[]): Promise<void> {
    for (const move of this.messages.length === 0 ? [OPENING, ...moves] : moves) {
      await this.send(move.rule.type, move.rule.side, bodyFor(move.rule.type, move.rule));
    }
  }
}

/** Waits until `side`'s message `id` is delivered: stored by the other gateway, receipt back. */
export const delivered = (pair: ExchangePair, side: RequestSide, id: string) =>
  eventually(
    async () => {
      const { body } = await messageAt(pair, side, id);
      return body.status === 'delivered' ? body : undefined;
    },
    30_000,
    `message ${id} delivered`,
  );

// ---------------------------------------------------------------------------------------------
// Envelopes crafted past the sender's checks, as whoever holds a party's keys and AMQP password.

interface Keys {
  readonly config: MxgConfigService;
  readonly trust: FileTrustStore;
}
let keys: Keys | undefined;
const loadKeys = (): Keys => {
  if (!keys) {
    const config = MxgConfigService.load();
    keys = { config, trust: new FileTrustStore(config.paths.certs, config.treaty) };
  }
  return keys;
};

export interface Crafted {
  readonly header: MessageHeader;
  readonly delivery: RawDelivery;
}

/**
 * A message of `type` from `side`'s authority in conversation `correlationId`, signed by a real
 * signatory of that authority, sealed by its party's gateway key and encrypted for the other
 * party's gateway — valid in every respect the envelope checks, whatever its request's state.
 */
export async function craftEnvelope(message: {
  /** Any type: a request's, or another exchange's (a consent's, MIG-11.3). */
  type: MessageType;
  side: RequestSide;
  /** `null`: the message starts its own conversation (its correlationId is its id). */
  correlationId: string | null;
  inReplyTo: { id: string; digest: string } | null;
  body: Record<string, unknown>;
  at?: Date;
}): Promise<Crafted> {
  const { config, trust } = loadKeys();
  const from = END[message.side];
  const to = END[otherSide(message.side)];
  const at = message.at ?? new Date();
  const id = randomUUID();
  const header: MessageHeader = {
    format: MESSAGE_FORMAT,
    id,
    type: message.type,
    agreement: 'MIG',
    from: { party: from.party, authority: from.authority },
    to: { party: to.party, authority: to.authority },
    createdAt: at.toISOString(),
    correlationId: message.correlationId ?? id,
    inReplyTo: message.inReplyTo,
  };
  const own = new FileKeyStore(config.paths.certs, from.party);
  const sealed = await sealEnvelope({
    message: { header, body: message.body },
    signatory: await own.signatory(from.signatory),
    seal: await own.seal(),
    recipient: (await new FileKeyStore(config.paths.certs, to.party).decryption())[0].certificate,
    trust,
    policy: config.treaty.agreement('MIG').algorithms,
    signingTime: at,
  });
  return {
    header: sealed.header,
    delivery: {
      bytes: sealed.envelope,
      // As a gateway publishes it: the id and the kind of payload only (MIG-11.1).
      properties: { messageId: id, type: 'mxg.envelope' },
    },
  };
}

/** Publishes a crafted envelope as its sending party's own AMQP user, for the other party. */
export const publishCrafted = (pair: ExchangePair, crafted: Crafted) =>
  publishRaw(pair, crafted.header.to.party, [crafted.delivery], crafted.header.from.party);

/** Takes the one dead letter on `party`'s dead-letter queue published under `messageId`. */
export async function deadLetter(
  pair: ExchangePair,
  party: string,
  messageId: string,
): Promise<GetMessage> {
  const [taken] = await takeDeadLetters(
    pair,
    party,
    1,
    (m) => m.properties.messageId === messageId,
  );
  return taken;
}

export const errorCodeOf = (m: GetMessage): unknown => m.properties.headers?.['x-mxg-error-code'];

/** Opens a receipt addressed to `self`, checking its seal against the party's trust anchors. */
export async function openReceiptFor(der: Uint8Array, self: string): Promise<Receipt> {
  const { config, trust } = loadKeys();
  const { receipt } = await openReceipt(der, {
    trust,
    treaty: config.treaty,
    policy: config.treaty.agreement('MIG').algorithms,
    now: new Date(),
    self,
  });
  return receipt;
}
