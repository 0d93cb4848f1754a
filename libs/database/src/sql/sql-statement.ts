/** A statement to run: its text and its parameters, numbered `$1`, `$2`, … in this order. */
export interface SqlStatement {
  readonly text: string;
  readonly parameters: unknown[];
}
