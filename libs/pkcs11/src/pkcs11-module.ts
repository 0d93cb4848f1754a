import * as pkcs11js from 'pkcs11js';

/**
 * One loaded PKCS#11 module per library path and process. A module is initialised once per
 * process (a second C_Initialize answers CKR_CRYPTOKI_ALREADY_INITIALIZED) and finalised when
 * its last user lets go, so several key stores on one module (tests, the CLI) can coexist.
 */
interface LoadedModule {
  readonly library: pkcs11js.PKCS11;
  users: number;
}

const loaded = new Map<string, LoadedModule>();

export function acquireModule(path: string): pkcs11js.PKCS11 {
  let module = loaded.get(path);
  if (!module) {
    const library = new pkcs11js.PKCS11();
    library.load(path);
    try {
      // OS locking: the *Async calls run on libuv's pool, several sessions at once.
      library.C_Initialize({ flags: pkcs11js.CKF_OS_LOCKING_OK });
    } catch (error) {
      if (!isPkcs11Error(error, pkcs11js.CKR_CRYPTOKI_ALREADY_INITIALIZED)) {
        library.close();
        throw error;
      }
    }
    module = { library, users: 0 };
    loaded.set(path, module);
  }
  module.users += 1;
  return module.library;
}

export function releaseModule(path: string): void {
  const module = loaded.get(path);
  if (!module) return;
  module.users -= 1;
  if (module.users > 0) return;
  loaded.delete(path);
  try {
    module.library.C_Finalize();
  } finally {
    module.library.close();
  }
}

/** The CKR_* name of a PKCS#11 failure (never its arguments), or undefined for anything else. */
export function pkcs11ErrorName(error: unknown): string | undefined {
  if (!(error instanceof pkcs11js.Pkcs11Error)) return undefined;
  const name = Object.keys(pkcs11js).find(
    (key) => key.startsWith('CKR_') && (pkcs11js as Record<string, unknown>)[key] === error.code,
  );
  return name ?? `CKR_0x${error.code.toString(16)}`;
}

export function isPkcs11Error(error: unknown, ...codes: number[]): boolean {
  return error instanceof pkcs11js.Pkcs11Error && codes.includes(error.code);
}
