import type { KeyObject } from 'node:crypto';
import * as pkcs11js from 'pkcs11js';
import type { ExternalKeyHolder } from '@mxg/pki';
import { EnvelopeError } from '@mxg/envelope';
import { generateTokenKeyPair } from './generate-token-key';
import type { Pkcs11Token } from './pkcs11-token';
import { tokenKeyLabel } from './token-key-labels';
import { readPublicKey } from './token-public-key';

/**
 * A party's leaf keys in a PKCS#11 token, for `mxg pki init --pkcs11`: the dev CA certifies the
 * public keys, the private keys are generated in the token and stay there.
 */
export class TokenKeyHolder implements ExternalKeyHolder {
  constructor(
    private readonly token: Pkcs11Token,
    readonly party: string,
  ) {}

  get description(): string {
    return `PKCS#11 token '${this.token.label}'`;
  }

  publicKey(certificatePath: string): Promise<KeyObject | undefined> {
    const label = tokenKeyLabel(certificatePath);
    const publicKeys = this.token.find(label, pkcs11js.CKO_PUBLIC_KEY);
    const privateKeys = this.token.find(label, pkcs11js.CKO_PRIVATE_KEY);
    if (publicKeys.length === 0 && privateKeys.length === 0) return Promise.resolve(undefined);
    if (publicKeys.length !== 1 || privateKeys.length !== 1) {
      return Promise.reject(
        new EnvelopeError(
          'KEY_NOT_AVAILABLE',
          `${this.description} holds ${privateKeys.length} private and ${publicKeys.length} public keys labelled ${label} (expected one of each)`,
        ),
      );
    }
    return Promise.resolve(
      this.token.inspect((library, session) => readPublicKey(library, session, publicKeys[0])),
    );
  }

  generate(
    certificatePath: string,
    keyAlgorithm: Parameters<ExternalKeyHolder['generate']>[1],
    profile: Parameters<ExternalKeyHolder['generate']>[2],
  ): Promise<KeyObject> {
    return generateTokenKeyPair(
      this.token,
      tokenKeyLabel(certificatePath),
      keyAlgorithm,
      profile === 'encryption' ? 'decrypt' : 'sign',
    );
  }
}
