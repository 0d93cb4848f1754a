import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  claimCheckoutSlot,
  gatewayFileOfSlot,
  liveCheckouts,
  MAX_CHECKOUT_SLOT,
  readCheckoutSlot,
  scratchRoles,
} from './checkout-slot';
import { gatewayFileSchema } from './treaty/treaty-config.schema';

const run = promisify(execFile);

const sovereign = gatewayFileSchema.parse({
  party: 'KZ',
  http: { host: '127.0.0.1', port: 3101 },
  database: { name: 'mxg_kz', tls: { ca: 'certs/services/ca.cert.pem' } },
  amqp: {
    host: 'localhost',
    port: 5681,
    vhost: 'mxg-kz',
    user: 'mxg-kz',
    tls: true,
    node: 'mxg-kz@localhost',
    alternates: [{ host: 'localhost', port: 5691 }],
  },
  links: [
    {
      party: 'AZ',
      host: 'localhost',
      port: 5682,
      vhost: 'mxg-az',
      alternates: [{ host: 'localhost', port: 5692 }],
    },
  ],
  witnesses: [{ party: 'AZ', url: 'https://127.0.0.1:3102' }],
});

describe('#17 checkout slots: two checkouts on one machine name different services', () => {
  describe(gatewayFileOfSlot.name, () => {
    it('slot 0 is the file as written', () => {
      expect(gatewayFileOfSlot(sovereign, 0)).toBe(sovereign);
    });

    it("slot 2 has its own database, node and ports; vhosts, users, HTTP and witnesses are the file's", () => {
      const slotted = gatewayFileOfSlot(sovereign, 2);
      expect(slotted.database).toEqual({
        ...sovereign.database,
        name: 'mxg_kz_s2',
      });
      expect(slotted.amqp).toEqual({
        ...sovereign.amqp,
        node: 'mxg-kz-s2@localhost',
        port: 5881,
        alternates: [{ host: 'localhost', port: 5891 }],
      });
      expect(slotted.links).toEqual([
        { ...sovereign.links[0], port: 5882, alternates: [{ host: 'localhost', port: 5892 }] },
      ]);
      expect([slotted.http, slotted.witnesses]).toEqual([sovereign.http, sovereign.witnesses]);
    });

    it("keeps a broker that is not a node of this machine (no amqp.node): a deployment's", () => {
      const remote = { ...sovereign, amqp: { ...sovereign.amqp, node: undefined } };
      const slotted = gatewayFileOfSlot(remote, 1);
      expect(slotted.amqp).toEqual(remote.amqp);
      expect(slotted.links).toEqual(remote.links);
      expect(slotted.database.name).toBe('mxg_kz_s1');
    });
  });

  it('names the scratch roles of tests and benches by slot', () => {
    expect(scratchRoles('mxg_test', 0)).toEqual({ owner: 'mxg_test_owner', app: 'mxg_test_app' });
    expect(scratchRoles('mxg_bench', 3)).toEqual({
      owner: 'mxg_bench_s3_owner',
      app: 'mxg_bench_s3_app',
    });
  });

  describe(claimCheckoutSlot.name, () => {
    let work: string;
    let registry: string;
    /** A checkout directory holding `var/checkout-id`. */
    const checkout = (name: string, id: string) => {
      const root = join(work, name);
      mkdirSync(join(root, 'var'), { recursive: true });
      writeFileSync(join(root, 'var', 'checkout-id'), id);
      return { root, checkoutId: id, registry };
    };

    beforeEach(() => {
      work = mkdtempSync(join(tmpdir(), 'mxg-slots-'));
      registry = join(work, 'registry');
    });
    afterEach(() => rmSync(work, { recursive: true, force: true }));

    it('gives the first checkout slot 0 and the next slot 1, each the same slot again, and writes var/checkout-slot', () => {
      const a = checkout('a', 'aaaa');
      const b = checkout('b', 'bbbb');
      expect(claimCheckoutSlot(a)).toEqual({ slot: 0, how: 'new' });
      expect(claimCheckoutSlot(b)).toEqual({ slot: 1, how: 'new' });
      expect(claimCheckoutSlot(a)).toEqual({ slot: 0, how: 'ours' });
      expect(claimCheckoutSlot(b)).toEqual({ slot: 1, how: 'ours' });
      expect(readCheckoutSlot(b.root)).toBe(1);
      expect(readFileSync(join(b.root, 'var', 'checkout-slot'), 'utf8')).toBe('1\n');
      expect(liveCheckouts(registry)).toEqual([
        { slot: 0, root: a.root },
        { slot: 1, root: b.root },
      ]);
    });

    it('takes over the slot of a checkout that is gone, or whose directory now holds another checkout', () => {
      const a = checkout('a', 'aaaa');
      const b = checkout('b', 'bbbb');
      claimCheckoutSlot(a);
      claimCheckoutSlot(b);
      rmSync(a.root, { recursive: true });
      const c = checkout('c', 'cccc');
      expect(claimCheckoutSlot(c)).toEqual({ slot: 0, how: 'stale' });
      // b's directory re-cloned: a new checkout id there, so b's slot is free.
      rmSync(b.root, { recursive: true });
      const again = checkout('b', 'b2b2');
      expect(claimCheckoutSlot(again)).toEqual({ slot: 1, how: 'stale' });
      expect(liveCheckouts(registry).map((l) => l.root)).toEqual([c.root, again.root]);
    });

    it('keeps the slot of a checkout that was moved, and records where it is now', () => {
      const a = checkout('a', 'aaaa');
      claimCheckoutSlot(checkout('other', 'oooo'));
      expect(claimCheckoutSlot(a)).toEqual({ slot: 1, how: 'new' });
      const moved = join(work, 'moved');
      renameSync(a.root, moved);
      expect(claimCheckoutSlot({ ...a, root: moved })).toEqual({ slot: 1, how: 'ours' });
      expect(liveCheckouts(registry)).toContainEqual({ slot: 1, root: moved });
    });

    it('gives checkouts claiming at the same moment, in processes of their own, a slot each', async () => {
      // The compiled module (npm test builds first), as `mxg services claim-slot` runs it.
      const compiled = join(__dirname, '../../../dist/libs/config/src/checkout-slot.js');
      const claims = await Promise.all(
        Array.from({ length: 8 }, (_, i) => {
          const own = checkout(`p${i}`, `pid${i}`);
          const script = `const { claimCheckoutSlot } = require(${JSON.stringify(compiled)});
            process.stdout.write(String(claimCheckoutSlot(${JSON.stringify(own)}).slot));`;
          return run(process.execPath, ['-e', script]).then(({ stdout }) => stdout);
        }),
      );
      expect(claims.map(Number).sort((a, b) => a - b)).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
      expect(liveCheckouts(registry)).toHaveLength(8);
    });

    it('stops, naming the register, when every slot is held by a checkout that exists', () => {
      for (let slot = 0; slot <= MAX_CHECKOUT_SLOT; slot += 1) {
        claimCheckoutSlot(checkout(`c${slot}`, `id${slot}`));
      }
      expect(() => claimCheckoutSlot(checkout('late', 'late'))).toThrow(
        `every checkout slot (0–${MAX_CHECKOUT_SLOT}) in ${registry} is held by an existing checkout`,
      );
    });
  });

  describe(readCheckoutSlot.name, () => {
    it('is 0 without var/checkout-slot, the override when given, and refuses a file that holds no slot', () => {
      const root = mkdtempSync(join(tmpdir(), 'mxg-slot-'));
      try {
        expect(readCheckoutSlot(root)).toBe(0);
        expect(readCheckoutSlot(root, 4)).toBe(4);
        mkdirSync(join(root, 'var'));
        writeFileSync(join(root, 'var', 'checkout-slot'), 'seven\n');
        expect(() => readCheckoutSlot(root)).toThrow(/holds no slot \(0–49\)/);
      } finally {
        rmSync(root, { recursive: true, force: true });
      }
    });
  });
});
