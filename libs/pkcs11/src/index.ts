/**
 * @mxg/pkcs11 — this gateway's keys in a PKCS#11 token (an HSM; SoftHSM2 in development and
 * tests): a KeyStore whose keys sign and unwrap inside the token and are never exported, and the
 * generation of those keys in the token for `mxg pki init --pkcs11`. Kept out of @mxg/envelope so
 * that only what runs a gateway loads the native binding.
 */
export { Pkcs11KeyStore, type Pkcs11KeyStoreOptions } from './pkcs11-key-store';
export { Pkcs11Token, type Pkcs11TokenOptions } from './pkcs11-token';
export {
  generateTokenKeyPair,
  type TokenKeyAlgorithm,
  type TokenKeyUse,
} from './generate-token-key';
export { gatewayKeyLabel, signatoryKeyLabel, tokenKeyLabel } from './token-key-labels';
export { TokenKeyHolder } from './token-key-holder';
export { openKeyStore, type ClosableKeyStore, type OpenKeyStoreOptions } from './open-key-store';
