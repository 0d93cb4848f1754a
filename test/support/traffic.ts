import type { GatewayUnderTest } from './exchange-network';
import { eventually, registrationRequest } from './exchange-pair';
import { sql } from './faults';

/**
 * Traffic between real gateways under a fault (#15: a link cut, a cluster node killed), and
 * what each side recorded of it: every message once in the addressee's inbox, every receipt back.
 */

/** Submits one message every `paceMs` until stopped; every submission must be accepted. */
export function submitter(
  send: () => Promise<{ status: number; body: { id: string } }>,
  paceMs: number,
) {
  const ids: string[] = [];
  const failures: string[] = [];
  let stopped = false;
  const done = (async () => {
    while (!stopped) {
      const started = Date.now();
      const { status, body } = await send();
      if (status === 202) ids.push(body.id);
      else failures.push(`${status}: ${JSON.stringify(body)}`);
      await new Promise((r) => setTimeout(r, Math.max(0, paceMs - (Date.now() - started))));
    }
  })();
  return {
    ids,
    failures,
    stop: async () => {
      stopped = true;
      await done;
    },
  };
}

/** Every message in an authority's inbox, as its national system pages through it. */
export async function inbox(gateway: GatewayUnderTest, authority: string): Promise<string[]> {
  const ids: string[] = [];
  let cursor: string | null = null;
  for (;;) {
    const query: string = `/v1/inbox?limit=500${cursor ? `&cursor=${cursor}` : ''}`;
    const { status, body } = await gateway.api<{ messages: { id: string }[]; next: string | null }>(
      authority,
      'GET',
      query,
    );
    expect(status).toBe(200);
    ids.push(...body.messages.map((m) => m.id));
    if (body.next === null) return ids;
    cursor = body.next;
  }
}

/** Messages a gateway received (stored once each: the receiver deduplicates). */
export const incomingCount = async (gateway: GatewayUnderTest): Promise<number> =>
  (
    await sql<{ n: number }>(
      gateway.db,
      `SELECT count(*)::int AS n FROM mxg.messages WHERE direction = 'incoming'`,
    )
  )[0].n;

/** Outgoing messages of a gateway by status. */
export async function outgoingStatuses(gateway: GatewayUnderTest): Promise<Map<string, string>> {
  const rows = await sql<{ id: string; status: string }>(
    gateway.db,
    `SELECT id, status FROM mxg.messages WHERE direction = 'outgoing'`,
  );
  return new Map(rows.map((r) => [r.id, r.status]));
}

/** Receipts a gateway recorded, per message id. */
export async function receiptsReceived(gateway: GatewayUnderTest): Promise<Map<string, number>> {
  const rows = await sql<{ message_id: string; n: number }>(
    gateway.db,
    `SELECT message_id, count(*)::int AS n FROM mxg.audit_entries
      WHERE event_type = 'receipt.received' GROUP BY message_id`,
  );
  return new Map(rows.map((r) => [r.message_id, r.n]));
}

/**
 * Registration requests both ways between KZ-MVD and AZ-DMX, one each way every `paceMs`,
 * until stopped: the traffic a fault is injected under.
 */
export function trafficBothWays(kz: GatewayUnderTest, az: GatewayUnderTest, paceMs: number) {
  const kzToAz = submitter(
    () => kz.api<{ id: string }>('KZ-MVD', 'POST', '/v1/messages', registrationRequest('AZ-DMX')),
    paceMs,
  );
  const azToKz = submitter(
    () =>
      az.api<{ id: string }>('AZ-DMX', 'POST', '/v1/messages', {
        ...registrationRequest('KZ-MVD'),
        signatory: 'az-dmx-deputy-head',
      }),
    paceMs,
  );
  return {
    kzToAz,
    azToKz,
    stop: async () => {
      await Promise.all([kzToAz.stop(), azToKz.stop()]);
    },
  };
}

/**
 * After the traffic stopped: every submission was accepted, every message's receipt came back
 * to its sender (within `timeoutMs`), and each is in the addressee's national-system inbox
 * exactly once — and nothing else is.
 */
export async function expectEachDeliveredOnce(
  kz: GatewayUnderTest,
  az: GatewayUnderTest,
  traffic: ReturnType<typeof trafficBothWays>,
  timeoutMs: number,
): Promise<void> {
  const { kzToAz, azToKz } = traffic;
  expect([...kzToAz.failures, ...azToKz.failures]).toEqual([]);
  for (const [sender, ids] of [
    [kz, kzToAz.ids],
    [az, azToKz.ids],
  ] as const) {
    await eventually(
      async () => {
        const statuses = await outgoingStatuses(sender);
        return ids.every((id) => statuses.get(id) === 'delivered') ? true : undefined;
      },
      timeoutMs,
      `all ${ids.length} messages of ${sender.party} delivered`,
    );
    const receipts = await receiptsReceived(sender);
    expect(ids.filter((id) => !receipts.has(id))).toEqual([]);
  }
  const atAz = await inbox(az, 'AZ-DMX');
  const atKz = await inbox(kz, 'KZ-MVD');
  expect(atAz.length).toBe(new Set(atAz).size);
  expect(atKz.length).toBe(new Set(atKz).size);
  expect([...atAz].sort()).toEqual([...kzToAz.ids].sort());
  expect([...atKz].sort()).toEqual([...azToKz.ids].sort());
}
