import { readFileSync } from 'node:fs';
import { readCrl } from '.';
import { thrownCode } from './testing/thrown-code';
import { createCmsFixtures, type CmsFixtures } from './testing/openssl-fixtures';

describe(readCrl.name, () => {
  let fx: CmsFixtures;
  let listing: string;

  beforeAll(() => {
    fx = createCmsFixtures();
    listing = readFileSync(fx.intermediateCrlPath, 'utf8');
  });
  afterAll(() => fx.cleanup());

  it('reads what OpenSSL wrote: CRL number, dates, entries', () => {
    const info = readCrl(listing, [fx.intermediateA.certificate]);
    expect(info.crlNumber).toBe(1n);
    expect(info.revokedCount).toBe(1);
    expect(info.thisUpdate.getTime()).toBeLessThanOrEqual(Date.now());
    expect(info.nextUpdate!.getTime() - info.thisUpdate.getTime()).toBe(30 * 86_400_000);
    expect(info.issuedByTrusted).toBe(true);
    expect(info.extensionsUnderstood).toBe(true);
  });

  it('says whether one of the given issuers signed it, by signature and not by name alone', () => {
    expect(readCrl(listing, [fx.rootA.certificate]).issuedByTrusted).toBe(false);
    expect(readCrl(listing, [fx.rootB.certificate]).issuedByTrusted).toBe(false);
    expect(
      readCrl(listing, [fx.rootB.certificate, fx.intermediateA.certificate]).issuedByTrusted,
    ).toBe(true);
    const der = Buffer.from(listing.replace(/-----(BEGIN|END) X509 CRL-----|\s/g, ''), 'base64');
    der[der.length - 5] ^= 0x01; // inside the signature value
    expect(readCrl(der, [fx.intermediateA.certificate]).issuedByTrusted).toBe(false);
  });

  it('reads a CRL without a CRL number as having none', () => {
    const index = fx.file('v1-index.txt', '');
    const config = fx.file(
      'v1-crl.cnf',
      `[ca]\ndefault_ca = this_ca\n[this_ca]\ndatabase = ${index}\ndefault_md = sha256\ndefault_crl_days = 1\n`,
    );
    const out = fx.file('v1.crl.pem', '');
    fx.openssl([
      'ca',
      '-config',
      config,
      '-gencrl',
      '-cert',
      fx.intermediateA.certPath,
      '-keyfile',
      fx.intermediateA.keyPath,
      '-out',
      out,
    ]);
    const info = readCrl(readFileSync(out, 'utf8'), [fx.intermediateA.certificate]);
    expect(info.crlNumber).toBeUndefined();
    expect(info.issuedByTrusted).toBe(true);
  });

  it('MALFORMED_CRL: bytes that are no CRL, or half of one', () => {
    expect(thrownCode(() => readCrl('not a CRL', [fx.intermediateA.certificate]))).toBe(
      'MALFORMED_CRL',
    );
    expect(
      thrownCode(() =>
        readCrl(listing.slice(0, listing.length / 2), [fx.intermediateA.certificate]),
      ),
    ).toBe('MALFORMED_CRL');
  });
});
