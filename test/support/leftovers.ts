/**
 * What a test file started and might not stop itself: a `beforeAll` that timed out leaves its
 * gateway network starting in the background, with nobody holding it to close. Each such thing
 * registers how to end it here; test/support/test-environment.js runs what is still registered
 * when the file's environment is torn down — after every hook of the file — so no gateway
 * process, database or vhost outlives its test file and slows the files after it.
 */
const steps = new Set<() => Promise<unknown>>();

/** Registers `step` to run at the file's end unless `done` (the returned function) is called. */
export function atFileEnd(step: () => Promise<unknown>): () => void {
  steps.add(step);
  return () => steps.delete(step);
}

/** Called by the test environment's teardown (see test-environment.js). */
(globalThis as { __mxgLeftovers?: () => Promise<void> }).__mxgLeftovers = async () => {
  for (const step of [...steps]) {
    steps.delete(step);
    await step().catch(() => undefined);
  }
};
