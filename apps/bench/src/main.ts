import type { Bench } from './bench.types';
import { BENCHES } from './benches';

/**
 * `npm run bench [-- --quick|--long] [-- --cpu-prof=<dir>] [-- --batch=<n>] [-- <name>…]`: runs the named benchmarks (all by default),
 * printing a readable table per bench and, at the end, one JSON line with every figure.
 * Benchmarks measure; they assert nothing (tests do that).
 */
async function main(argv: string[]): Promise<void> {
  const quick = argv.includes('--quick');
  const long = argv.includes('--long');
  const cpuProfDir = argv.find((a) => a.startsWith('--cpu-prof='))?.slice('--cpu-prof='.length);
  const batchArg = argv.find((a) => a.startsWith('--batch='))?.slice('--batch='.length);
  const batch = batchArg === undefined ? undefined : Number(batchArg);
  if (batch !== undefined && !(Number.isInteger(batch) && batch >= 1 && batch <= 100)) {
    process.stderr.write(`bench: --batch takes a whole number of messages from 1 to 100\n`);
    process.exitCode = 2;
    return;
  }
  const names = argv.filter((a) => !a.startsWith('--'));
  const unknown = names.filter((n) => !BENCHES.some((b) => b.name === n));
  if (unknown.length > 0) {
    process.stderr.write(
      `bench: unknown ${unknown.join(', ')}; known: ${BENCHES.map((b) => b.name).join(', ')}\n`,
    );
    process.exitCode = 2;
    return;
  }
  const selected: Bench[] =
    names.length === 0 ? BENCHES : BENCHES.filter((b) => names.includes(b.name));
  const results: Record<string, Record<string, number | string>> = {};
  for (const bench of selected) {
    process.stdout.write(`\n== ${bench.name}: ${bench.description}${quick ? ' (quick)' : ''}\n`);
    results[bench.name] = await bench.run({ quick, long, cpuProfDir, batch });
  }
  process.stdout.write(`\n${JSON.stringify({ quick, results })}\n`);
}

main(process.argv.slice(2)).catch((error: unknown) => {
  process.stderr.write(
    `bench: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
  );
  process.exitCode = 1;
});
