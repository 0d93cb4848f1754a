/**
 * Figures for the audit Merkle core on one core; a measurement, not a test (no assertions).
 * It imports nothing through path aliases, so plain tsc + node runs it:
 *
 *   npx tsc --outDir /tmp/mxg-bench --rootDir libs/audit/src --target ES2022 --module commonjs \
 *     --types node --skipLibCheck libs/audit/src/merkle/merkle.bench.ts
 *   node /tmp/mxg-bench/merkle/merkle.bench.js [leaves=1000000] [entryBytes=300]
 */
import { randomFillSync } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { MerkleFrontier } from './merkle-frontier';
import { MerkleTree } from './merkle-tree';
import { hashLeaf } from './rfc6962-hash';
import { verifyConsistency } from './verify-consistency';
import { verifyInclusion } from './verify-inclusion';

const leaves = Number(process.argv[2] ?? 1_000_000);
const entryBytes = Number(process.argv[3] ?? 300);
const samples = 10_000;

function time<T>(label: string, run: () => T, count = 1): T {
  const start = performance.now();
  const result = run();
  const ms = performance.now() - start;
  const rate =
    count > 1
      ? `  (${((ms * 1000) / count).toFixed(2)} µs each, ${Math.round((count / ms) * 1000)}/s)`
      : '';
  console.log(`${label.padEnd(58)} ${ms.toFixed(0).padStart(7)} ms${rate}`);
  return result;
}
const mib = (bytes: number): string => `${(bytes / 2 ** 20).toFixed(1)} MiB`;
const randomInt = (below: number): number => Math.floor(Math.random() * below);

console.log(`node ${process.version}, ${leaves} leaves, ${entryBytes}-byte entries\n`);

// An export read into memory: entries back to back in one buffer, as a file read would give them.
const data = Buffer.allocUnsafe(leaves * entryBytes);
for (let at = 0; at < data.length; at += 2 ** 16)
  randomFillSync(data, at, Math.min(2 ** 16, data.length - at));
const entry = (i: number): Buffer => data.subarray(i * entryBytes, (i + 1) * entryBytes);

// The offline `mxg audit verify` path: re-hash every entry, fold into a frontier, compare roots.
const streamedRoot = time(
  'offline: hash entries + frontier root (O(log n) memory)',
  () => {
    const frontier = new MerkleFrontier();
    for (let i = 0; i < leaves; i++) frontier.append(hashLeaf(entry(i)));
    return frontier.root();
  },
  leaves,
);

const leafHashes = time(
  'leaf hashes only',
  () => Array.from({ length: leaves }, (_, i) => hashLeaf(entry(i))),
  leaves,
);

const heapBefore = process.memoryUsage();
const tree = new MerkleTree();
time('tree: append leaf hashes', () => leafHashes.forEach((leaf) => tree.append(leaf)), leaves);
const heapAfter = process.memoryUsage();
const root = time('tree: root()', () => tree.root());
console.log(`tree root equals frontier root: ${root.equals(streamedRoot)}`);
console.log(
  `tree storage: ~${mib(heapAfter.arrayBuffers - heapBefore.arrayBuffers)} array buffers ` +
    `(${mib(2 * leaves * 32)} expected for 2n hashes)`,
);
time(
  'tree: root(size) of random earlier sizes',
  () => {
    for (let i = 0; i < samples; i++) tree.root(1 + randomInt(leaves));
  },
  samples,
);

const inclusion = time(
  'tree: inclusion proofs at random (index, size)',
  () =>
    Array.from({ length: samples }, () => {
      const size = 1 + randomInt(leaves);
      const index = randomInt(size);
      return { index, size, proof: tree.inclusionProof(index, size) };
    }),
  samples,
);
time(
  'verifyInclusion of those',
  () => {
    for (const { index, size, proof } of inclusion)
      verifyInclusion(index, size, leafHashes[index], proof, tree.root(size));
  },
  samples,
);

const consistency = time(
  'tree: consistency proofs at random (m, n)',
  () =>
    Array.from({ length: samples }, () => {
      const n = 1 + randomInt(leaves);
      const m = 1 + randomInt(n);
      return { m, n, proof: tree.consistencyProof(m, n) };
    }),
  samples,
);
time(
  'verifyConsistency of those',
  () => {
    for (const { m, n, proof } of consistency)
      verifyConsistency(m, n, proof, tree.root(m), tree.root(n));
  },
  samples,
);
