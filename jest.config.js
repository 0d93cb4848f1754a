/**
 * One jest run covers unit specs beside the code (`*.spec.ts`) and integration / e2e tests
 * in `test/` (`*.int-spec.ts`, `*.e2e-spec.ts`), all against real PostgreSQL and RabbitMQ.
 * @type {import('jest').Config}
 */
const { pathsToModuleNameMapper } = require('ts-jest');
const { compilerOptions } = require('./tsconfig.json');

module.exports = {
  rootDir: __dirname,
  // Node's, ending at each file's end what a timed-out hook left running (test/support/leftovers.ts).
  testEnvironment: '<rootDir>/test/support/test-environment.js',
  testMatch: ['<rootDir>/{apps,libs}/**/*.spec.ts', '<rootDir>/test/**/*.{int,e2e}-spec.ts'],
  transform: {
    '^.+\\.ts$': ['ts-jest', { tsconfig: 'tsconfig.json' }],
  },
  moduleFileExtensions: ['ts', 'js', 'json'],
  moduleNameMapper: pathsToModuleNameMapper(compilerOptions.paths, { prefix: '<rootDir>/' }),
  globalSetup: '<rootDir>/test/support/global-setup.ts',
  testTimeout: 60000,
  maxWorkers: 2,
};
