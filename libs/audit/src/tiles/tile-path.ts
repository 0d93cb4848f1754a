import { AuditError, AuditErrorCode } from '../audit-error';

/**
 * Paths of the C2SP tlog-tiles layout (c2sp.org/tlog-tiles): `tile/<L>/<N>[.p/<W>]` for tiles
 * of hashes and `tile/entries/<N>[.p/<W>]` for entry bundles. A tile holds 256 hashes of tree
 * level 8·L (an entry bundle 256 entries); a partial tile, only the rightmost one of its level,
 * holds its first W < 256.
 */
export const TILE_WIDTH = 256;
/** Binary tree levels per tile level: a tile is a subtree of height 8. */
export const TILE_HEIGHT = 8;
/** tlog-tiles allows levels 0–63; a log of 2^53 entries never needs more than 7. */
const MAX_LEVEL = 63;

export type TileAddress =
  | {
      readonly kind: 'hashes';
      readonly level: number;
      readonly index: number;
      readonly width: number;
    }
  | { readonly kind: 'entries'; readonly index: number; readonly width: number };

/** `<N>`: groups of three zero-padded digits, every group but the last prefixed with `x`. */
export function encodeTileIndex(index: number): string {
  checkIndex(index);
  const groups: string[] = [];
  let rest = index;
  do {
    groups.unshift(String(rest % 1000).padStart(3, '0'));
    rest = Math.floor(rest / 1000);
  } while (rest > 0);
  return groups.map((g, i) => (i < groups.length - 1 ? `x${g}` : g)).join('/');
}

/** The path of a tile of hashes, or (level `entries`) of an entry bundle; width 256 is full. */
export function tilePath(level: number | 'entries', index: number, width = TILE_WIDTH): string {
  if (level !== 'entries' && !(Number.isInteger(level) && level >= 0 && level <= MAX_LEVEL)) {
    throw new RangeError(`tile level ${level} is outside [0, ${MAX_LEVEL}]`);
  }
  if (!Number.isInteger(width) || width < 1 || width > TILE_WIDTH) {
    throw new RangeError(`tile width ${width} is outside [1, ${TILE_WIDTH}]`);
  }
  const partial = width < TILE_WIDTH ? `.p/${width}` : '';
  return `tile/${level}/${encodeTileIndex(index)}${partial}`;
}

/**
 * Parses a path below the log's prefix (`tile/0/x001/234.p/7`); strict, so that each tile has
 * exactly one path (no `0067`, no `x000` lead group, no `.p/256`) and caches cannot be split.
 */
export function parseTilePath(path: string): TileAddress {
  const bad = (why: string): never => {
    throw new AuditError(AuditErrorCode.TilePathInvalid, `not a tlog-tiles path: ${why}`);
  };
  const parts = path.split('/');
  if (parts[0] !== 'tile' || parts.length < 3) bad('expected tile/<L>/<N>[.p/<W>]');
  const levelPart = parts[1];
  let width = TILE_WIDTH;
  let groups = parts.slice(2);
  const last = groups[groups.length - 1];
  if (last.endsWith('.p')) bad('a partial tile names its width: <N>.p/<W>');
  if (groups.length >= 2 && groups[groups.length - 2].endsWith('.p')) {
    const w = groups[groups.length - 1];
    if (!/^[1-9][0-9]{0,2}$/.test(w) || Number(w) >= TILE_WIDTH) {
      bad(`partial width ${JSON.stringify(w)} is not 1–255`);
    }
    width = Number(w);
    groups = groups.slice(0, -1);
    groups[groups.length - 1] = groups[groups.length - 1].slice(0, -'.p'.length);
  }
  if (groups.length > 7) bad('tile index too large');
  let index = 0;
  groups.forEach((group, i) => {
    const lastGroup = i === groups.length - 1;
    const match = (lastGroup ? /^([0-9]{3})$/ : /^x([0-9]{3})$/).exec(group);
    if (match === null) bad(`index group ${JSON.stringify(group)}`);
    if (i === 0 && groups.length > 1 && match![1] === '000') bad('index has a leading zero group');
    index = index * 1000 + Number(match![1]);
  });
  if (!Number.isSafeInteger(index)) bad('tile index too large');
  if (levelPart === 'entries') return { kind: 'entries', index, width };
  if (!/^(0|[1-9][0-9]?)$/.test(levelPart) || Number(levelPart) > MAX_LEVEL) {
    bad(`level ${JSON.stringify(levelPart)} is not 0–${MAX_LEVEL}`);
  }
  return { kind: 'hashes', level: Number(levelPart), index, width };
}

function checkIndex(index: number): void {
  if (!Number.isSafeInteger(index) || index < 0) {
    throw new RangeError(`tile index ${index} is not a non-negative safe integer`);
  }
}
