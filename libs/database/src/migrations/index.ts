import { ConfigSnapshots1763769600000 } from './1763769600000-config-snapshots';

/** Every migration, in order. Listed by hand: globs break once the code is compiled. */
export const MIGRATIONS = [ConfigSnapshots1763769600000];
