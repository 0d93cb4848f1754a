import { generateKeyPairSync, sign, verify } from 'node:crypto';
import { ecdsaSignatureToDer } from './ecdsa-signature';

describe(ecdsaSignatureToDer.name, () => {
  it.each([
    ['P-256', 'sha256'],
    ['P-384', 'sha384'],
  ])('turns a %s r || s signature into the DER one OpenSSL verifies', (namedCurve, hash) => {
    const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve });
    // Many signatures, so that r or s with a high bit or leading zero bytes come up.
    for (let i = 0; i < 200; i++) {
      const data = Buffer.from(`message ${i}`);
      const raw = sign(hash, data, { key: privateKey, dsaEncoding: 'ieee-p1363' });
      const sut = ecdsaSignatureToDer(raw);
      expect(verify(hash, data, publicKey, sut)).toBe(true);
    }
  });

  it('encodes INTEGERs minimally, with a zero byte before a set top bit', () => {
    const r = Buffer.alloc(32);
    r[31] = 0x01; // leading zeros dropped
    const s = Buffer.alloc(32, 0xff); // top bit set: 0x00 prefix
    const sut = ecdsaSignatureToDer(Buffer.concat([r, s]));
    expect(sut.toString('hex')).toBe(`3026020101022100${'ff'.repeat(32)}`);
  });

  it('refuses an odd length', () => {
    expect(() => ecdsaSignatureToDer(Buffer.alloc(63))).toThrow(TypeError);
  });
});
