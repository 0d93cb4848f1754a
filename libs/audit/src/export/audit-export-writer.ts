import { createHash } from 'node:crypto';
import { once } from 'node:events';
import type { Writable } from 'node:stream';
import { parseCheckpoint } from '../checkpoint/checkpoint';
import type { NoteSigner } from '../checkpoint/note-signer';
import { parseSignedNote } from '../checkpoint/signed-note';
import { emptyRootHash } from '../merkle/rfc6962-hash';
import type { ExportHeaderLine, ExportLine } from './audit-export-format';
import { signExportStatement } from './export-statement';

/** The key that signs an export's statement: the log's (its origin), or a witness's. */
export interface ExportSigner {
  readonly name: string;
  readonly signer: NoteSigner;
}

export interface AuditExportSummary {
  readonly treeSize: number;
  readonly checkpoints: number;
}

/**
 * Writes an export (audit-export-format.ts) line by line and ends it with the signed statement,
 * keeping the digest and counts the statement binds as it goes. The one writer of the format:
 * `writeAuditExport`, `writeWitnessedExport` and the audit bench all go through it.
 */
export class AuditExportWriter {
  private readonly digest = createHash('sha256');
  private buffer = '';
  private checkpointCount = 0;
  private latest: { treeSize: number; rootHash: Buffer } | undefined;

  private constructor(
    private readonly out: Writable,
    private readonly header: Omit<ExportHeaderLine, 'kind'>,
  ) {}

  /** Writes the header; `treeSize` and `checkpoints` must be what the export then holds. */
  static async open(
    out: Writable,
    header: Omit<ExportHeaderLine, 'kind'>,
  ): Promise<AuditExportWriter> {
    const writer = new AuditExportWriter(out, header);
    await writer.write({ kind: 'header', ...header }, true);
    return writer;
  }

  certificate(keyName: string, pem: string): Promise<void> {
    return this.write({ kind: 'certificate', keyName, pem }, true);
  }

  entry(leafHash: Buffer, entry: Record<string, unknown>): Promise<void> {
    return this.write({ kind: 'entry', leafHash: leafHash.toString('base64'), entry }, false);
  }

  checkpoint(note: string, consistency?: { fromSize: number; proof: Buffer[] }): Promise<void> {
    const { treeSize, rootHash } = parseCheckpoint(parseSignedNote(note).body);
    this.latest = { treeSize, rootHash };
    this.checkpointCount++;
    return this.write(
      {
        kind: 'checkpoint',
        note,
        ...(consistency === undefined
          ? {}
          : {
              consistency: {
                fromSize: consistency.fromSize,
                proof: consistency.proof.map((h) => h.toString('base64')),
              },
            }),
      },
      true,
    );
  }

  /** Signs and writes the statement, and closes the stream. */
  async end(signer: ExportSigner): Promise<AuditExportSummary> {
    const treeSize = this.latest?.treeSize ?? 0;
    const { header } = this;
    if (header.treeSize !== treeSize || header.checkpoints !== this.checkpointCount) {
      throw new Error(
        `export header announced ${header.treeSize} entries and ${header.checkpoints} checkpoints, wrote ${treeSize} and ${this.checkpointCount}`,
      );
    }
    const note = await signExportStatement(
      {
        format: header.format,
        origin: header.origin,
        treeSize,
        rootHash: this.latest?.rootHash ?? emptyRootHash(),
        checkpoints: this.checkpointCount,
        exportedAt: new Date(header.exportedAt),
        linesDigest: this.digest.digest(),
      },
      signer.signer,
      signer.name,
    );
    await this.write({ kind: 'statement', note }, false);
    await this.flush();
    this.out.end();
    if (!this.out.writableFinished) await once(this.out, 'finish');
    return { treeSize, checkpoints: this.checkpointCount };
  }

  /** Buffers lines into large writes and honours back-pressure. */
  private async write(line: ExportLine, signed: boolean): Promise<void> {
    const text = `${JSON.stringify(line)}\n`;
    if (signed) this.digest.update(text, 'utf8');
    this.buffer += text;
    if (this.buffer.length >= 1 << 20) await this.flush();
  }

  private async flush(): Promise<void> {
    if (this.buffer.length === 0) return;
    const chunk = this.buffer;
    this.buffer = '';
    if (!this.out.write(chunk)) await once(this.out, 'drain');
  }
}
