import type { TreatyRegistry } from '@mxg/config';
import { FileTrustStore } from '@mxg/envelope';

/**
 * The trust store of the certificates directory. A CRL file it cannot use (not a CRL, not
 * the party's CA's, missing) is said on stderr: the verdict then only says that revocation
 * could not be checked, and the operator needs to know which file to look at.
 */
export function openTrustStore(certsDir: string, treaty: TreatyRegistry): FileTrustStore {
  return new FileTrustStore(certsDir, treaty, {
    log: (level, message) => {
      if (level === 'warn') process.stderr.write(`mxg: warning: ${message}\n`);
    },
  });
}
