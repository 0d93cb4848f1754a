import { existsSync, readdirSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import type { CertificateKeyPaths } from './pki-layout';
import { PkiError } from './pki-error';

const CERT_SUFFIX = '.cert.pem';
const KEY_SUFFIX = '.key.pem';

/**
 * Key generations (seal and encryption rotation). Generation 1 is the pair a layout names
 * (`gateway/seal.{cert,key}.pem`); generation n ≥ 2 lives beside it as
 * `gateway/seal.<n>.{cert,key}.pem`. A generation exists when its certificate file does: the
 * private key may live in a token instead of a file.
 */
export function keyGenerationPaths(
  generation1: CertificateKeyPaths,
  generation: number,
): CertificateKeyPaths {
  if (!Number.isSafeInteger(generation) || generation < 1) {
    throw new PkiError('PKI_INVALID_REQUEST', `key generation ${generation} must be 1 or more`);
  }
  if (generation === 1) return { ...generation1 };
  return {
    certificate: withGeneration(generation1.certificate, CERT_SUFFIX, generation),
    privateKey: withGeneration(generation1.privateKey, KEY_SUFFIX, generation),
  };
}

/**
 * Every generation whose certificate exists, ascending n (generation 1 first when present).
 * Synchronous: key stores and trust stores read it once while loading.
 */
export function keyGenerations(generation1: CertificateKeyPaths): CertificateKeyPaths[] {
  const numbers = generationNumbers(generation1);
  return numbers.map((n) => keyGenerationPaths(generation1, n));
}

/** The number the next generation gets: one more than the highest held (1 when none is). */
export function nextKeyGeneration(generation1: CertificateKeyPaths): number {
  const numbers = generationNumbers(generation1);
  return numbers.length === 0 ? 1 : numbers[numbers.length - 1] + 1;
}

function generationNumbers(generation1: CertificateKeyPaths): number[] {
  const stem = stemOf(generation1.certificate, CERT_SUFFIX);
  const directory = dirname(generation1.certificate);
  const numbers: number[] = [];
  if (existsSync(generation1.certificate)) numbers.push(1);
  let names: string[];
  try {
    names = readdirSync(directory);
  } catch (error) {
    if ((error as { code?: unknown }).code === 'ENOENT') return numbers;
    throw error;
  }
  const pattern = new RegExp(
    `^${escapeRegExp(basename(stem))}\\.([1-9][0-9]{0,5})${escapeRegExp(CERT_SUFFIX)}$`,
  );
  for (const name of names) {
    const match = pattern.exec(name);
    if (match === null) continue;
    const n = Number(match[1]);
    if (n >= 2) numbers.push(n);
  }
  return numbers.sort((a, b) => a - b);
}

function withGeneration(path: string, suffix: string, generation: number): string {
  return `${stemOf(path, suffix)}.${generation}${suffix}`;
}

function stemOf(path: string, suffix: string): string {
  if (!path.endsWith(suffix)) {
    throw new PkiError('PKI_INVALID_REQUEST', `${path} does not end in ${suffix}`);
  }
  return join(dirname(path), basename(path).slice(0, -suffix.length));
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
