import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { CmsError, verifyCertificateChain, type CertificateChainResult } from '.';
import { pemToDer } from './certificate';
import { mutatedArbitrary } from './testing/fuzz/der-mutations';
import { fuzzBudget } from './testing/fuzz/fuzz-budget';
import { createCmsFixtures, type CmsFixtures } from './testing/openssl-fixtures';

/**
 * Issue #10, finding 13: certificate path validation reads certificates a message carries and
 * CRLs. Mutated certificates (the signer's and the intermediate's) and CRLs, structure-aware:
 * validation answers with a result or a documented CmsError, and it never finds valid what
 * OpenSSL's `verify -crl_check_all` refuses.
 */
const budget = fuzzBudget();
const REFUSALS = ['MALFORMED_CERTIFICATE', 'MALFORMED_CRL'];

describe('#10.13 certificate path validation under fuzzing', () => {
  let fx: CmsFixtures;
  let crls: Uint8Array[];

  beforeAll(() => {
    fx = createCmsFixtures();
    crls = [fx.rootCrlPath, fx.intermediateCrlPath].map((path) =>
      pemToDer(readFileSync(path, 'utf8'), 'X509 CRL'),
    );
  });
  afterAll(() => fx.cleanup());

  async function validate(
    leaf: Uint8Array,
    intermediate: Uint8Array,
    crl: Uint8Array,
  ): Promise<CertificateChainResult | undefined> {
    try {
      return await verifyCertificateChain({
        certificate: leaf,
        intermediates: [intermediate],
        trustAnchors: [fx.rootA.certificate],
        crls: [crls[0], crl],
        at: new Date(),
      });
    } catch (error) {
      if (error instanceof CmsError && REFUSALS.includes(error.code)) return undefined;
      throw error;
    }
  }

  /** OpenSSL's verdict on the same chain and CRLs. */
  function opensslVerifies(leaf: Uint8Array, intermediate: Uint8Array, crl: Uint8Array): boolean {
    const pem = (label: string, der: Uint8Array) =>
      `-----BEGIN ${label}-----\n${Buffer.from(der).toString('base64')}\n-----END ${label}-----\n`;
    const untrusted = fx.file('fuzz-untrusted.pem', pem('CERTIFICATE', intermediate));
    const crlFile = fx.file(
      'fuzz-crls.pem',
      readFileSync(fx.rootCrlPath, 'utf8') + pem('X509 CRL', crl),
    );
    const result = spawnSync('openssl', [
      'verify',
      '-CAfile',
      fx.rootA.certPath,
      '-untrusted',
      untrusted,
      '-CRLfile',
      crlFile,
      '-crl_check_all',
      fx.file('fuzz-leaf.pem', pem('CERTIFICATE', leaf)),
    ]);
    return result.status === 0;
  }

  it('mutated certificates and CRLs: a result or a documented refusal; valid only if OpenSSL agrees', async () => {
    const seeds = [fx.ecSigner.certDer, fx.intermediateA.certDer, ...crls];
    let valid = 0;
    await fc.assert(
      fc.asyncProperty(fc.nat(2), mutatedArbitrary(seeds), async (which, mutated) => {
        const chain: [Uint8Array, Uint8Array, Uint8Array] = [
          fx.ecSigner.certDer,
          fx.intermediateA.certDer,
          crls[1],
        ];
        chain[which] = mutated;
        const result = await validate(...chain);
        if (result?.valid) {
          valid++;
          // Spawning openssl costs milliseconds: checked for the first few valid answers.
          if (valid <= 40) expect(opensslVerifies(...chain)).toBe(true);
        }
      }),
      budget.property(600),
    );
    // Some mutations leave a chain valid (a CRL's unsigned parts, say): OpenSSL was asked.
    expect(valid).toBeGreaterThan(0);
  });
});
