import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Pool } from 'pg';
import {
  AuditAppender,
  type AuditSequencer,
  signCheckpoint,
  noteSignerFromKeyObject,
} from '@mxg/audit';
import { FixedClock } from '@mxg/core';
import {
  exportLog,
  exportWitnessed,
  mxg,
  newSequencer,
  newWitness,
  auditTrust,
  newWitnessClient,
  partyAuditKeys,
  type PartyAuditKeys,
  sequenceAtLeast,
} from './support/audit-fixtures';
import { createTestDatabase, type TestDatabase } from './support/test-database';

/**
 * Regression: when two gateways witness each other, a peer's single audit-checkpoint certificate
 * is stored once (by SHA-256) under whichever name it was first seen as — `mxg.az/audit` when our
 * witness countersigned AZ's log, `mxg.az/witness` when AZ countersigned ours — and exports wrote
 * it under that first name, so `mxg audit verify` found no certificate for the other role and
 * could not check a perfectly good log (exit 3).
 */
describe('mutual witnessing: exports name each certificate by the role it signed in (real PostgreSQL)', () => {
  let kzDb: TestDatabase;
  let azDb: TestDatabase;
  let kzPool: Pool;
  let azPool: Pool;
  let kz: PartyAuditKeys;
  let az: PartyAuditKeys;
  let kzSequencer: AuditSequencer;
  let azSequencer: AuditSequencer;
  let dir: string;
  let kzWitness: ReturnType<typeof newWitness>;
  const clock = new FixedClock(new Date());

  beforeAll(async () => {
    [kzDb, azDb] = await Promise.all([
      createTestDatabase('mutualkz'),
      createTestDatabase('mutualaz'),
    ]);
    kzPool = new Pool({ connectionString: kzDb.appUrl, max: 2 });
    azPool = new Pool({ connectionString: azDb.appUrl, max: 2 });
    [kz, az] = await Promise.all([partyAuditKeys('KZ'), partyAuditKeys('AZ')]);
    dir = mkdtempSync(join(tmpdir(), 'mxg-audit-mutual-'));
    const cas = auditTrust(kz, az);
    kzSequencer = newSequencer(kzDb.appUrl, kz, clock);
    azSequencer = newSequencer(azDb.appUrl, az, clock);
    expect(await kzSequencer.tryLead()).toBe(true);
    expect(await azSequencer.tryLead()).toBe(true);
    kzWitness = newWitness(kzPool, kz, cas, clock);
    const azWitness = newWitness(azPool, az, cas, clock);

    /** One entry in `log`, sequenced, checkpointed and countersigned by the peer's witness. */
    const round = async (
      pool: Pool,
      keys: PartyAuditKeys,
      sequencer: AuditSequencer,
      witness: { party: string; service: typeof kzWitness },
    ) => {
      await new AuditAppender(pool, clock).append({
        type: 'config.changed',
        parties: [keys.party],
      });
      await sequenceAtLeast(sequencer, 1);
      const checkpoint = await sequencer.checkpoint();
      if (checkpoint === undefined) throw new Error('nothing to checkpoint');
      const client = newWitnessClient(pool, keys, () => sequencer, witness, cas, clock);
      await client.submit(
        {
          party: witness.party,
          transport: {
            lastSeen: (origin) => witness.service.lastSeen(origin),
            submit: (request) => witness.service.witness(request),
          },
        },
        checkpoint,
      );
      clock.advance(1000);
    };
    // AZ's log first: KZ's database then knows AZ's certificate as `mxg.az/audit`, and AZ's
    // knows KZ's as `mxg.kz/witness` — each the other role's name from what follows.
    await round(azPool, az, azSequencer, { party: 'KZ', service: kzWitness });
    await round(kzPool, kz, kzSequencer, { party: 'AZ', service: azWitness });
    await round(kzPool, kz, kzSequencer, { party: 'AZ', service: azWitness });
  });

  afterAll(async () => {
    await kzSequencer?.release();
    await azSequencer?.release();
    await kzPool?.end();
    await azPool?.end();
    await Promise.all([kzDb?.drop(), azDb?.drop()]);
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it("verifies KZ's export, cosigned by AZ, against AZ's witnessed copy", async () => {
    const exported = join(dir, 'kz.jsonl');
    const witnessed = join(dir, 'az-saw-kz.jsonl');
    await exportWitnessed(azDb.appUrl, az, 'KZ', clock, witnessed);
    await exportLog(kzDb.appUrl, kz, clock, exported);

    const result = mxg([
      'audit',
      'verify',
      exported,
      '--ca',
      kz.caPath,
      az.caPath,
      '--witnessed',
      witnessed,
    ]);
    expect(`${result.stdout}${result.stderr}`).toMatch(
      /VALID — mxg\.kz\/audit: 2 entries, 2 checkpoints \(2 cosigned by mxg\.az\/witness\), 2 witnessed checkpoints matched/,
    );
    expect(result.status).toBe(0);
  });

  it('#10.1 keeps no cosignature made with the log’s own key, and takes its own party for no witness', async () => {
    const trust = auditTrust(kz, az);
    // A gateway configured to be its own witness does not start its witness client.
    expect(() =>
      newWitnessClient(
        kzPool,
        kz,
        () => kzSequencer,
        { party: 'KZ', service: kzWitness },
        trust,
        clock,
      ),
    ).toThrow(
      /AUDIT_CHECKPOINT_ORIGIN_MISMATCH: mxg\.kz\/audit cannot be witnessed by its own party KZ/,
    );

    await new AuditAppender(kzPool, clock).append({ type: 'config.changed', parties: ['KZ'] });
    await sequenceAtLeast(kzSequencer, 1);
    const checkpoint = await kzSequencer.checkpoint();
    const stored = async () =>
      (await kzPool.query(`SELECT count(*)::int AS n FROM audit_witness_signatures`)).rows[0]
        .n as number;
    const before = await stored();
    // A "witness" that answers with KZ's own key cosigning as AZ, offering KZ's certificate.
    const selfCosigned = {
      lastSeen: () => Promise.resolve(undefined),
      submit: async (r: { note: string }) => ({
        note: await signCheckpoint(
          r.note,
          noteSignerFromKeyObject(kz.privateKey),
          'mxg.az/witness',
        ),
        certificate: kz.certificatePem,
      }),
    };
    for (const pinned of [trust, { trustedCas: trust.trustedCas }]) {
      const client = newWitnessClient(
        kzPool,
        kz,
        () => kzSequencer,
        { party: 'AZ', service: kzWitness },
        pinned,
        clock,
      );
      await expect(
        client.submit({ party: 'AZ', transport: selfCosigned }, checkpoint!),
      ).rejects.toMatchObject({
        code: expect.stringMatching(/^AUDIT_(CERTIFICATE_UNTRUSTED|CHECKPOINT_SIGNATURE_INVALID)$/),
      });
    }
    expect(await stored()).toBe(before);
  });
});
