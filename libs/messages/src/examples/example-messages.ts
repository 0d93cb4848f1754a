import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { findRepoRoot, type MessageType } from '@mxg/config';

/** A message as `POST /messages` takes it. */
export interface SubmittedMessage {
  readonly agreement: string;
  readonly type: MessageType;
  readonly to: { readonly authority: string };
  readonly signatory: string;
  readonly body: Record<string, unknown>;
  readonly inReplyTo?: string;
}

/** `examples/messages/`: one valid message of every type, the one place tests and demos take bodies from. */
export function examplesDir(root = findRepoRoot()): string {
  return join(root, 'examples', 'messages');
}

/** The example `name` (a file `examples/messages/<name>.json`), e.g. `request`. */
export function exampleMessage(name: string, root?: string): SubmittedMessage {
  const text = readFileSync(join(examplesDir(root), `${name}.json`), 'utf8');
  return JSON.parse(text) as SubmittedMessage;
}

/** Every example's name. */
export function exampleNames(root?: string): string[] {
  return readdirSync(examplesDir(root))
    .filter((f) => f.endsWith('.json'))
    .map((f) => f.slice(0, -'.json'.length))
    .sort();
}
