import { execFileSync } from 'node:child_process';
import { existsSync, rmSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { createSoftHsmConf } from './softhsm-conf';

/** Debian's SoftHSM2 module (scripts/test-tools.sh installs the `softhsm2` package). */
export const SOFTHSM_MODULE = '/usr/lib/softhsm/libsofthsm2.so';

export interface SoftHsm {
  /** The SOFTHSM2_CONF every process using these tokens must have in its environment. */
  readonly conf: string;
  /** Initialises a new token in a free slot under a label unique to this run; returns the label. */
  initToken(name: string, pin: string): string;
  cleanup(): void;
}

/**
 * A SoftHSM2 of the test's own: a temporary token directory and the configuration file pointing
 * at it, so tests never touch the machine's tokens (/var/lib/softhsm). For a gateway or CLI the
 * test spawns (`own`: SOFTHSM2_CONF goes into the child's environment). In this process SoftHSM
 * can only see the run's configuration set by the global setup (`shared`); labels are made
 * unique so test files running at once do not meet.
 */
export function createSoftHsm(where: 'own' | 'shared'): SoftHsm {
  if (!existsSync(SOFTHSM_MODULE)) {
    throw new Error(`${SOFTHSM_MODULE} is missing: run scripts/test-tools.sh (Debian: softhsm2)`);
  }
  let conf: string;
  let dir: string | undefined;
  if (where === 'own') {
    ({ conf, dir } = createSoftHsmConf());
  } else {
    const shared = process.env.SOFTHSM2_CONF;
    if (shared === undefined) {
      throw new Error('SOFTHSM2_CONF is not set: run with the global setup (test/support)');
    }
    conf = shared;
  }
  const labels: string[] = [];
  const util = (args: string[]): void => {
    execFileSync('softhsm2-util', args, {
      env: { ...process.env, SOFTHSM2_CONF: conf },
      stdio: 'pipe',
    });
  };
  return {
    conf,
    initToken(name, pin) {
      // Token labels are at most 32 bytes.
      const label = `${name.slice(0, 23)}-${randomBytes(4).toString('hex')}`;
      util(['--init-token', '--free', '--label', label, '--pin', pin, '--so-pin', `so-${pin}`]);
      labels.push(label);
      return label;
    },
    cleanup() {
      if (dir !== undefined) {
        rmSync(dir, { recursive: true, force: true });
        return;
      }
      for (const label of labels.splice(0)) util(['--delete-token', '--token', label]);
    },
  };
}
