import { readFileSync } from 'node:fs';
import { relative } from 'node:path';
import { isNode, LineCounter, parseDocument, type Document } from 'yaml';
import type { z } from 'zod';
import { type ConfigIssue, fieldPath } from './config-error';

/** A YAML file parsed and validated, or the issues that stop it, each with file, field and line. */
export type ConfigFileResult<T> =
  | {
      ok: true;
      value: T;
      /** The file as shown in messages. */
      file: string;
      locate: (path: readonly PropertyKey[]) => number | undefined;
    }
  | { ok: false; issues: ConfigIssue[] };

export function readConfigFile<S extends z.ZodType>(
  path: string,
  schema: S,
  displayRoot: string,
): ConfigFileResult<z.infer<S>> {
  const shown = relative(displayRoot, path);
  const file = shown === '' || shown.startsWith('..') ? path : shown;
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    const reason =
      (error as NodeJS.ErrnoException).code === 'ENOENT' ? 'file not found' : String(error);
    return { ok: false, issues: [{ file, field: '', message: reason }] };
  }

  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: true, uniqueKeys: true });
  if (doc.errors.length > 0) {
    return {
      ok: false,
      issues: doc.errors.map((e) => ({
        file,
        field: '',
        line: e.linePos?.[0].line,
        message: `not valid YAML: ${e.message.split('\n')[0]}`,
      })),
    };
  }

  const locate = (path: readonly PropertyKey[]) => lineOf(doc, lineCounter, path);
  const parsed = schema.safeParse(doc.toJS());
  if (!parsed.success) {
    return {
      ok: false,
      issues: parsed.error.issues.map((issue) => ({
        file,
        field: fieldPath(issue.path),
        line: locate(issue.path),
        message: isMissing(issue) ? 'required field is missing' : issue.message,
      })),
    };
  }
  return { ok: true, value: parsed.data, file, locate };
}

/** The line of the deepest node that exists on `path` (a missing field points at its parent). */
function lineOf(
  doc: Document,
  lineCounter: LineCounter,
  path: readonly PropertyKey[],
): number | undefined {
  for (let depth = path.length; depth >= 0; depth--) {
    const node: unknown = doc.getIn(path.slice(0, depth) as unknown[], true);
    if (isNode(node) && node.range) {
      return lineCounter.linePos(node.range[0]).line;
    }
  }
  return undefined;
}

function isMissing(issue: z.core.$ZodIssue): boolean {
  return issue.code === 'invalid_type' && issue.message.endsWith('received undefined');
}
