import {
  chmodSync,
  existsSync,
  linkSync,
  mkdirSync,
  readFileSync,
  unlinkSync,
  writeFileSync,
} from 'node:fs';
import { join } from 'node:path';
import type { GatewayFile } from './treaty/treaty-config.schema';

/**
 * #17: two checkouts on one machine do not share what the gateway files name on its services —
 * databases and their roles, the test roles, the parties' broker nodes and their ports. Each
 * checkout holds a slot of the machine (`npm run services` claims it, `var/checkout-slot`):
 * slot 0, the first checkout's, uses the names exactly as written; slot n ≥ 1 uses its own:
 *
 *   database `mxg_kz` → `mxg_kz_s1` (so roles `mxg_kz_s1_owner`, `mxg_kz_s1_app`), test roles
 *   `mxg_test_s1_owner`, `mxg_test_s1_app`; broker node `mxg-kz@localhost` → `mxg-kz-s1@localhost`
 *   on its AMQPS port + 100 × n (5681 → 5781), and every link and alternate to the parties'
 *   nodes likewise.
 *
 * A deployment never claims a slot (MXG_SERVICES=external skips `npm run services`), so its
 * names are always the files'. MXG_CHECKOUT_SLOT overrides the file.
 */
export const CHECKOUT_SLOT_FILE = 'checkout-slot';

/**
 * Ports of slot n are the files' + n × this: the parties' nodes (5681, 5682) and the tests'
 * cluster nodes (5791–5793) of different slots never meet.
 */
export const SLOT_PORT_STRIDE = 100;
export const MAX_CHECKOUT_SLOT = 49;

/** The slot this checkout holds (0 until `npm run services` claimed another). */
export function readCheckoutSlot(root: string, override?: number): number {
  if (override !== undefined) return override;
  const file = join(root, 'var', CHECKOUT_SLOT_FILE);
  if (!existsSync(file)) return 0;
  const slot = Number(readFileSync(file, 'utf8').trim());
  if (!Number.isInteger(slot) || slot < 0 || slot > MAX_CHECKOUT_SLOT) {
    throw new Error(
      `${file} holds no slot (0–${MAX_CHECKOUT_SLOT}): delete it and run npm run services`,
    );
  }
  return slot;
}

/** A name of slot `slot`: `mxg_kz` → `mxg_kz_s1`, `mxg-kz` → `mxg-kz-s1` (`separator`). */
export function slotName(name: string, slot: number, separator: '_' | '-'): string {
  return slot === 0 ? name : `${name}${separator}s${slot}`;
}

/** An Erlang node name of slot `slot`: `mxg-kz@localhost` → `mxg-kz-s1@localhost`. */
export function slotNodeName(node: string, slot: number): string {
  const at = node.indexOf('@');
  return at < 0
    ? slotName(node, slot, '-')
    : `${slotName(node.slice(0, at), slot, '-')}${node.slice(at)}`;
}

export function slotPort(port: number, slot: number): number {
  return port + SLOT_PORT_STRIDE * slot;
}

/**
 * The gateway file as checkout slot `slot` sees it: its database's name, and — for a party whose
 * broker is a node on this machine (`amqp.node`) — the node's name, its port and its alternates',
 * and its links' ports. Vhosts and users live inside the node, so they keep their names.
 */
export function gatewayFileOfSlot<G extends GatewayFile>(gateway: G, slot: number): G {
  if (slot === 0) return gateway;
  const { database, amqp, links } = gateway;
  const local = amqp.node !== undefined;
  const moved = <T extends { port: number }>(at: T): T => ({
    ...at,
    port: slotPort(at.port, slot),
  });
  return {
    ...gateway,
    database: { ...database, name: slotName(database.name, slot, '_') },
    amqp: local
      ? {
          ...amqp,
          node: slotNodeName(amqp.node as string, slot),
          port: slotPort(amqp.port, slot),
          alternates: amqp.alternates.map(moved),
        }
      : amqp,
    links: local
      ? links.map((link) => ({ ...moved(link), alternates: link.alternates.map(moved) }))
      : links,
  };
}

export interface SlotClaim {
  readonly slot: number;
  /** What the register said before: `new` slot, `ours` already, or `stale` (its checkout gone). */
  readonly how: 'new' | 'ours' | 'stale';
}

/**
 * Claims the lowest slot of the register that is free, already this checkout's, or held by a
 * checkout that no longer exists (its directory gone, or holding another checkout id), and
 * writes it to `<root>/var/checkout-slot`. A slot's file holds the checkout id and its root, a
 * line each; a new one is linked into place whole, so two checkouts claiming at once never get
 * the same slot.
 */
export function claimCheckoutSlot(options: {
  readonly root: string;
  readonly checkoutId: string;
  /** The machine's register (MXG_CHECKOUT_REGISTRY): a file a slot, naming who holds it. */
  readonly registry: string;
}): SlotClaim {
  const { registry } = options;
  if (!existsSync(registry)) {
    mkdirSync(registry, { recursive: true });
    chmodSync(registry, 0o1777); // every user's checkouts register here, as in /tmp
  }
  const line = `${options.checkoutId}\n${options.root}\n`;
  for (let slot = 0; slot <= MAX_CHECKOUT_SLOT; slot += 1) {
    const file = join(registry, `slot-${slot}`);
    const how = takeSlot(file, line, options);
    if (how) {
      mkdirSync(join(options.root, 'var'), { recursive: true });
      writeFileSync(join(options.root, 'var', CHECKOUT_SLOT_FILE), `${slot}\n`);
      return { slot, how };
    }
  }
  throw new Error(
    `every checkout slot (0–${MAX_CHECKOUT_SLOT}) in ${registry} is held by an existing checkout: remove a slot file of one no longer used`,
  );
}

function takeSlot(
  file: string,
  line: string,
  own: { readonly root: string; readonly checkoutId: string },
): SlotClaim['how'] | undefined {
  // Written aside, then linked into place: a slot's file never exists without its holder, and
  // the link fails if another checkout's is there already.
  const draft = `${file}.${process.pid}.${Date.now()}`;
  writeFileSync(draft, line);
  try {
    linkSync(draft, file);
    return 'new';
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
  } finally {
    unlinkSync(draft);
  }
  const [holder = '', holderRoot = ''] = readFileSync(file, 'utf8').split('\n');
  if (holder === own.checkoutId) {
    if (holderRoot !== own.root) writeFileSync(file, line); // the checkout was moved
    return 'ours';
  }
  if (holderRoot === '' || checkoutIdAt(holderRoot) === holder) return undefined;
  writeFileSync(file, line);
  return 'stale';
}

/** The id of the checkout at `root` (`var/checkout-id`), if one is there. */
export function checkoutIdAt(root: string): string | undefined {
  try {
    return readFileSync(join(root, 'var', 'checkout-id'), 'utf8').trim();
  } catch {
    return undefined;
  }
}

/** Every checkout that holds a slot of the register and still exists, with its slot. */
export function liveCheckouts(registry: string): { slot: number; root: string }[] {
  const found: { slot: number; root: string }[] = [];
  for (let slot = 0; slot <= MAX_CHECKOUT_SLOT; slot += 1) {
    let text: string;
    try {
      text = readFileSync(join(registry, `slot-${slot}`), 'utf8');
    } catch {
      continue;
    }
    const [holder = '', root = ''] = text.split('\n');
    if (checkoutIdAt(root) === holder) found.push({ slot, root });
  }
  return found;
}

/**
 * The owner and application roles of a checkout's scratch databases (tests: `mxg_test`, benches:
 * `mxg_bench`), of its slot: `mxg_test_owner`, or `mxg_test_s1_owner` at slot 1.
 */
export function scratchRoles(
  prefix: 'mxg_test' | 'mxg_bench',
  slot: number,
): { readonly owner: string; readonly app: string } {
  const base = slotName(prefix, slot, '_');
  return { owner: `${base}_owner`, app: `${base}_app` };
}
