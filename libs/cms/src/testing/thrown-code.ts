/** The `code` of whatever `fn` throws synchronously, or undefined if it returns. */
export function thrownCode(fn: () => unknown): unknown {
  try {
    fn();
  } catch (error) {
    return (error as { code?: unknown }).code;
  }
  return undefined;
}
