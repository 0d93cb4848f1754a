import { generateKeyPairSync } from 'node:crypto';
import { AuditError } from '../audit-error';
import { MerkleTree } from '../merkle/merkle-tree';
import { hashLeaf } from '../merkle/rfc6962-hash';
import { formatCheckpoint, type Checkpoint } from './checkpoint';
import { signCheckpoint, verifyCheckpointSignature } from './checkpoint-signature';
import { cosignCheckpoint, type CheckpointSigner, type CheckpointVerifier } from './cosign';
import { noteSignerFromKeyObject } from './note-signer';
import { parseSignedNote } from './signed-note';

const ORIGIN = 'mxg.kz/audit';
const logKeys = generateKeyPairSync('ec', { namedCurve: 'P-256' });
const log: CheckpointVerifier = { name: ORIGIN, publicKey: logKeys.publicKey };
const logSigner: CheckpointSigner = {
  name: ORIGIN,
  signer: noteSignerFromKeyObject(logKeys.privateKey),
};
const witnessKeys = generateKeyPairSync('ec', { namedCurve: 'P-256' });
const witness: CheckpointSigner = {
  name: 'mxg.az/witness',
  signer: noteSignerFromKeyObject(witnessKeys.privateKey),
};

const entries = (count: number, fork?: number): MerkleTree =>
  MerkleTree.fromLeafHashes(
    Array.from({ length: count }, (_, i) =>
      hashLeaf(Buffer.from(i === fork ? 'rewritten' : `entry ${i}`)),
    ),
  );
const tree = entries(20);
const forked = entries(20, 3);

const at = (seconds: number): Date => new Date(Date.UTC(2025, 2, 4, 5, 6, seconds));
function checkpointOf(
  source: MerkleTree,
  size: number,
  seconds: number,
  origin = ORIGIN,
): Checkpoint {
  return { origin, treeSize: size, rootHash: source.root(size), timestamp: at(seconds) };
}
const sign = (checkpoint: Checkpoint, signer = logSigner): Promise<string> =>
  signCheckpoint(formatCheckpoint(checkpoint), signer.signer, signer.name);

async function errorOf(call: () => Promise<unknown>): Promise<AuditError> {
  try {
    await call();
  } catch (error) {
    if (error instanceof AuditError) return error;
    throw error;
  }
  throw new Error('expected an AuditError');
}

describe(cosignCheckpoint.name, () => {
  it('countersigns the first checkpoint it sees (trust on first use)', async () => {
    const next = checkpointOf(tree, 5, 1);
    const result = await cosignCheckpoint(undefined, await sign(next), [], log, witness);
    expect(result.checkpoint).toEqual(next);
    expect(verifyCheckpointSignature(result.note, log.publicKey, log.name)).toEqual(next);
    expect(verifyCheckpointSignature(result.note, witnessKeys.publicKey, witness.name)).toEqual(
      next,
    );
    expect(parseSignedNote(result.note).signatures.map((s) => s.keyName)).toEqual([
      ORIGIN,
      'mxg.az/witness',
    ]);
  });

  it('countersigns a checkpoint proven to extend the last one seen', async () => {
    const previous = checkpointOf(tree, 5, 1);
    const next = checkpointOf(tree, 12, 2);
    const result = await cosignCheckpoint(
      previous,
      await sign(next),
      tree.consistencyProof(5, 12),
      log,
      witness,
    );
    expect(result.checkpoint).toEqual(next);
    expect(verifyCheckpointSignature(result.note, witnessKeys.publicKey, witness.name)).toEqual(
      next,
    );
  });

  it('countersigns a later checkpoint of an unchanged tree', async () => {
    const result = await cosignCheckpoint(
      checkpointOf(tree, 12, 1),
      await sign(checkpointOf(tree, 12, 2)),
      [],
      log,
      witness,
    );
    expect(result.checkpoint.timestamp).toEqual(at(2));
  });

  it('countersigns growth from the empty tree', async () => {
    const result = await cosignCheckpoint(
      checkpointOf(tree, 0, 1),
      await sign(checkpointOf(tree, 7, 2)),
      [],
      log,
      witness,
    );
    expect(result.checkpoint.treeSize).toBe(7);
  });

  it.each<[string, MerkleTree, () => Buffer[]]>([
    ['a rewritten entry, with the honest proof', forked, () => tree.consistencyProof(5, 12)],
    [
      'a rewritten entry, with the forked tree’s proof',
      forked,
      () => forked.consistencyProof(5, 12),
    ],
    [
      'a tampered proof',
      tree,
      () => tree.consistencyProof(5, 12).map((h, i) => (i === 0 ? hashLeaf(h) : h)),
    ],
    ['no proof', tree, () => []],
  ])('refuses %s as an invalid proof, not as evidence of a fork', async (_, source, proof) => {
    const previous = checkpointOf(tree, 5, 1);
    const next = await sign(checkpointOf(source, 12, 2));
    const error = await errorOf(() => cosignCheckpoint(previous, next, proof(), log, witness));
    // The proof is not signed: a bad one says nothing against the log (tlog-witness: 422).
    expect(error.code).toBe('AUDIT_CONSISTENCY_PROOF_INVALID');
    expect(error.details).toMatchObject({
      reason: 'consistency-proof-invalid',
      previousSize: 5,
      size: 12,
    });
  });

  it('refuses another root for the same size as a fork: both notes signed by the log', async () => {
    const error = await errorOf(async () =>
      cosignCheckpoint(
        checkpointOf(tree, 12, 1),
        await sign(checkpointOf(forked, 12, 2)),
        [],
        log,
        witness,
      ),
    );
    expect(error).toMatchObject({
      code: 'AUDIT_CHECKPOINT_INCONSISTENT',
      details: { reason: 'fork' },
    });
  });

  it('refuses a tree that shrank as stale (a replay proves nothing), whatever proof comes with it', async () => {
    const error = await errorOf(async () =>
      cosignCheckpoint(
        checkpointOf(tree, 12, 1),
        await sign(checkpointOf(tree, 5, 2)),
        tree.consistencyProof(5, 12),
        log,
        witness,
      ),
    );
    expect(error).toMatchObject({
      code: 'AUDIT_CHECKPOINT_STALE',
      details: { reason: 'tree-shrank', lastSeen: 12 },
    });
  });

  it('refuses a checkpoint older than the last one seen', async () => {
    const error = await errorOf(async () =>
      cosignCheckpoint(
        checkpointOf(tree, 5, 2),
        await sign(checkpointOf(tree, 12, 1)),
        tree.consistencyProof(5, 12),
        log,
        witness,
      ),
    );
    expect(error).toMatchObject({
      code: 'AUDIT_CHECKPOINT_TIME_INVALID',
      details: { reason: 'time-went-backwards' },
    });
  });

  it('refuses a checkpoint the log did not sign', async () => {
    const impostor = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const note = await sign(checkpointOf(tree, 5, 1), {
      name: ORIGIN,
      signer: noteSignerFromKeyObject(impostor.privateKey),
    });
    expect((await errorOf(() => cosignCheckpoint(undefined, note, [], log, witness))).code).toBe(
      'AUDIT_CHECKPOINT_SIGNATURE_INVALID',
    );
  });

  it('refuses a checkpoint whose origin is not the log’s', async () => {
    const other = await sign(checkpointOf(tree, 5, 1, 'mxg.az/audit'));
    expect(await errorOf(() => cosignCheckpoint(undefined, other, [], log, witness))).toMatchObject(
      {
        code: 'AUDIT_CHECKPOINT_ORIGIN_MISMATCH',
        details: { expected: ORIGIN, actual: 'mxg.az/audit' },
      },
    );
    const previous = checkpointOf(tree, 5, 1, 'mxg.az/audit');
    const next = await sign(checkpointOf(tree, 12, 2));
    expect(
      (
        await errorOf(() =>
          cosignCheckpoint(previous, next, tree.consistencyProof(5, 12), log, witness),
        )
      ).code,
    ).toBe('AUDIT_CHECKPOINT_ORIGIN_MISMATCH');
  });

  it('refuses to countersign twice', async () => {
    const { note } = await cosignCheckpoint(
      undefined,
      await sign(checkpointOf(tree, 5, 1)),
      [],
      log,
      witness,
    );
    expect((await errorOf(() => cosignCheckpoint(undefined, note, [], log, witness))).code).toBe(
      'AUDIT_CHECKPOINT_ALREADY_SIGNED',
    );
  });
});
