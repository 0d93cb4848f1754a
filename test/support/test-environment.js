// Jest's node environment, plus one step at teardown (after every hook of the test file): end
// what the file started and did not stop itself — see test/support/leftovers.ts.
const { TestEnvironment } = require('jest-environment-node');

class MxgTestEnvironment extends TestEnvironment {
  async teardown() {
    const leftovers = this.global.__mxgLeftovers;
    if (typeof leftovers === 'function') await leftovers();
    await super.teardown();
  }
}

module.exports = MxgTestEnvironment;
