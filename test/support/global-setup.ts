import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { createSoftHsmConf } from './softhsm-conf';

/**
 * Runs once before all tests. Dates in tests are UTC; e2e tests spawn the compiled gateway and
 * CLI, which `npm test` builds first (scripts/test.sh).
 */
export default function globalSetup(): void {
  process.env.TZ = 'UTC';
  // SoftHSM reads SOFTHSM2_CONF from the real environment when its module is initialised, which
  // a test cannot change (jest hands each test a copy of process.env): set here, before the
  // workers start, it points every in-process PKCS#11 test at a token directory of this run.
  process.env.SOFTHSM2_CONF = createSoftHsmConf().conf;
  const cli = join(__dirname, '..', '..', 'dist', 'apps', 'cli', 'src', 'main.js');
  if (!existsSync(cli)) {
    throw new Error('dist/ is missing: run the tests with `npm test`, which builds first');
  }
}
