/**
 * A lenient BER tree for the fuzzers: inputs are parsed into nodes, mutated as structures
 * (a field's contents, a tag, a child added or dropped, a length form) and written back with
 * every enclosing length recomputed, so a mutation lands deep inside a SignedData instead of
 * breaking its outermost length. Deliberately independent of the reader under test
 * (`der-reader.ts`) and of asn1js.
 */
export type LengthForm =
  /** X.690 §10.1: the fewest octets. */
  | { readonly kind: 'minimal' }
  /** Long form with `extra` needless leading zero octets (BER allows it, DER does not). */
  | { readonly kind: 'long'; readonly extra: number }
  /** X.690 §8.1.3.6: constructed only, closed by end-of-contents octets. */
  | { readonly kind: 'indefinite' };

export interface DerNode {
  /** The identifier octet(s): low tag numbers are one octet, high ones more. */
  readonly tag: Uint8Array;
  /** Contents octets of a primitive element; undefined for a constructed one. */
  readonly contents?: Uint8Array;
  readonly children?: readonly DerNode[];
  readonly form: LengthForm;
}

export const MINIMAL: LengthForm = { kind: 'minimal' };

export const isConstructed = (node: DerNode): boolean => node.children !== undefined;

export const primitive = (tag: number, contents: Uint8Array): DerNode => ({
  tag: Uint8Array.of(tag),
  contents,
  form: MINIMAL,
});

export const constructed = (tag: number, children: readonly DerNode[]): DerNode => ({
  tag: Uint8Array.of(tag),
  children,
  form: MINIMAL,
});

/**
 * Parses one element filling `bytes`, or undefined when it is not BER at all. Bounded depth,
 * so that a hostile seed cannot make the tool itself recurse without limit.
 */
export function parseTree(
  bytes: Uint8Array,
  maxDepth = 64,
  positions?: Map<DerNode, Position>,
): DerNode | undefined {
  const parsed = parseAt(bytes, 0, bytes.length, maxDepth, positions);
  return parsed && parsed.end === bytes.length ? parsed.node : undefined;
}

/** Where a parsed node's length octets start and its contents start. */
export interface Position {
  readonly lengthAt: number;
  readonly contentStart: number;
}

function parseAt(
  bytes: Uint8Array,
  offset: number,
  limit: number,
  depth: number,
  positions?: Map<DerNode, Position>,
): { node: DerNode; end: number } | undefined {
  const parsed = parseElement(bytes, offset, limit, depth, positions);
  if (parsed && positions) {
    positions.set(parsed.node, {
      lengthAt: offset + parsed.node.tag.length,
      contentStart: parsed.contentStart,
    });
  }
  return parsed;
}

function parseElement(
  bytes: Uint8Array,
  offset: number,
  limit: number,
  depth: number,
  positions?: Map<DerNode, Position>,
): { node: DerNode; end: number; contentStart: number } | undefined {
  if (depth < 0 || offset + 2 > limit) return undefined;
  let i = offset + 1;
  if ((bytes[offset] & 0x1f) === 0x1f) {
    while (i < limit && bytes[i] & 0x80) i++;
    i++;
    if (i - offset > 5) return undefined;
  }
  if (i >= limit) return undefined;
  const tag = bytes.slice(offset, i);
  const constructedTag = (bytes[offset] & 0x20) !== 0;
  const first = bytes[i++];
  if (first === 0x80) {
    if (!constructedTag) return undefined;
    const children: DerNode[] = [];
    for (;;) {
      if (i + 2 > limit) return undefined;
      if (bytes[i] === 0 && bytes[i + 1] === 0) {
        const node: DerNode = { tag, children, form: { kind: 'indefinite' } };
        return { node, end: i + 2, contentStart: offset + tag.length + 1 };
      }
      const child = parseAt(bytes, i, limit, depth - 1, positions);
      if (!child) return undefined;
      children.push(child.node);
      i = child.end;
    }
  }
  let length = first;
  let form: LengthForm = MINIMAL;
  if (first > 0x80) {
    const count = first & 0x7f;
    if (count > 8 || i + count > limit) return undefined;
    length = 0;
    for (let k = 0; k < count; k++) length = length * 256 + bytes[i + k];
    i += count;
    const needed = length < 0x80 ? 0 : Math.ceil(Math.log2(length + 1) / 8);
    if (count !== needed) form = { kind: 'long', extra: count - needed };
  }
  const end = i + length;
  if (end > limit) return undefined;
  if (!constructedTag) {
    return { node: { tag, contents: bytes.slice(i, end), form }, end, contentStart: i };
  }
  const children: DerNode[] = [];
  for (let at = i; at < end;) {
    const child = parseAt(bytes, at, end, depth - 1, positions);
    if (!child) return undefined;
    children.push(child.node);
    at = child.end;
  }
  return { node: { tag, children, form }, end, contentStart: i };
}

export function encodeTree(node: DerNode): Uint8Array {
  const parts: Uint8Array[] = [];
  write(node, parts);
  return Buffer.concat(parts);
}

function write(node: DerNode, out: Uint8Array[]): number {
  out.push(node.tag);
  const at = out.length;
  out.push(new Uint8Array(0)); // the length, once known
  let length = 0;
  if (node.children) {
    for (const child of node.children) length += write(child, out);
  } else {
    out.push(node.contents ?? new Uint8Array(0));
    length = node.contents?.length ?? 0;
  }
  const indefinite = node.form.kind === 'indefinite' && node.children !== undefined;
  if (indefinite) {
    out[at] = Uint8Array.of(0x80);
    out.push(Uint8Array.of(0, 0));
    length += 2;
  } else {
    out[at] = lengthOctets(length, node.form.kind === 'long' ? node.form.extra : 0);
  }
  return node.tag.length + out[at].length + length;
}

export function lengthOctets(length: number, extra = 0): Uint8Array {
  if (length < 0x80 && extra === 0) return Uint8Array.of(length);
  const octets: number[] = [];
  for (let rest = length; rest > 0; rest = Math.floor(rest / 256)) octets.unshift(rest % 256);
  for (let k = 0; k < extra; k++) octets.unshift(0);
  if (octets.length === 0) octets.push(0);
  return Uint8Array.of(0x80 | octets.length, ...octets);
}

/** Every node with the path of child indexes that leads to it, the root first. */
export function nodesOf(
  root: DerNode,
): { readonly path: readonly number[]; readonly node: DerNode }[] {
  const out: { path: number[]; node: DerNode }[] = [];
  const visit = (node: DerNode, path: number[]) => {
    out.push({ path, node });
    node.children?.forEach((child, i) => visit(child, [...path, i]));
  };
  visit(root, []);
  return out;
}

export function nodeAt(root: DerNode, path: readonly number[]): DerNode | undefined {
  let node: DerNode | undefined = root;
  for (const i of path) node = node?.children?.[i];
  return node;
}

/** A copy of `root` with the node at `path` replaced by `replace(node)` (or removed, if undefined). */
export function replaceAt(
  root: DerNode,
  path: readonly number[],
  replace: (node: DerNode) => DerNode | undefined,
): DerNode | undefined {
  if (path.length === 0) return replace(root);
  const [first, ...rest] = path;
  const children = root.children;
  const child = children?.[first];
  if (!children || !child) return root;
  const replaced = replaceAt(child, rest, replace);
  const next = [...children];
  if (replaced === undefined) next.splice(first, 1);
  else next[first] = replaced;
  return { ...root, children: next };
}
