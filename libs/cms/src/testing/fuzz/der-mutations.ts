import fc from 'fast-check';
import {
  constructed,
  encodeTree,
  isConstructed,
  lengthOctets,
  nodesOf,
  parseTree,
  primitive,
  replaceAt,
  type DerNode,
  type Position,
} from './der-tree';

/**
 * One structure-aware mutation, as plain numbers so that both fast-check (which shrinks them)
 * and the coverage-guided loop (which draws them from its own generator) can make it.
 * `at` picks a node (or a byte), `arg` a variant, `bytes` supplies new octets.
 */
export interface Mutation {
  readonly op: number;
  readonly at: number;
  readonly arg: number;
  readonly bytes: Uint8Array;
}

/**
 * Octets that matter to the parsers under test: time syntax (RFC 5652 §11.3 and what asn1js
 * reads besides), OID arc continuation and padding, length-form and tag octets, UTF-8 edges.
 */
const TOKENS: readonly Uint8Array[] = [
  // `|`-separated so that a space can be one of them
  ...'Z|.|,|e9|e999|+0100|-0500|00|99|60|13|31|29|0229|1950|2049|2050|9999| |\u00ff|{|"|\\u0000'
    .split('|')
    .map((t): Uint8Array => Buffer.from(t, 'latin1')),
  ...[[0x80], [0x81, 0x00], [0xff], [0x00], [0x00, 0x00], [0x84, 0xff, 0xff, 0xff, 0xff]]
    .concat([
      [0x89, 0x01, 0, 0, 0, 0, 0, 0, 0, 0],
      [0x1f, 0x81, 0x00],
      [0xc0, 0xaf],
    ])
    .concat([
      [0xed, 0xa0, 0x80],
      [0xef, 0xbb, 0xbf],
    ])
    .map((octets) => Uint8Array.from(octets)),
];

/** Tags worth trying: universal types the decoders know, their constructed forms, [0]–[3]. */
const TAGS = [
  0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x0c, 0x13, 0x16, 0x17, 0x18, 0x1e, 0x24, 0x2c, 0x30, 0x31,
  0x80, 0x81, 0x82, 0xa0, 0xa1, 0xa2, 0xa3, 0x1f, 0x3f, 0x00,
];

type Op = (bytes: Uint8Array, m: Mutation, donors: readonly Uint8Array[]) => Uint8Array;

const OPS: readonly Op[] = [
  contentsMutation,
  contentsMutation, // most findings live in a field's contents: weighted twice
  tagMutation,
  dropMutation,
  duplicateMutation,
  graftMutation,
  lengthFormMutation,
  segmentMutation,
  nestMutation,
  byteMutation,
  truncateMutation,
  lengthLieMutation,
];

/**
 * `input` changed by `mutations` in turn. Where the input is not BER at all, structural
 * mutations fall back to byte-level ones. `donors` lend subtrees (another artefact's
 * certificate, attribute, algorithm) to graft in.
 */
export function mutate(
  input: Uint8Array,
  mutations: readonly Mutation[],
  donors: readonly Uint8Array[] = [],
): Uint8Array {
  let bytes = input;
  for (const m of mutations) bytes = OPS[m.op % OPS.length](bytes, m, donors);
  return bytes;
}

/** Applies `change` to the node `m.at` picks, through the tree; byte-level if there is none. */
function onNode(
  bytes: Uint8Array,
  m: Mutation,
  change: (node: DerNode) => DerNode | undefined,
  filter: (node: DerNode) => boolean = () => true,
): Uint8Array {
  const root = parseTree(bytes);
  const candidates = root ? nodesOf(root).filter((n) => filter(n.node)) : [];
  if (!root || candidates.length === 0) return byteMutation(bytes, m);
  const { path } = candidates[m.at % candidates.length];
  const changed = replaceAt(root, path, change);
  return changed ? encodeTree(changed) : new Uint8Array(0);
}

function contentsMutation(bytes: Uint8Array, m: Mutation): Uint8Array {
  return onNode(
    bytes,
    m,
    (node) => ({ ...node, contents: editBytes(node.contents!, m) }),
    (node) => !isConstructed(node),
  );
}

/** A byte-level edit of `data`: the `arg` picks which, `bytes` and TOKENS supply octets. */
function editBytes(data: Uint8Array, m: Mutation): Uint8Array {
  const at = data.length === 0 ? 0 : Math.floor(m.at / 7) % (data.length + 1);
  const token = TOKENS[m.arg % TOKENS.length];
  const insert = m.bytes.length > 0 ? m.bytes : token;
  const buffer = Buffer.from(data);
  switch ((m.arg >> 5) % 7) {
    case 0: // overwrite
      return Buffer.concat([buffer.subarray(0, at), insert, buffer.subarray(at + insert.length)]);
    case 1: // insert a token
      return Buffer.concat([buffer.subarray(0, at), token, buffer.subarray(at)]);
    case 2: // delete a run
      return Buffer.concat([buffer.subarray(0, at), buffer.subarray(at + 1 + (m.arg % 4))]);
    case 3: // flip a bit
      if (at < buffer.length) buffer[at] ^= 1 << (m.arg % 8);
      return buffer;
    case 4: // an ASCII digit changed: the shape of times, the value of small numbers
      if (at < buffer.length) buffer[at] = 0x30 + (m.arg % 10);
      return buffer;
    case 5: // contents replaced wholesale
      return Buffer.from(insert);
    default: // a prefix kept
      return buffer.subarray(0, at);
  }
}

function tagMutation(bytes: Uint8Array, m: Mutation): Uint8Array {
  return onNode(bytes, m, (node) => {
    const tag = TAGS[m.arg % TAGS.length];
    if ((tag & 0x1f) === 0x1f) {
      // a high tag number (X.690 §8.1.2.4), which the strict reader must decline
      return { ...node, tag: Uint8Array.of(tag, 0x80 | (m.arg % 3), 0x01) };
    }
    // keep the constructed bit consistent with what the node holds, or not, as `arg` says
    const keep = (m.arg >> 6) % 4 !== 0;
    const constructedBit = isConstructed(node) ? 0x20 : 0;
    return { ...node, tag: Uint8Array.of(keep ? (tag & ~0x20) | constructedBit : tag) };
  });
}

function dropMutation(bytes: Uint8Array, m: Mutation): Uint8Array {
  const root = parseTree(bytes);
  if (!root) return truncateMutation(bytes, m);
  const candidates = nodesOf(root).filter((n) => n.path.length > 0);
  if (candidates.length === 0) return bytes;
  return encodeTree(replaceAt(root, candidates[m.at % candidates.length].path, () => undefined)!);
}

function duplicateMutation(bytes: Uint8Array, m: Mutation): Uint8Array {
  return onNode(
    bytes,
    m,
    (node) => {
      const children = [...node.children!];
      const i = m.arg % children.length;
      children.splice(i, 0, children[i]);
      return { ...node, children };
    },
    (node) => (node.children?.length ?? 0) > 0,
  );
}

/** A node replaced by one from a donor artefact or by a freshly generated small element. */
function graftMutation(bytes: Uint8Array, m: Mutation, donors: readonly Uint8Array[]): Uint8Array {
  const donorTree = donors.length > 0 ? parseTree(donors[m.arg % donors.length]) : undefined;
  const donorNodes = donorTree ? nodesOf(donorTree) : [];
  const graft =
    donorNodes.length > 0
      ? donorNodes[(m.arg >> 3) % donorNodes.length].node
      : primitive(TAGS[m.arg % TAGS.length] & ~0x20, m.bytes);
  return onNode(bytes, m, () => graft);
}

function lengthFormMutation(bytes: Uint8Array, m: Mutation): Uint8Array {
  return onNode(bytes, m, (node) =>
    isConstructed(node) && m.arg % 2 === 0
      ? { ...node, form: { kind: 'indefinite' } }
      : { ...node, form: { kind: 'long', extra: 1 + (m.arg % 3) } },
  );
}

/** A primitive string split into a constructed one of segments (BER, X.690 §8.7.3). */
function segmentMutation(bytes: Uint8Array, m: Mutation): Uint8Array {
  return onNode(
    bytes,
    m,
    (node) => {
      const contents = node.contents!;
      const size = 1 + (m.arg % Math.max(1, contents.length));
      const segments: DerNode[] = [];
      for (let i = 0; i < contents.length; i += size) {
        segments.push(primitive(node.tag[0], contents.subarray(i, i + size)));
      }
      return { ...constructed(node.tag[0] | 0x20, segments), form: node.form };
    },
    (node) =>
      !isConstructed(node) && node.tag.length === 1 && [0x04, 0x0c, 0x80].includes(node.tag[0]),
  );
}

/** A node wrapped in up to a few thousand SEQUENCEs: deep nesting for the recursive parsers. */
function nestMutation(bytes: Uint8Array, m: Mutation): Uint8Array {
  const depth = [2, 16, 200, 3000][m.arg % 4];
  return onNode(bytes, m, (node) => {
    let wrapped = node;
    for (let i = 0; i < depth; i++) {
      wrapped = {
        ...constructed(0x30, [wrapped]),
        form: m.arg % 8 === 3 ? { kind: 'indefinite' } : wrapped.form,
      };
    }
    return wrapped;
  });
}

function contentsLength(node: DerNode, lengthFieldSize: number): number {
  return node.contents?.length ?? encodeTree(node).length - node.tag.length - lengthFieldSize;
}

function byteMutation(bytes: Uint8Array, m: Mutation): Uint8Array {
  return editBytes(bytes, m);
}

function truncateMutation(bytes: Uint8Array, m: Mutation): Uint8Array {
  return bytes.subarray(0, m.at % (bytes.length + 1));
}

/** A length octet group replaced by a wrong one: too long, too short, huge, too many octets. */
function lengthLieMutation(bytes: Uint8Array, m: Mutation): Uint8Array {
  const positions = new Map<DerNode, Position>();
  const root = parseTree(bytes, 64, positions);
  if (!root) return byteMutation(bytes, m);
  const candidates = nodesOf(root);
  const { node } = candidates[m.at % candidates.length];
  const { lengthAt, contentStart } = positions.get(node)!;
  const lengths = [
    Uint8Array.of(0x84, 0xff, 0xff, 0xff, 0xff),
    Uint8Array.of(0x88, 0, 0, 0, 0, 0, 0, 0, 1),
    Uint8Array.of(0x80),
    Uint8Array.of(0x00),
    Uint8Array.of(0x7f),
    // off by a little: one or two octets more or fewer than the contents have
    lengthOctets(Math.max(0, contentsLength(node, contentStart - lengthAt) + (m.arg % 5) - 2)),
  ];
  const lie = lengths[m.arg % lengths.length];
  return Buffer.concat([bytes.subarray(0, lengthAt), lie, bytes.subarray(contentStart)]);
}

/** fast-check's view of one mutation; shrinking moves towards op 0 and small numbers. */
export const mutationArbitrary: fc.Arbitrary<Mutation> = fc.record({
  op: fc.nat(OPS.length * 4),
  at: fc.nat(),
  arg: fc.nat(),
  bytes: fc.oneof(
    { weight: 3, arbitrary: fc.constant(new Uint8Array(0)) },
    { weight: 1, arbitrary: fc.uint8Array({ maxLength: 12 }) },
  ),
});

/** Inputs made from `seeds`: one of them, mutated one to four times. */
export function mutatedArbitrary(seeds: readonly Uint8Array[]): fc.Arbitrary<Uint8Array> {
  return fc
    .tuple(fc.nat(seeds.length - 1), fc.array(mutationArbitrary, { minLength: 1, maxLength: 4 }))
    .map(([seed, mutations]) => mutate(seeds[seed], mutations, seeds));
}
