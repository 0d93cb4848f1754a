import { existsSync } from 'node:fs';
import { join } from 'node:path';

/**
 * Runs once before all tests. Dates in tests are UTC; e2e tests spawn the compiled gateway and
 * CLI, which `npm test` builds first (scripts/test.sh).
 */
export default function globalSetup(): void {
  process.env.TZ = 'UTC';
  const cli = join(__dirname, '..', '..', 'dist', 'apps', 'cli', 'src', 'main.js');
  if (!existsSync(cli)) {
    throw new Error('dist/ is missing: run the tests with `npm test`, which builds first');
  }
}
