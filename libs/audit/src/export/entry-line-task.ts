/** What checkLinesInWorkers asks a worker to check. */
export type EntryLineTask = { readonly id: number; readonly firstLineOfFile: boolean } & (
  | {
      /** The lines starting in bytes [start, end) of the file open at fd (readLineRange). */
      readonly fd: number;
      readonly start: number;
      readonly end: number;
    }
  | {
      /** Whole lines read from a pipe by the main thread, the worker's to own. */
      readonly chunk: Uint8Array;
    }
);
