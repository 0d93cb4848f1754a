import { randomBytes, randomUUID } from 'node:crypto';
import { FileDataKeyWrapper, openMessageContent, sealMessageContent } from '@mxg/envelope';
import type { Bench } from '../bench.types';
import { printTable } from '../table';

/** A stored message's content and signed original, about as large as the pipeline bench's. */
const SIZES = [
  { label: '2 KiB message', content: 2048, signed: 2048 + 700 },
  { label: '256 KiB message (attachments)', content: 256 * 1024, signed: 256 * 1024 + 700 },
];

/**
 * What encryption at rest (MIG-11.4) adds per stored message: sealing (a fresh data key, AES-256-GCM
 * of content and signed original, RFC 5649 wrap of the key) when a message is stored, and opening
 * (unwrap, two decryptions) when it is read — CPU time per message (process.cpuUsage(), user +
 * system), one after another.
 */
export const atRestBench: Bench = {
  name: 'at-rest',
  description:
    'encryption of stored message content: seal on store, open on read (CPU per message)',
  async run({ quick }) {
    const keys = FileDataKeyWrapper.fromKey(randomBytes(32));
    const budgetMs = quick ? 300 : 2000;
    const results: Record<string, number> = {};
    const rows: Record<string, string | number>[] = [];
    for (const size of SIZES) {
      const columns = { content: randomBytes(size.content), signed: randomBytes(size.signed) };
      const id = randomUUID();
      const sealed = await sealMessageContent(keys, id, columns);
      const seal = await cpuMicrosPerCall(() => sealMessageContent(keys, id, columns), budgetMs);
      const open = await cpuMicrosPerCall(
        () => openMessageContent(keys, id, sealed, sealed.key),
        budgetMs,
      );
      const key = size.content < 10_000 ? 'small' : 'large';
      results[`${key}SealCpuMicros`] = seal;
      results[`${key}OpenCpuMicros`] = open;
      rows.push({ message: size.label, 'seal µs CPU': seal, 'open µs CPU': open });
    }
    printTable(rows);
    return results;
  },
};

async function cpuMicrosPerCall(call: () => Promise<unknown>, budgetMs: number): Promise<number> {
  for (let i = 0; i < 50; i++) await call(); // warm-up
  const started = performance.now();
  const before = process.cpuUsage();
  let n = 0;
  while (performance.now() - started < budgetMs) {
    await call();
    n++;
  }
  const used = process.cpuUsage(before);
  return (used.user + used.system) / n;
}
