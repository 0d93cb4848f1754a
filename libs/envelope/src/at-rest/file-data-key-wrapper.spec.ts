import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createStorageKek, partyPkiPaths } from '@mxg/pki';
import { FileDataKeyWrapper, fileKekId } from './file-data-key-wrapper';
import { openMessageContent, sealMessageContent } from './message-content-sealing';

describe(`${FileDataKeyWrapper.name} (MIG-11.4: RFC 5649 key wrap under the file KEK)`, () => {
  let certsDir: string;

  beforeEach(async () => {
    certsDir = await mkdtemp(join(tmpdir(), 'mxg-kek-'));
  });

  afterEach(async () => {
    await rm(certsDir, { recursive: true, force: true });
  });

  const withKek = async (party = 'KZ') => {
    const path = partyPkiPaths(certsDir, party).gateway.storageKek;
    await createStorageKek(path);
    return { path, wrapper: await FileDataKeyWrapper.load(certsDir, party) };
  };

  it('wraps and unwraps a data key; the wrapped key is not the key', async () => {
    const { wrapper } = await withKek();
    const dataKey = randomBytes(32);
    const wrapped = await wrapper.wrap(dataKey);
    expect(wrapped.kek).toBe(wrapper.kek);
    expect(wrapped.wrapped.length).toBe(40);
    expect(wrapped.wrapped.includes(dataKey)).toBe(false);
    expect(await wrapper.unwrap(wrapped)).toEqual(dataKey);
  });

  it('names its KEK by a digest, never by the key, and keeps the KEK file 0600', async () => {
    const { path, wrapper } = await withKek();
    const kek = Buffer.from((await readFile(path, 'utf8')).trim(), 'hex');
    expect(kek.length).toBe(32);
    expect(wrapper.kek).toBe(fileKekId(kek));
    expect(wrapper.kek).toMatch(/^file:[0-9a-f]{32}$/);
    expect(wrapper.kek.includes(kek.toString('hex').slice(0, 16))).toBe(false);
    expect(JSON.stringify(wrapper)).not.toContain(kek.toString('hex'));
    expect((await stat(path)).mode & 0o777).toBe(0o600);
  });

  it('refuses a data key wrapped under an unknown KEK id: KEK_UNKNOWN', async () => {
    const { wrapper } = await withKek();
    const wrapped = await wrapper.wrap(randomBytes(32));
    await expect(
      wrapper.unwrap({ ...wrapped, kek: 'file:00000000000000000000000000000000' }),
    ).rejects.toThrow('KEK_UNKNOWN');
  });

  it("refuses another party's wrapped key (another KEK): KEK_UNKNOWN", async () => {
    const kz = (await withKek('KZ')).wrapper;
    const az = (await withKek('AZ')).wrapper;
    expect(az.kek).not.toBe(kz.kek);
    await expect(az.unwrap(await kz.wrap(randomBytes(32)))).rejects.toThrow('KEK_UNKNOWN');
  });

  it('refuses an altered wrapped key: DATA_KEY_UNWRAP_FAILED', async () => {
    const { wrapper } = await withKek();
    const wrapped = await wrapper.wrap(randomBytes(32));
    wrapped.wrapped[5] ^= 0x80;
    await expect(wrapper.unwrap(wrapped)).rejects.toThrow('DATA_KEY_UNWRAP_FAILED');
  });

  it('does not load without a KEK file: KEK_NOT_AVAILABLE, naming the file and the fix', async () => {
    const path = partyPkiPaths(certsDir, 'KZ').gateway.storageKek;
    const loading = FileDataKeyWrapper.load(certsDir, 'KZ');
    await expect(loading).rejects.toThrow('KEK_NOT_AVAILABLE');
    await expect(loading).rejects.toThrow(path);
    await expect(loading).rejects.toThrow('mxg pki init');
  });

  it('seals a message under a fresh data key each time, and opens it again', async () => {
    const { wrapper } = await withKek();
    const id = randomUUID();
    const columns = { content: Buffer.from('{"body":"Zzyzx"}'), signed: Buffer.from([0x30, 1, 2]) };
    const a = await sealMessageContent(wrapper, id, columns);
    const b = await sealMessageContent(wrapper, id, columns);
    expect(a.key.wrapped.equals(b.key.wrapped)).toBe(false);
    expect(a.content.includes(Buffer.from('Zzyzx'))).toBe(false);
    expect(await openMessageContent(wrapper, id, a, a.key)).toEqual(columns);
    // b's columns under a's key: each message's key opens only its own content.
    await expect(openMessageContent(wrapper, id, b, a.key)).rejects.toThrow(
      'CONTENT_AUTHENTICATION_FAILED',
    );
  });
});
