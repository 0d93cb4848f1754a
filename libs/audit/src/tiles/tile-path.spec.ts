import { AuditError, AuditErrorCode } from '../audit-error';
import { encodeTileIndex, parseTilePath, tilePath } from './tile-path';

describe('tlog-tiles paths', () => {
  it.each([
    [0, '000'],
    [67, '067'],
    [999, '999'],
    [1000, 'x001/000'],
    [1234067, 'x001/x234/067'],
    [Number.MAX_SAFE_INTEGER, 'x009/x007/x199/x254/x740/991'],
  ])('encodes index %d as %s (c2sp.org/tlog-tiles)', (index, encoded) => {
    expect(encodeTileIndex(index)).toBe(encoded);
  });

  it('writes the spec’s own examples', () => {
    expect(tilePath(0, 1234067, 8)).toBe('tile/0/x001/x234/067.p/8');
    expect(tilePath(1, 1234067)).toBe('tile/1/x001/x234/067');
    expect(tilePath('entries', 1234067, 8)).toBe('tile/entries/x001/x234/067.p/8');
  });

  it.each([
    ['tile/0/x001/x234/067.p/8', { kind: 'hashes', level: 0, index: 1234067, width: 8 }],
    ['tile/2/000', { kind: 'hashes', level: 2, index: 0, width: 256 }],
    ['tile/entries/x001/000', { kind: 'entries', index: 1000, width: 256 }],
    ['tile/entries/005.p/255', { kind: 'entries', index: 5, width: 255 }],
  ])('parses %s', (path, address) => {
    expect(parseTilePath(path)).toEqual(address);
  });

  it('parses what it writes, for every width and a spread of indexes', () => {
    for (const index of [0, 1, 999, 1000, 65_535, 1_000_000, 123_456_789_012]) {
      for (const width of [1, 2, 128, 255, 256]) {
        expect(parseTilePath(tilePath(3, index, width))).toEqual({
          kind: 'hashes',
          level: 3,
          index,
          width,
        });
      }
    }
  });

  // One path per tile: anything else could split caches or name a tile twice.
  it.each([
    'tile/0/67',
    'tile/0/0067',
    'tile/0/x000/067',
    'tile/0/001/067',
    'tile/0/x001',
    'tile/0/067.p/0',
    'tile/0/067.p/256',
    'tile/0/067.p/08',
    'tile/0/067.p',
    'tile/0/067.p/',
    'tile/00/067',
    'tile/64/067',
    'tile/-1/067',
    'tile/data/067',
    'tile/0',
    'tiles/0/067',
    'tile/0/x001/x002/x003/x004/x005/x006/x007/008',
    'tile/0/x009/x999/x999/x999/x999/x999/999',
  ])('refuses %s with AUDIT_TILE_PATH_INVALID', (path) => {
    let error: unknown;
    try {
      parseTilePath(path);
    } catch (thrown) {
      error = thrown;
    }
    expect(error).toBeInstanceOf(AuditError);
    expect((error as AuditError).code).toBe(AuditErrorCode.TilePathInvalid);
  });

  it('refuses to write a tile that cannot exist', () => {
    expect(() => tilePath(0, -1)).toThrow(RangeError);
    expect(() => tilePath(0, 1.5)).toThrow(RangeError);
    expect(() => tilePath(0, 0, 0)).toThrow(RangeError);
    expect(() => tilePath(0, 0, 257)).toThrow(RangeError);
    expect(() => tilePath(64, 0)).toThrow(RangeError);
  });
});
