import type { Clock } from '@mxg/core';
import type { KeyStoreSettings } from '@mxg/config';
import { FileKeyStore, type KeyStore } from '@mxg/envelope';
import { Pkcs11KeyStore } from './pkcs11-key-store';

export interface OpenKeyStoreOptions {
  readonly certsDir: string;
  readonly party: string;
  /** The gateway file's `keys`. */
  readonly settings: KeyStoreSettings;
  /** MXG_PKCS11_PIN, for a token. */
  readonly pin: string | undefined;
  readonly clock?: Clock;
}

/** A key store that may hold a token open: `close` logs out of it (a no-op for files). */
export type ClosableKeyStore = KeyStore & { close(): void };

/**
 * The key store a gateway's configuration names: PEM files (development) or a PKCS#11 token,
 * opened and checked before the gateway serves anything.
 */
export async function openKeyStore(options: OpenKeyStoreOptions): Promise<ClosableKeyStore> {
  const { certsDir, party, settings, clock } = options;
  switch (settings.store) {
    case 'file':
      return Object.assign(new FileKeyStore(certsDir, party, { clock }), {
        close: () => undefined,
      });
    case 'pkcs11':
      return Pkcs11KeyStore.open({
        certsDir,
        party,
        clock,
        module: settings.module,
        token: settings.token,
        pin: options.pin,
      });
  }
}
