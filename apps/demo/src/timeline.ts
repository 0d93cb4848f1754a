/** A message as `GET /messages/{id}` shows it, as far as the demos print it. */
export interface MessageView {
  id: string;
  status: string;
  correlationId: string;
  digest: string;
  timeline: { at: string; event: string; outcome: string; code: string | null }[];
  receipt?: { status: string } | null;
}

/** Both gateways' audit events for the messages shown, in time order, one line each. */
export function printTimeline(
  views: { side: string; what: string; view: MessageView }[],
  labels: Readonly<Record<string, string>>,
): void {
  const events = views
    .flatMap(({ side, what, view }) =>
      view.timeline.map((e) => ({ ...e, side, what, time: Date.parse(e.at) })),
    )
    .sort((a, b) => a.time - b.time);
  const start = events[0]?.time ?? 0;
  say('\ntimeline (from both gateways’ audit logs)');
  for (const e of events) {
    const offset = `+${String(e.time - start).padStart(5)} ms`;
    const outcome = e.outcome === 'success' ? '' : `  ✗ ${e.code}`;
    say(
      `  ${offset}  ${e.side}  ${e.what.padEnd(9)}  ${e.event.padEnd(32)}  ${labels[e.event] ?? ''}${outcome}`,
    );
  }
}

export function say(line: string): void {
  process.stdout.write(`${line}\n`);
}

/** Where a message stands at one gateway, for a demo that waited in vain: status and last steps. */
export async function whereItStands(
  gateway: { json<T>(method: string, path: string): Promise<T> },
  side: string,
  id: string,
): Promise<string> {
  const view = await gateway.json<MessageView>('GET', `/v1/messages/${id}`);
  const steps = view.timeline
    .slice(-4)
    .map((e) => (e.outcome === 'success' ? e.event : `${e.event} ✗ ${e.code}`));
  return `at ${side} it is ${view.status}, last steps ${steps.join(', ')}`;
}

/** Where a message stands at its sender and its addressee. */
export async function explainDelivery(
  from: { json<T>(method: string, path: string): Promise<T> },
  to: { json<T>(method: string, path: string): Promise<T> },
  id: string,
): Promise<string> {
  const sender = await whereItStands(from, 'the sender', id);
  const addressee = await whereItStands(to, 'the addressee', id).catch(
    () => 'the addressee has no record of it',
  );
  return `${sender}; ${addressee}`;
}
