import * as pkcs11js from 'pkcs11js';
import { EnvelopeError } from '@mxg/envelope';
import { acquireModule, isPkcs11Error, pkcs11ErrorName, releaseModule } from './pkcs11-module';

export interface Pkcs11TokenOptions {
  /** The PKCS#11 library, e.g. /usr/lib/softhsm/libsofthsm2.so. */
  readonly module: string;
  /** The token's label (CKA_LABEL of the token, as `softhsm2-util --init-token --label` sets it). */
  readonly token: string;
  /** The user PIN. Comes from the environment only (MXG_PKCS11_PIN); never logged. */
  readonly pin: string | undefined;
  /** Sessions used for operations at once (each operation holds one). */
  readonly maxSessions?: number;
}

const DEFAULT_MAX_SESSIONS = 4;
/** Read/write: generating a key creates token objects (`mxg pki init --pkcs11`). */
const SESSION_FLAGS = pkcs11js.CKF_SERIAL_SESSION | pkcs11js.CKF_RW_SESSION;

/**
 * A logged-in PKCS#11 token: a pool of sessions on it, each running one operation at a time
 * (PKCS#11 sessions are not re-entrant). One extra session stays open for the token's whole life
 * because the login belongs to the application and ends when its last session closes.
 */
export class Pkcs11Token {
  private readonly idle: pkcs11js.Handle[] = [];
  private readonly waiting: ((session: pkcs11js.Handle) => void)[] = [];
  private sessions = 0;
  private closed = false;

  private constructor(
    readonly library: pkcs11js.PKCS11,
    private readonly options: Pkcs11TokenOptions,
    private readonly slot: pkcs11js.Handle,
    private readonly loginSession: pkcs11js.Handle,
  ) {}

  /** Loads the module, finds the token by label and logs in as its user. */
  static open(options: Pkcs11TokenOptions): Pkcs11Token {
    const where = `PKCS#11 token '${options.token}' (${options.module})`;
    if (options.pin === undefined || options.pin === '') {
      throw new EnvelopeError('KEY_NOT_AVAILABLE', `${where}: no PIN; set MXG_PKCS11_PIN`);
    }
    let library: pkcs11js.PKCS11;
    try {
      library = acquireModule(options.module);
    } catch (error) {
      throw new EnvelopeError(
        'KEY_NOT_AVAILABLE',
        `${where}: the module cannot be loaded (${pkcs11ErrorName(error) ?? 'not a PKCS#11 library'})`,
      );
    }
    let session: pkcs11js.Handle | undefined;
    try {
      const slot = findSlot(library, options.token, where);
      session = library.C_OpenSession(slot, SESSION_FLAGS);
      login(library, session, options.pin, where);
      return new Pkcs11Token(library, options, slot, session);
    } catch (error) {
      if (session !== undefined) closeQuietly(library, session);
      releaseModule(options.module);
      throw error;
    }
  }

  get label(): string {
    return this.options.token;
  }

  /**
   * Runs `work` on a session of its own. A session whose operation failed is closed rather than
   * reused: PKCS#11 leaves an active operation in an unspecified state on some errors.
   */
  async withSession<T>(work: (session: pkcs11js.Handle) => Promise<T> | T): Promise<T> {
    const session = await this.acquire();
    let result: T;
    try {
      result = await work(session);
    } catch (error) {
      this.discard(session);
      throw error;
    }
    this.release(session);
    return result;
  }

  /** Runs `work` on the login session, for short synchronous look-ups (finding objects). */
  inspect<T>(work: (library: pkcs11js.PKCS11, session: pkcs11js.Handle) => T): T {
    this.assertOpen();
    return work(this.library, this.loginSession);
  }

  /** Handles of the objects of `objectClass` labelled `label` (token objects only). */
  find(label: string, objectClass: number): pkcs11js.Handle[] {
    return this.inspect((library, session) => {
      library.C_FindObjectsInit(session, [
        { type: pkcs11js.CKA_CLASS, value: objectClass },
        { type: pkcs11js.CKA_TOKEN, value: true },
        { type: pkcs11js.CKA_LABEL, value: label },
      ]);
      try {
        return library.C_FindObjects(session, 16);
      } finally {
        library.C_FindObjectsFinal(session);
      }
    });
  }

  /** Closes every session (which logs out) and lets the module go. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    for (const session of this.idle.splice(0)) closeQuietly(this.library, session);
    closeQuietly(this.library, this.loginSession);
    releaseModule(this.options.module);
  }

  private acquire(): Promise<pkcs11js.Handle> {
    this.assertOpen();
    const session = this.idle.pop();
    if (session !== undefined) return Promise.resolve(session);
    if (this.sessions < (this.options.maxSessions ?? DEFAULT_MAX_SESSIONS)) {
      const opened = this.library.C_OpenSession(this.slot, SESSION_FLAGS);
      this.sessions += 1;
      return Promise.resolve(opened);
    }
    return new Promise((resolve) => this.waiting.push(resolve));
  }

  private release(session: pkcs11js.Handle): void {
    if (this.closed) {
      closeQuietly(this.library, session);
      return;
    }
    const next = this.waiting.shift();
    if (next) next(session);
    else this.idle.push(session);
  }

  private discard(session: pkcs11js.Handle): void {
    closeQuietly(this.library, session);
    this.sessions -= 1;
    const next = this.waiting.shift();
    if (next && !this.closed) {
      // Someone was waiting for a session: open one in place of the discarded.
      this.sessions += 1;
      next(this.library.C_OpenSession(this.slot, SESSION_FLAGS));
    }
  }

  private assertOpen(): void {
    if (this.closed) {
      throw new EnvelopeError('KEY_NOT_AVAILABLE', `PKCS#11 token '${this.label}' is closed`);
    }
  }
}

/** Token labels are blank-padded to 32 bytes (some modules pad with NULs). */
export function tokenLabel(raw: string): string {
  return raw.replace(/[\s\0]+$/u, '');
}

function findSlot(library: pkcs11js.PKCS11, label: string, where: string): pkcs11js.Handle {
  const slots = library
    .C_GetSlotList(true)
    .filter((slot) => tokenLabel(library.C_GetTokenInfo(slot).label) === label);
  if (slots.length !== 1) {
    throw new EnvelopeError(
      'KEY_NOT_AVAILABLE',
      slots.length === 0
        ? `${where}: no token with that label is present`
        : `${where}: ${slots.length} tokens carry that label; labels must be unique`,
    );
  }
  return slots[0];
}

function login(
  library: pkcs11js.PKCS11,
  session: pkcs11js.Handle,
  pin: string,
  where: string,
): void {
  try {
    library.C_Login(session, pkcs11js.CKU_USER, pin);
  } catch (error) {
    // Another key store of this process on the same token logged the application in already.
    if (isPkcs11Error(error, pkcs11js.CKR_USER_ALREADY_LOGGED_IN)) return;
    // Only the return code's name: the PIN is never part of a message.
    throw new EnvelopeError(
      'KEY_NOT_AVAILABLE',
      `${where}: login refused (${pkcs11ErrorName(error) ?? 'unknown error'})`,
    );
  }
}

function closeQuietly(library: pkcs11js.PKCS11, session: pkcs11js.Handle): void {
  try {
    library.C_CloseSession(session);
  } catch {
    // Already closed (token removed, module finalised): nothing left to release.
  }
}
