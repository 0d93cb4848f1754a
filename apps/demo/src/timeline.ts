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
