import { readFileSync } from 'node:fs';
import { RateCsvError, RateTable } from '@mxg/settlements';
import { readJsonFile } from './json-file';
import { inputName, STDIO } from './std-io';
import { usageError } from './usage-error';

/** What a whole signed message's header says of the claim's parties and day (its `checkClaim` context). */
export interface ClaimHeader {
  readonly fromParty?: string;
  readonly fromAuthority?: string;
  readonly toParty?: string;
  readonly createdAt?: string;
}

/**
 * A claim file as `mxg claim` takes it: the `reimbursement-claim` body itself (as
 * examples/ret/claim.json), or a message carrying one — the shape `POST /messages` takes or a
 * whole `{header, body}` — whose body is then the claim (and, for a whole message, its header
 * says who sent it to whom and when, as the receiving gateway reads it). Unreadable, not JSON,
 * or another message type is a usage mistake (exit 2).
 */
export function readClaimFile(file: string): { body: unknown; header?: ClaimHeader } {
  const json = readJsonFile(file);
  if (!isObject(json) || !('body' in json)) return { body: json };
  const header = isObject(json.header) ? json.header : json;
  if (header.type !== 'reimbursement-claim') {
    usageError(
      `${inputName(file)} is a ${typeof header.type === 'string' ? header.type : 'message of no type'}, not a reimbursement-claim (RET-3.1)`,
    );
  }
  if (!isObject(json.header)) return { body: json.body };
  const from = isObject(header.from) ? header.from : {};
  const to = isObject(header.to) ? header.to : {};
  return {
    body: json.body,
    header: {
      fromParty: text(from.party),
      fromAuthority: text(from.authority),
      toParty: text(to.party),
      createdAt: text(header.createdAt),
    },
  };
}

const text = (value: unknown) => (typeof value === 'string' ? value : undefined);

/** The official rate tables of `--rates` files, one national bank each (RET-3.7), merged. */
export function readRateFiles(files: readonly string[]): {
  table: RateTable;
  files: { file: string; sources: string[]; rows: number }[];
} {
  let table = RateTable.empty();
  const read = files.map((file) => {
    let text: string;
    try {
      text = readFileSync(file === STDIO ? 0 : file, 'utf8');
    } catch (error) {
      usageError(
        `cannot read ${inputName(file)}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`,
      );
    }
    let one: RateTable;
    try {
      one = RateTable.fromCsv(text, file);
    } catch (error) {
      if (!(error instanceof RateCsvError)) throw error;
      usageError(error.message); // RATES_INVALID: the file and every line wrong
    }
    table = table.merge(one);
    return { file, sources: one.sources(), rows: one.rows().length };
  });
  return { table, files: read };
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
