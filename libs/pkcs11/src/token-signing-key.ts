import { createHash, type X509Certificate } from 'node:crypto';
import * as pkcs11js from 'pkcs11js';
import { CmsError, type SignatureScheme } from '@mxg/cms';
import { EnvelopeError, type SigningKey } from '@mxg/envelope';
import { ecdsaSignatureToDer } from './ecdsa-signature';
import { pkcs11ErrorName } from './pkcs11-module';
import type { Pkcs11Token } from './pkcs11-token';

/**
 * RSASSA-PSS as MXG's AlgorithmIdentifier states it: SHA-256, MGF1-SHA-256, a salt of the hash's
 * length (RFC 4055 §3.1).
 */
const PSS_SHA256: pkcs11js.RsaPSS = {
  type: pkcs11js.CK_PARAMS_RSA_PSS,
  hashAlg: pkcs11js.CKM_SHA256,
  mgf: pkcs11js.CKG_MGF1_SHA256,
  saltLen: 32,
};

/**
 * A signing key that stays in a PKCS#11 token: `sign` hands the token the data (RSA) or its
 * digest (ECDSA, CKM_ECDSA signs a hash) and gets the signature back.
 */
export class TokenSigningKey implements SigningKey {
  constructor(
    private readonly token: Pkcs11Token,
    private readonly privateKey: pkcs11js.Handle,
    readonly certificate: X509Certificate,
    /** Who this key is, for messages: the token object's label. */
    readonly label: string,
  ) {}

  /**
   * An own property, not a method: callers copy key objects (`{ ...key, id }`), as they may with
   * the plain objects of the file store, and the operation must survive that.
   */
  readonly sign = async (data: Uint8Array, scheme: SignatureScheme): Promise<Uint8Array> => {
    const { mechanism, input, outputBytes, ecdsa } = this.operation(Buffer.from(data), scheme);
    const signature = await this.token
      .withSession(async (session) => {
        this.token.library.C_SignInit(session, mechanism, this.privateKey);
        return this.token.library.C_SignAsync(session, input, Buffer.alloc(outputBytes));
      })
      .catch((error: unknown) => {
        // A token that stops answering (removed, reset, logged out) is an unavailable key.
        const code = pkcs11ErrorName(error);
        if (code === undefined) throw error;
        throw new EnvelopeError(
          'KEY_NOT_AVAILABLE',
          `PKCS#11 token '${this.token.label}' did not sign with ${this.label} (${code})`,
        );
      });
    return ecdsa ? ecdsaSignatureToDer(signature) : signature;
  };

  private operation(
    data: Buffer,
    scheme: SignatureScheme,
  ): { mechanism: pkcs11js.Mechanism; input: Buffer; outputBytes: number; ecdsa: boolean } {
    const key = this.certificate.publicKey;
    const type = key.asymmetricKeyType;
    const rsaBytes = Math.ceil((key.asymmetricKeyDetails?.modulusLength ?? 0) / 8);
    switch (scheme) {
      case 'ecdsa-sha256':
      case 'ecdsa-sha384':
        this.assertKeyType(type === 'ec', scheme);
        return {
          mechanism: { mechanism: pkcs11js.CKM_ECDSA },
          input: createHash(scheme === 'ecdsa-sha256' ? 'sha256' : 'sha384')
            .update(data)
            .digest(),
          // r || s: twice the largest order MXG uses (P-384); the token says how much it wrote.
          outputBytes: 2 * 66,
          ecdsa: true,
        };
      case 'rsa-pss-sha256':
        this.assertKeyType(type === 'rsa', scheme);
        return {
          mechanism: {
            mechanism: pkcs11js.CKM_SHA256_RSA_PKCS_PSS,
            parameter: PSS_SHA256,
          },
          input: data,
          outputBytes: rsaBytes,
          ecdsa: false,
        };
      case 'rsa-pkcs1-sha256':
        this.assertKeyType(type === 'rsa', scheme);
        return {
          mechanism: { mechanism: pkcs11js.CKM_SHA256_RSA_PKCS },
          input: data,
          outputBytes: rsaBytes,
          ecdsa: false,
        };
    }
  }

  private assertKeyType(fits: boolean, scheme: SignatureScheme): void {
    if (!fits) {
      throw new CmsError(
        'UNSUPPORTED_ALGORITHM',
        `the token key '${this.label}' cannot sign ${scheme}`,
      );
    }
  }
}
