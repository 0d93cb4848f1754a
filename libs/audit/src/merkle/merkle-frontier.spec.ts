import { MerkleFrontier } from './merkle-frontier';
import { MerkleTree } from './merkle-tree';
import { hashLeaf } from './rfc6962-hash';
import { LEAF_INPUTS, ROOTS } from './rfc6962.test-vectors';

describe(MerkleFrontier.name, () => {
  it('has the reference root at every size 0..8', () => {
    const frontier = new MerkleFrontier();
    const roots = [frontier.root()];
    for (const input of LEAF_INPUTS) {
      frontier.append(hashLeaf(input));
      roots.push(frontier.root());
    }
    expect(roots).toEqual(ROOTS);
  });

  it('agrees with the tree at every size up to 300', () => {
    const frontier = new MerkleFrontier();
    const tree = new MerkleTree();
    for (let i = 0; i < 300; i++) {
      const leaf = hashLeaf(Buffer.from(`entry ${i}`));
      frontier.append(leaf);
      tree.append(leaf);
      expect(frontier.size).toBe(tree.size);
      expect(frontier.root()).toEqual(tree.root());
    }
  });

  it('is not affected by later changes to an appended buffer', () => {
    const frontier = new MerkleFrontier();
    const leaf = hashLeaf(Buffer.from('x'));
    frontier.append(leaf);
    const root = frontier.root();
    leaf.fill(0);
    frontier.root().fill(0);
    expect(frontier.root()).toEqual(root);
  });

  it('rejects leaf hashes that are not 32 bytes', () => {
    expect(() => new MerkleFrontier().append(Buffer.alloc(33))).toThrow(RangeError);
  });
});
