import { createHash, createPublicKey, constants, type KeyObject, sign } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Pool } from 'pg';
import {
  AuditAppender,
  auditLeafHash,
  type AuditSequencer,
  formatCheckpoint,
  MerkleTree,
  parseAuditEntryJson,
  parseCheckpoint,
  parseSignedNote,
  type WitnessClient,
} from '@mxg/audit';
import { MxgConfigService } from '@mxg/config';
import { FixedClock } from '@mxg/core';
import {
  gatewaySubject,
  issueCertificate,
  loadCertificateAuthority,
  loadCertificatePem,
  loadPrivateKey,
  partyPkiPaths,
} from '@mxg/pki';
import {
  auditTrust,
  exportLog,
  exportWitnessed,
  mxg,
  newSequencer,
  newWitness,
  newWitnessClient,
  partyAuditKeys,
  type PartyAuditKeys,
  sequenceAtLeast,
  auditEvent,
} from './support/audit-fixtures';
import { createTestDatabase, type TestDatabase } from './support/test-database';

/**
 * Issue #10, findings 1–3: `mxg audit verify` against exports an attacker shaped — a log
 * rewritten and re-signed with keys that are not its audit key, a witness that is the log
 * itself, an export cut short, unknown signature lines, stripped cosignatures, and a key that
 * was re-issued. Each export here is made by the real exporter from a real database, then
 * altered as an attacker with the file (and, where said, with a key) could.
 */

type Line = Record<string, unknown> & { kind: string; note?: string; pem?: string };
const readLines = (file: string): Line[] =>
  readFileSync(file, 'utf8')
    .split('\n')
    .filter((l) => l.length > 0)
    .map((l) => JSON.parse(l) as Line);
const text = (line: Line) => `${JSON.stringify(line)}\n`;

/**
 * A signed-note signature line made with node:crypto alone (c2sp.org/signed-note: key ID =
 * SHA-256(SPKI)[:4]; ECDSA P-256 or RSA-PSS over SHA-256), so an attacker's note needs nothing
 * from the code under test.
 */
function signatureLine(body: string, key: KeyObject, keyName: string): string {
  const spki = createPublicKey(key).export({ type: 'spki', format: 'der' });
  const keyId = createHash('sha256').update(spki).digest().subarray(0, 4);
  const signature =
    key.asymmetricKeyType === 'ec'
      ? sign('sha256', Buffer.from(body), { key, dsaEncoding: 'der' })
      : sign('sha256', Buffer.from(body), {
          key,
          padding: constants.RSA_PKCS1_PSS_PADDING,
          saltLength: 32,
        });
  return `\u2014 ${keyName} ${Buffer.concat([keyId, signature]).toString('base64')}\n`;
}

const bodyOf = (note: string) => note.slice(0, note.lastIndexOf('\n\n') + 1);
const withSignatures = (note: string, lines: string[]) => `${bodyOf(note)}\n${lines.join('')}`;
const signatureLines = (note: string) =>
  note
    .slice(note.lastIndexOf('\n\n') + 2)
    .split('\n')
    .filter((l) => l.length > 0)
    .map((l) => `${l}\n`);

/**
 * The export's closing statement (mxg-audit-export/2), signed again by `key` after the lines
 * changed — what someone holding that key could do. Exports without one (before #10) get none.
 */
function resign(lines: Line[], key: KeyObject, keyName: string): Line[] {
  const statement = lines.find((l) => l.kind === 'statement');
  if (statement === undefined) return lines;
  const rest = lines.filter((l) => l.kind !== 'statement');
  const header = rest[0] as Line & { format: string; origin: string; exportedAt: string };
  const checkpoints = rest.filter((l) => l.kind === 'checkpoint');
  const last = checkpoints.at(-1);
  const head = last && parseCheckpoint(parseSignedNote(last.note!).body);
  const digest = createHash('sha256');
  for (const line of rest.filter((l) => l.kind !== 'entry')) digest.update(text(line));
  const body =
    `${header.format}\norigin ${header.origin}\nsize ${head?.treeSize ?? 0}\n` +
    `root ${(head?.rootHash ?? createHash('sha256').digest()).toString('base64')}\n` +
    `checkpoints ${checkpoints.length}\nexported ${header.exportedAt}\n` +
    `lines ${digest.digest('base64')}\n`;
  return [...rest, { kind: 'statement', note: `${body}\n${signatureLine(body, key, keyName)}` }];
}

/**
 * The whole log rewritten — entry seq 7's message id changed — and every checkpoint re-signed
 * by `key` under the log's name, with `certificatePem` as the log's certificate: leaves, roots
 * and consistency proofs all recomputed, so only the key can give it away.
 */
function rewriteLog(lines: Line[], key: KeyObject, certificatePem: string): Line[] {
  const tree = new MerkleTree();
  const out: Line[] = [];
  let previous: number | undefined;
  for (const line of lines) {
    if (line.kind === 'certificate') continue;
    if (line.kind === 'header') {
      out.push(line, { kind: 'certificate', keyName: 'mxg.kz/audit', pem: certificatePem });
    } else if (line.kind === 'entry') {
      const json = structuredClone(line.entry) as Record<string, unknown>;
      if (json.seq === 7) json.messageId = 'msg-rewritten';
      const leafHash = auditLeafHash(parseAuditEntryJson(json));
      tree.append(leafHash);
      out.push({ kind: 'entry', leafHash: leafHash.toString('base64'), entry: json });
    } else if (line.kind === 'checkpoint') {
      const real = parseCheckpoint(parseSignedNote(line.note!).body);
      const body = formatCheckpoint({ ...real, rootHash: tree.root() });
      out.push({
        kind: 'checkpoint',
        // Signed here as signCheckpoint would: the same note, byte for byte.
        note: `${body}\n${signatureLine(body, key, 'mxg.kz/audit')}`,
        ...(previous === undefined
          ? {}
          : {
              consistency: {
                fromSize: previous,
                proof: tree.consistencyProof(previous).map((h) => h.toString('base64')),
              },
            }),
      });
      previous = tree.size;
    } else {
      out.push(line);
    }
  }
  return resign(out, key, 'mxg.kz/audit');
}

describe('mxg audit verify against shaped exports (#10.1–#10.3; real PostgreSQL, the built CLI)', () => {
  let kzDb: TestDatabase;
  let azDb: TestDatabase;
  let kzPool: Pool;
  let azPool: Pool;
  let kz: PartyAuditKeys;
  let az: PartyAuditKeys;
  let dir: string;
  const clock = new FixedClock(new Date());
  let sequencer: AuditSequencer;
  let witnessClient: WitnessClient;
  let exportFile: string;
  let witnessedFull: string;
  let witnessedEarlier: string;
  let ca: string[];
  const certsDir = () => MxgConfigService.load().paths.certs;

  const toAz = (service: ReturnType<typeof newWitness>) => ({
    party: 'AZ',
    transport: {
      lastSeen: (o: string) => service.lastSeen(o),
      submit: (r: Parameters<typeof service.witness>[0]) => service.witness(r),
    },
  });

  beforeAll(async () => {
    [kzDb, azDb] = await Promise.all([createTestDatabase('atkkz'), createTestDatabase('atkaz')]);
    kzPool = new Pool({ connectionString: kzDb.appUrl, max: 3 });
    azPool = new Pool({ connectionString: azDb.appUrl, max: 3 });
    [kz, az] = await Promise.all([partyAuditKeys('KZ'), partyAuditKeys('AZ')]);
    ca = ['--ca', kz.caPath, az.caPath];
    dir = mkdtempSync(join(tmpdir(), 'mxg-audit-attacks-'));
    sequencer = newSequencer(kzDb.appUrl, kz, clock);
    expect(await sequencer.tryLead()).toBe(true);
    const witness = newWitness(azPool, az, auditTrust(kz, az), clock);
    witnessClient = newWitnessClient(
      kzPool,
      kz,
      () => sequencer,
      { party: 'AZ', service: witness },
      auditTrust(kz, az),
      clock,
    );
    // Checkpoints of 10, 25 and 37 entries, each countersigned by AZ; AZ's copy taken at 25
    // and at 37.
    const appender = new AuditAppender(kzPool, clock);
    let i = 0;
    witnessedEarlier = join(dir, 'az-saw-kz-25.jsonl');
    witnessedFull = join(dir, 'az-saw-kz-37.jsonl');
    for (const count of [10, 15, 12]) {
      await appender.appendMany(Array.from({ length: count }, () => auditEvent(i++)));
      await sequenceAtLeast(sequencer, count);
      const checkpoint = await sequencer.checkpoint();
      await witnessClient.submit(toAz(witness), checkpoint!);
      clock.advance(1000);
      if (i === 25) await exportWitnessed(azDb.appUrl, az, 'KZ', clock, witnessedEarlier);
    }
    exportFile = join(dir, 'kz.jsonl');
    await exportLog(kzDb.appUrl, kz, clock, exportFile);
    await exportWitnessed(azDb.appUrl, az, 'KZ', clock, witnessedFull);
  });

  afterAll(async () => {
    await sequencer?.release();
    await kzPool?.end();
    await azPool?.end();
    await Promise.all([kzDb?.drop(), azDb?.drop()]);
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  const write = (name: string, lines: Line[]): string => {
    const file = join(dir, `${name}.jsonl`);
    writeFileSync(file, lines.map(text).join(''));
    return file;
  };

  it('accepts the genuine export, with and without the witness’s copy', () => {
    const alone = mxg(['audit', 'verify', exportFile, ...ca]);
    expect(alone.stdout).toMatch(
      /^audit verify: VALID — mxg\.kz\/audit: 37 entries, 3 checkpoints \(3 cosigned by mxg\.az\/witness\)/,
    );
    expect(alone.status).toBe(0);
    expect(mxg(['audit', 'verify', exportFile, ...ca, '--witnessed', witnessedFull]).status).toBe(
      0,
    );
  });

  describe('only the party’s audit-checkpoint key signs its log', () => {
    const kzPaths = () => partyPkiPaths(certsDir(), 'KZ');
    it.each([
      ['a signatory’s key', () => kzPaths().signatory('kz-mvd-deputy-minister')],
      ['the gateway seal’s key', () => kzPaths().gateway.seal],
      ['the RSA encryption key', () => kzPaths().gateway.encryption],
    ])(
      '#10.1 finds a whole log rewritten and re-signed with %s of the party invalid',
      async (_, paths) => {
        const { certificate, privateKey } = paths();
        const pem = (await loadCertificatePem(certificate)).toString();
        const forged = write(
          'resigned',
          rewriteLog(readLines(exportFile), await loadPrivateKey(privateKey), pem),
        );
        const result = mxg(['audit', 'verify', forged, ...ca]);
        expect(result.stdout).toMatch(
          /INVALID — mxg\.kz\/audit: CHECKPOINT_SIGNATURE_INVALID: checkpoint of size 10 is not signed by an audit-checkpoint key of KZ \(mxg\.kz\/audit key [0-9a-f]{8}: certificate is not an audit-checkpoint certificate/,
        );
        expect(result.status).toBe(1);
      },
    );

    it('#10.1 finds a log re-signed with an audit key the party’s CA issued but the party did not configure invalid where keys are pinned', async () => {
      // Whoever holds KZ's CA key can mint a certificate of the right profile; pinning (the
      // configured certificates, --audit-cert, or a checkout's) and witnesses are what stop it.
      const minted = await issueCertificate({
        issuer: await loadCertificateAuthority(certsDir(), 'KZ'),
        profile: 'audit-checkpoint',
        subject: gatewaySubject('KZ', 'audit-checkpoint'),
        keyAlgorithm: 'ecdsa-p256',
        now: new Date(clock.now().getTime() - 3_600_000),
      });
      const forged = write(
        'minted',
        rewriteLog(readLines(exportFile), minted.privateKey, minted.certificatePem),
      );
      const kzCert = kzPaths().gateway.auditCheckpoint.certificate;
      const azCert = partyPkiPaths(certsDir(), 'AZ').gateway.auditCheckpoint.certificate;
      const pinned = mxg(['audit', 'verify', forged, ...ca, '--audit-cert', kzCert, azCert]);
      expect(pinned.stdout).toMatch(
        /CHECKPOINT_SIGNATURE_INVALID: checkpoint of size 10 is not signed by an audit-checkpoint key of KZ \(mxg\.kz\/audit key [0-9a-f]{8}: certificate [0-9a-f]{64} is not one of the KZ audit-checkpoint certificates configured\)/,
      );
      expect(pinned.status).toBe(1);
      // Run in the checkout without --ca, the checkout's configured certificates are the pins.
      const checkout = mxg(['audit', 'verify', forged]);
      expect(checkout.stdout).toMatch(/CHECKPOINT_SIGNATURE_INVALID: checkpoint of size 10/);
      expect(checkout.status).toBe(1);
      // Trusting any audit key of the CA, the witness KZ's gateway is configured with is what
      // is missing: it never cosigned this history.
      const unpinned = mxg(['audit', 'verify', forged, ...ca]);
      expect(unpinned.stdout).toMatch(
        /WITNESS_MISSING: mxg\.az\/witness must witness mxg\.kz\/audit/,
      );
      expect(unpinned.status).toBe(1);
    });

    it('#10.1 does not take a cosignature by the log’s own key for a witness', () => {
      // KZ, holding its own key, strips AZ's cosignatures and cosigns its checkpoints itself:
      // as `mxg.kz/witness`, and as `mxg.az/witness` with its own certificate under that name.
      const lines = readLines(exportFile).map((line): Line => {
        if (line.kind === 'certificate' && line.keyName === 'mxg.az/witness') {
          return { ...line, pem: kz.certificatePem };
        }
        if (line.kind !== 'checkpoint') return line;
        const note = line.note!;
        const own = signatureLines(note).filter((l) => l.startsWith('\u2014 mxg.kz/audit '));
        return {
          ...line,
          note: withSignatures(note, [
            ...own,
            signatureLine(bodyOf(note), kz.privateKey, 'mxg.kz/witness'),
            signatureLine(bodyOf(note), kz.privateKey, 'mxg.az/witness'),
          ]),
        };
      });
      lines.splice(1, 0, {
        kind: 'certificate',
        keyName: 'mxg.kz/witness',
        pem: kz.certificatePem,
      });
      const forged = write('self-witnessed', resign(lines, kz.privateKey, 'mxg.kz/audit'));
      const result = mxg(['audit', 'verify', forged, ...ca]);
      expect(result.stdout).toMatch(
        /INVALID — mxg\.kz\/audit: WITNESS_MISSING: mxg\.az\/witness must witness mxg\.kz\/audit but cosigned none of its 3 checkpoints/,
      );
      expect(result.stdout).not.toMatch(/cosigned by mxg\.kz\/witness/);
      expect(result.stdout).toMatch(
        /ignored: 3 signature line\(s\) by mxg\.kz\/witness key [0-9a-f]{8}: KZ's own key is not a witness of its log/,
      );
      expect(result.stdout).toMatch(
        /ignored: 3 signature line\(s\) by mxg\.az\/witness key [0-9a-f]{8}: certificate subject .* is not of AZ/,
      );
      expect(result.status).toBe(1);
    });
  });

  describe('a witnessed copy does not stand for the export’s own size', () => {
    it('#10.2 verifies a genuine export against a witnessed copy that stops before its end', () => {
      const result = mxg(['audit', 'verify', exportFile, ...ca, '--witnessed', witnessedEarlier]);
      expect(result.stdout).toMatch(
        /^audit verify: VALID — mxg\.kz\/audit: 37 entries, 3 checkpoints \(3 cosigned by mxg\.az\/witness\), 2 witnessed checkpoints matched/,
      );
      expect(result.status).toBe(0);
    });

    it('still finds an export that ends before what the witness countersigned truncated', () => {
      const lines = readLines(exportFile);
      const earlier = readLines(witnessedFull);
      // The witness's full copy against an export cut back to 25 and signed again by KZ's key.
      const cut = lines.findIndex(
        (l) => l.kind === 'checkpoint' && l.note?.startsWith('mxg.kz/audit\n25\n'),
      );
      const header = { ...lines[0], treeSize: 25, checkpoints: 2 };
      const truncated = write(
        'cut-resigned',
        resign([header, ...lines.slice(1, cut + 1), lines.at(-1)!], kz.privateKey, 'mxg.kz/audit'),
      );
      expect(earlier.length).toBeGreaterThan(0);
      const result = mxg(['audit', 'verify', truncated, ...ca, '--witnessed', witnessedFull]);
      expect(result.stdout).toMatch(
        /LOG_TRUNCATED: mxg\.az\/witness countersigned a checkpoint of size 37 .* but the export ends at 25/,
      );
      expect(result.status).toBe(1);
    });
  });

  describe('no verdict rests on unsigned data', () => {
    const cutAt25 = () => {
      const lines = readLines(exportFile);
      const cut = lines.findIndex(
        (l) => l.kind === 'checkpoint' && l.note?.startsWith('mxg.kz/audit\n25\n'),
      );
      const header = { ...lines[0], treeSize: 25, checkpoints: 2 };
      return { lines, cut, header };
    };

    it('#10.3 finds an export cut back to an earlier checkpoint, its header edited, invalid', () => {
      const { lines, cut, header } = cutAt25();
      const result = mxg([
        'audit',
        'verify',
        write('cut', [header, ...lines.slice(1, cut + 1)]),
        ...ca,
      ]);
      expect(result.stdout).toMatch(
        /INVALID — mxg\.kz\/audit: EXPORT_TRUNCATED: the file ends without the statement signed by mxg\.kz\/audit/,
      );
      expect(result.status).toBe(1);
      // Moving the statement up does not help: it signed another size, root, count and lines.
      const moved = mxg([
        'audit',
        'verify',
        write('cut-moved', [header, ...lines.slice(1, cut + 1), lines.at(-1)!]),
        ...ca,
      ]);
      expect(moved.stdout).toMatch(
        /EXPORT_STATEMENT_MISMATCH: the signed statement does not match: it covers 37 entries, the file's last checkpoint 25/,
      );
      expect(moved.status).toBe(1);
    });

    it('#10.3 ignores signature lines by unknown keys: a tampered export stays invalid (1), never could-not-check (3)', () => {
      const lines = readLines(exportFile).map((line): Line => {
        // An entry after the first checkpoints, so that their unknown lines are met first.
        if (line.kind === 'entry' && (line.entry as { seq: number }).seq === 30) {
          return { ...line, entry: { ...(line.entry as object), messageId: 'msg-forged' } };
        }
        if (line.kind !== 'checkpoint') return line;
        const unknown = `\u2014 example.org/log ${Buffer.alloc(68, 7).toString('base64')}\n`;
        const unknownKzKey = `\u2014 mxg.kz/audit ${Buffer.alloc(68, 9).toString('base64')}\n`;
        return {
          ...line,
          note: withSignatures(line.note!, [...signatureLines(line.note!), unknown, unknownKzKey]),
        };
      });
      const result = mxg(['audit', 'verify', write('unknown-lines', lines), ...ca]);
      expect(result.stdout).toMatch(/INVALID — mxg\.kz\/audit: ENTRY_ALTERED: entry seq 30/);
      expect(result.status).toBe(1);
    });

    it('#10.3 reports, and does not rely on, a signature line by a key it does not know', () => {
      // A line the exporter's own key vouched for (the statement covers it) but by a key the
      // auditor has no certificate for: ignored, as signed-note says, and named.
      const lines = readLines(exportFile).map((line): Line => {
        if (line.kind !== 'checkpoint') return line;
        const unknown = `\u2014 example.org/log ${Buffer.alloc(68, 7).toString('base64')}\n`;
        return {
          ...line,
          note: withSignatures(line.note!, [...signatureLines(line.note!), unknown]),
        };
      });
      const file = write('foreign-line', resign(lines, kz.privateKey, 'mxg.kz/audit'));
      const result = mxg(['audit', 'verify', file, ...ca]);
      expect(result.stdout).toMatch(/^audit verify: VALID/);
      expect(result.stdout).toMatch(
        /ignored: 3 signature line\(s\) by example\.org\/log key 07070707: neither this log nor a witness/,
      );
      expect(result.status).toBe(0);
    });

    it('#10.3 finds an export stripped of every cosignature invalid when the log is to be witnessed', () => {
      const stripped = readLines(exportFile).map((line): Line =>
        line.kind === 'checkpoint'
          ? {
              ...line,
              note: withSignatures(
                line.note!,
                signatureLines(line.note!).filter((l) => l.startsWith('\u2014 mxg.kz/audit ')),
              ),
            }
          : line,
      );
      // By someone with only the file: the statement no longer matches.
      const byFile = mxg(['audit', 'verify', write('stripped', stripped), ...ca]);
      expect(byFile.stdout).toMatch(/INVALID/);
      expect(byFile.status).toBe(1);
      // By the log's key holder, statement signed again: the configured witness is missing…
      const byKey = write('stripped-resigned', resign(stripped, kz.privateKey, 'mxg.kz/audit'));
      const configured = mxg(['audit', 'verify', byKey, ...ca]);
      expect(configured.stdout).toMatch(
        /WITNESS_MISSING: mxg\.az\/witness must witness mxg\.kz\/audit but cosigned none of its 3 checkpoints/,
      );
      expect(configured.status).toBe(1);
      // …whether required from the configuration or by name.
      const named = mxg(['audit', 'verify', byKey, ...ca, '--require-witness', 'mxg.az/witness']);
      expect(named.status).toBe(1);
      // Where nobody requires a witness it verifies, and says what that leaves unproven.
      const none = mxg(['audit', 'verify', byKey, ...ca, '--no-require-witness']);
      expect(none.stdout).toMatch(
        /not proven: entries seq 0–36: no witness saw them, so they rest on the log's own key alone/,
      );
      expect(none.status).toBe(0);
    });

    it('#10.3 refuses a version-1 export, which nothing shows to be whole', () => {
      const lines = readLines(exportFile).filter((l) => l.kind !== 'statement');
      lines[0] = { ...lines[0], format: 'mxg-audit-export/1' };
      const result = mxg(['audit', 'verify', write('v1', lines), ...ca]);
      expect(result.stdout).toMatch(
        /EXPORT_MALFORMED: mxg-audit-export\/1 carries no signed statement/,
      );
      expect(result.status).toBe(1);
    });
  });

  describe('a log stays verifiable after its audit key is re-issued', () => {
    let db: TestDatabase;
    let pool: Pool;
    let reissuedPem: string;
    let reissuedFile: string;
    let file: string;

    beforeAll(async () => {
      db = await createTestDatabase('atkreissue');
      pool = new Pool({ connectionString: db.appUrl, max: 2 });
      const appender = new AuditAppender(pool, clock);
      // Two checkpoints under the configured key, then one under a key re-issued by KZ's CA.
      const first = newSequencer(db.appUrl, kz, clock);
      expect(await first.tryLead()).toBe(true);
      for (const count of [4, 3]) {
        await appender.appendMany(Array.from({ length: count }, (_, k) => auditEvent(100 + k)));
        await sequenceAtLeast(first, count);
        expect(await first.checkpoint()).toBeDefined();
        clock.advance(1000);
      }
      await first.release();
      const reissued = await issueCertificate({
        issuer: await loadCertificateAuthority(certsDir(), 'KZ'),
        profile: 'audit-checkpoint',
        subject: gatewaySubject('KZ', 'audit-checkpoint'),
        keyAlgorithm: 'ecdsa-p256',
        now: new Date(clock.now().getTime() - 3_600_000),
      });
      reissuedPem = reissued.certificatePem;
      reissuedFile = join(dir, 'kz-reissued.cert.pem');
      writeFileSync(reissuedFile, reissuedPem);
      const keys: PartyAuditKeys = {
        ...kz,
        privateKey: reissued.privateKey,
        certificatePem: reissuedPem,
      };
      const second = newSequencer(db.appUrl, keys, clock);
      expect(await second.tryLead()).toBe(true);
      await appender.appendMany([auditEvent(200), auditEvent(201)]);
      await sequenceAtLeast(second, 2);
      expect(await second.checkpoint()).toBeDefined();
      await second.release();
      file = join(dir, 'kz-after-reissue.jsonl');
      await exportLog(db.appUrl, keys, clock, file);
    });

    afterAll(async () => {
      await pool?.end();
      await db?.drop();
    });

    it('#10.3 carries every audit certificate its checkpoints were signed with, and verifies', () => {
      const certificates = readLines(file).filter((l) => l.kind === 'certificate');
      expect(certificates.map((c) => c.keyName)).toEqual(['mxg.kz/audit', 'mxg.kz/audit']);
      const pems = certificates.map((c) => String(c.pem).trim()).sort();
      expect(pems).toEqual([kz.certificatePem.trim(), reissuedPem.trim()].sort());
      const result = mxg(['audit', 'verify', file, ...ca, '--no-require-witness']);
      expect(result.stdout).toMatch(
        /^audit verify: VALID — mxg\.kz\/audit: 9 entries, 3 checkpoints/,
      );
      expect(result.status).toBe(0);
      // Pinned to both the old and the re-issued certificate: valid; to the old one only, not.
      const kzCert = partyPkiPaths(certsDir(), 'KZ').gateway.auditCheckpoint.certificate;
      const both = mxg([
        'audit',
        'verify',
        file,
        ...ca,
        '--no-require-witness',
        '--audit-cert',
        kzCert,
        reissuedFile,
      ]);
      expect(both.status).toBe(0);
      const oldOnly = mxg([
        'audit',
        'verify',
        file,
        ...ca,
        '--no-require-witness',
        '--audit-cert',
        kzCert,
      ]);
      expect(oldOnly.stdout).toMatch(
        /checkpoint of size 9 is not signed by an audit-checkpoint key of KZ/,
      );
      expect(oldOnly.status).toBe(1);
    });
  });
});
