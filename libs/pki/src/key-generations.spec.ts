import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { keyGenerationPaths, keyGenerations, nextKeyGeneration } from './key-generations';
import { partyPkiPaths } from './pki-layout';

describe(keyGenerations.name, () => {
  let certsDir: string;
  beforeEach(() => {
    certsDir = mkdtempSync(join(tmpdir(), 'mxg-generations-'));
  });
  afterEach(() => rmSync(certsDir, { recursive: true, force: true }));

  const seal = () => partyPkiPaths(certsDir, 'KZ').gateway.seal;
  const touch = (path: string) => {
    mkdirSync(join(certsDir, 'kz', 'gateway'), { recursive: true });
    writeFileSync(path, 'x');
  };

  it('finds nothing when no certificate exists', () => {
    expect(keyGenerations(seal())).toEqual([]);
    expect(nextKeyGeneration(seal())).toBe(1);
  });

  it('lists generation 1 then n ≥ 2 in ascending numeric order, by certificate file', () => {
    touch(seal().certificate);
    touch(keyGenerationPaths(seal(), 10).certificate);
    touch(keyGenerationPaths(seal(), 2).certificate);
    // Not a generation: another key's files, a key without a certificate, a malformed number.
    touch(join(certsDir, 'kz', 'gateway', 'encryption.3.cert.pem'));
    touch(join(certsDir, 'kz', 'gateway', 'seal.4.key.pem'));
    touch(join(certsDir, 'kz', 'gateway', 'seal.02.cert.pem'));

    expect(keyGenerations(seal())).toEqual([
      seal(),
      {
        certificate: join(certsDir, 'kz', 'gateway', 'seal.2.cert.pem'),
        privateKey: join(certsDir, 'kz', 'gateway', 'seal.2.key.pem'),
      },
      {
        certificate: join(certsDir, 'kz', 'gateway', 'seal.10.cert.pem'),
        privateKey: join(certsDir, 'kz', 'gateway', 'seal.10.key.pem'),
      },
    ]);
    expect(nextKeyGeneration(seal())).toBe(11);
  });

  it('refuses generation 0', () => {
    expect(() => keyGenerationPaths(seal(), 0)).toThrow('PKI_INVALID_REQUEST');
  });
});
