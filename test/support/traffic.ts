import type { GatewayUnderTest } from './exchange-network';
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
  let after: string | null = null;
  for (;;) {
    const query: string = `/inbox?limit=500${after ? `&after=${after}` : ''}`;
    const { status, body } = await gateway.api<{ messages: { id: string }[]; next: string | null }>(
      authority,
      'GET',
      query,
    );
    expect(status).toBe(200);
    ids.push(...body.messages.map((m) => m.id));
    if (body.messages.length === 0) return ids;
    after = body.next;
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
