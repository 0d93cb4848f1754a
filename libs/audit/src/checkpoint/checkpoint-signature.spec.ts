import {
  createHash,
  createSecretKey,
  generateKeyPairSync,
  sign,
  verify,
  type KeyObject,
  type X509Certificate,
} from 'node:crypto';
import { formatCheckpoint, type Checkpoint } from './checkpoint';
import { checkpointKeyId, signCheckpoint, verifyCheckpointSignature } from './checkpoint-signature';
import { noteSignerFromKey, noteSignerFromKeyObject, type NoteSigner } from './note-signer';
import { formatSignedNote, parseSignedNote } from './signed-note';
import { asyncCodeOf, codeOf } from '../testing/audit-error-code';

const ec = generateKeyPairSync('ec', { namedCurve: 'P-256' });
const otherEc = generateKeyPairSync('ec', { namedCurve: 'P-256' });
const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 });
const rsaPss = generateKeyPairSync('rsa-pss', { modulusLength: 2048, hashAlgorithm: 'sha256' });

const checkpoint: Checkpoint = {
  origin: 'mxg.kz/audit',
  treeSize: 42,
  rootHash: createHash('sha256').update('root').digest(),
  timestamp: new Date('2025-03-04T05:06:07.089Z'),
};
const body = formatCheckpoint(checkpoint);
const signer = (key: KeyObject): NoteSigner => noteSignerFromKeyObject(key);

describe(checkpointKeyId.name, () => {
  it('is the first 4 bytes of SHA-256 over the SPKI DER, whichever half of the pair', () => {
    const spki = ec.publicKey.export({ type: 'spki', format: 'der' });
    const expected = createHash('sha256').update(spki).digest().subarray(0, 4).toString('hex');
    expect(checkpointKeyId(ec.publicKey)).toBe(expected);
    expect(checkpointKeyId(ec.privateKey)).toBe(expected);
    expect(checkpointKeyId(otherEc.publicKey)).not.toBe(expected);
  });
});

describe(signCheckpoint.name, () => {
  it('appends one signature line by the named key over the exact note text', async () => {
    const note = await signCheckpoint(body, signer(ec.privateKey), 'mxg.kz/audit');
    const { body: signedBody, signatures } = parseSignedNote(note);
    expect(signedBody).toBe(body);
    expect(signatures).toHaveLength(1);
    expect(signatures[0]).toMatchObject({
      keyName: 'mxg.kz/audit',
      keyId: checkpointKeyId(ec.publicKey),
    });
    // Plain ECDSA P-256 / SHA-256 with a DER signature, so any verifier can check it.
    expect(verify('sha256', Buffer.from(body), ec.publicKey, signatures[0].signature)).toBe(true);
  });

  it('adds further signatures to an already signed note', async () => {
    const once = await signCheckpoint(body, signer(ec.privateKey), 'mxg.kz/audit');
    const twice = await signCheckpoint(once, signer(otherEc.privateKey), 'mxg.az/witness');
    expect(twice.startsWith(once)).toBe(true);
    expect(parseSignedNote(twice).signatures.map((s) => s.keyName)).toEqual([
      'mxg.kz/audit',
      'mxg.az/witness',
    ]);
  });

  it('refuses to sign twice with the same key', async () => {
    const once = await signCheckpoint(body, signer(ec.privateKey), 'mxg.kz/audit');
    expect(
      await asyncCodeOf(() => signCheckpoint(once, signer(ec.privateKey), 'mxg.kz/audit')),
    ).toBe('AUDIT_CHECKPOINT_ALREADY_SIGNED');
  });

  it.each([
    ['a non-canonical checkpoint', body.replace('\n42\n', '\n042\n'), 'mxg.kz/audit'],
    ['arbitrary text', 'hello\n', 'mxg.kz/audit'],
    ['an empty key name', body, ''],
    ['a key name with a space', body, 'mxg kz'],
  ])('refuses %s', async (_, text, keyName) => {
    expect(await asyncCodeOf(() => signCheckpoint(text, signer(ec.privateKey), keyName))).toBe(
      'AUDIT_CHECKPOINT_MALFORMED',
    );
  });

  it.each<[string, KeyObject]>([
    ['a public key', ec.publicKey],
    ['a secret key', createSecretKey(Buffer.alloc(32))],
    ['an Ed25519 key', generateKeyPairSync('ed25519').privateKey],
    ['a P-384 key', generateKeyPairSync('ec', { namedCurve: 'P-384' }).privateKey],
    ['a 1024-bit RSA key', generateKeyPairSync('rsa', { modulusLength: 1024 }).privateKey],
    [
      'an RSA-PSS key bound to SHA-512',
      generateKeyPairSync('rsa-pss', { modulusLength: 2048, hashAlgorithm: 'sha512' }).privateKey,
    ],
  ])('refuses %s', async (_, key) => {
    expect(await asyncCodeOf(async () => signCheckpoint(body, signer(key), 'mxg.kz/audit'))).toBe(
      'AUDIT_CHECKPOINT_KEY_UNSUPPORTED',
    );
  });

  it('signs through a key store’s operation, asking it for the one scheme notes use', async () => {
    const asked: string[] = [];
    const key = {
      certificate: { publicKey: ec.publicKey } as X509Certificate,
      sign: (data: Uint8Array, scheme: 'ecdsa-sha256' | 'rsa-pss-sha256') => {
        asked.push(scheme);
        return Promise.resolve(sign('sha256', data, { key: ec.privateKey, dsaEncoding: 'der' }));
      },
    };

    const note = await signCheckpoint(body, noteSignerFromKey(key), 'mxg.kz/audit');

    expect(asked).toEqual(['ecdsa-sha256']);
    expect(verifyCheckpointSignature(note, ec.publicKey, 'mxg.kz/audit')).toEqual(checkpoint);
  });
});

describe(verifyCheckpointSignature.name, () => {
  it.each([
    ['ECDSA P-256', ec],
    ['RSA-PSS with an RSA key', rsa],
    ['RSA-PSS with an RSA-PSS key', rsaPss],
  ])('returns the checkpoint signed with %s', async (_, keys) => {
    const note = await signCheckpoint(body, signer(keys.privateKey), 'mxg.kz/audit');
    expect(verifyCheckpointSignature(note, keys.publicKey, 'mxg.kz/audit')).toEqual(checkpoint);
  });

  it('accepts the private key in place of the public one', async () => {
    const note = await signCheckpoint(body, signer(ec.privateKey), 'mxg.kz/audit');
    expect(verifyCheckpointSignature(note, ec.privateKey, 'mxg.kz/audit')).toEqual(checkpoint);
  });

  it('checks each signer of a cosigned note independently and ignores the others', async () => {
    const foreign = `\u2014 example.com/other ${Buffer.alloc(68, 1).toString('base64')}\n`;
    const note = await signCheckpoint(
      (await signCheckpoint(body, signer(ec.privateKey), 'mxg.kz/audit')) + foreign,
      signer(otherEc.privateKey),
      'mxg.az/witness',
    );
    expect(verifyCheckpointSignature(note, ec.publicKey, 'mxg.kz/audit')).toEqual(checkpoint);
    expect(verifyCheckpointSignature(note, otherEc.publicKey, 'mxg.az/witness')).toEqual(
      checkpoint,
    );
  });

  let signature: ReturnType<typeof parseSignedNote>['signatures'][number];
  let otherSignature: Buffer;
  let byOtherKey: string;
  beforeAll(async () => {
    [signature] = parseSignedNote(
      await signCheckpoint(body, signer(ec.privateKey), 'mxg.kz/audit'),
    ).signatures;
    byOtherKey = await signCheckpoint(body, signer(otherEc.privateKey), 'mxg.kz/audit');
    otherSignature = parseSignedNote(byOtherKey).signatures[0].signature;
  });
  const forge = (change: {
    body?: string;
    signature?: Buffer;
    keyName?: string;
    keyId?: string;
  }): string =>
    formatSignedNote({ body: change.body ?? body, signatures: [{ ...signature, ...change }] });

  it.each<[string, () => string]>([
    [
      'a flipped signature bit',
      () =>
        forge({
          signature: Buffer.from(signature.signature.map((b, i) => (i === 10 ? b ^ 1 : b))),
        }),
    ],
    ['garbage instead of a DER signature', () => forge({ signature: Buffer.alloc(70, 0x30) })],
    [
      'a larger tree size under the old signature',
      () => forge({ body: body.replace('\n42\n', '\n43\n') }),
    ],
    [
      'another root under the old signature',
      () => forge({ body: formatCheckpoint({ ...checkpoint, rootHash: Buffer.alloc(32) }) }),
    ],
    [
      'a later time under the old signature',
      () => forge({ body: body.replace('05:06:07.089', '05:06:08.089') }),
    ],
    ['another key’s signature claiming this key ID', () => forge({ signature: otherSignature })],
    ['only a signature by another key of the same name', () => byOtherKey],
    ['only a signature by this key under another name', () => forge({ keyName: 'mxg.az/witness' })],
  ])('rejects %s', (_, note) => {
    expect(codeOf(() => verifyCheckpointSignature(note(), ec.publicKey, 'mxg.kz/audit'))).toBe(
      'AUDIT_CHECKPOINT_SIGNATURE_INVALID',
    );
  });

  it('rejects an RSA signature made without PSS', () => {
    const sig = sign('sha256', Buffer.from(body), rsa.privateKey); // PKCS #1 v1.5 padding
    const note = formatSignedNote({
      body,
      signatures: [
        { keyName: 'mxg.kz/audit', keyId: checkpointKeyId(rsa.publicKey), signature: sig },
      ],
    });
    expect(codeOf(() => verifyCheckpointSignature(note, rsa.publicKey, 'mxg.kz/audit'))).toBe(
      'AUDIT_CHECKPOINT_SIGNATURE_INVALID',
    );
  });

  it('reports malformed notes as such', () => {
    expect(codeOf(() => verifyCheckpointSignature(body, ec.publicKey, 'mxg.kz/audit'))).toBe(
      'AUDIT_CHECKPOINT_MALFORMED',
    );
  });
});
