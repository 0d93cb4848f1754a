import { X509Certificate } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, isAbsolute, join } from 'node:path';
import { parse } from 'yaml';
import { z } from 'zod';
import { MxgError } from '@mxg/core';
import type { SignatoryDirectory, SignatoryEntry } from '@mxg/envelope';

const day = z.iso.date();

/** signatories.yaml: each entry's certificates as paths, authorised from validFrom to validTo. */
const configShape = z.object({
  signatories: z.array(
    z.object({
      id: z.string().min(1),
      authority: z.string().min(1),
      certificate: z.string().min(1).optional(),
      certificates: z.array(z.string().min(1)).optional(),
      validFrom: day.nullish(),
      validTo: day.nullish(),
    }),
  ),
});

/** The body of a signatory-list-update (MIG-9.4): one authority's whole list from a date. */
const updateShape = z.object({
  authority: z.string().min(1),
  effectiveFrom: day,
  version: z.number().int(),
  signatories: z.array(
    z.object({ id: z.string().min(1), certificates: z.array(z.string().min(1)).min(1) }),
  ),
});

interface Listed extends SignatoryEntry {
  readonly from: string | null;
  readonly to: string | null;
}

/**
 * A signatory list given to `mxg verify --signatories <file>`, to check a signature outside a
 * gateway checkout: the YAML/JSON shape of `signatories.yaml` (certificate paths relative to the
 * file, then to `certsDir`), or a `signatory-list-update` — its body, or the message holding it
 * (certificates inline, authorised from its effectiveFrom). Days are UTC days: the authority's
 * time zone is configuration this file does not carry.
 */
export class SignatoryListFile implements SignatoryDirectory {
  private constructor(
    private readonly entries: readonly Listed[],
    readonly description: string,
  ) {}

  static read(path: string, certsDir?: string): SignatoryListFile {
    let data: unknown;
    try {
      data = parse(readFileSync(path, 'utf8'));
    } catch (error) {
      throw new MxgError(
        'INPUT_UNREADABLE',
        `cannot read the signatory list ${path}: ${error instanceof Error ? error.message : String(error)}`,
      );
    }
    const body = (data as { body?: unknown } | null)?.body ?? data;
    const update = updateShape.safeParse(body);
    if (update.success) {
      const list = update.data;
      return new SignatoryListFile(
        list.signatories.map((s) => ({
          id: s.id,
          authority: list.authority,
          certificates: s.certificates.map((b64) => certificate(Buffer.from(b64, 'base64'), path)),
          from: list.effectiveFrom,
          to: null,
        })),
        `${path}: ${list.authority}'s list version ${list.version}, in force from ${list.effectiveFrom}`,
      );
    }
    const config = configShape.safeParse(data);
    if (config.success) {
      const resolve = (p: string) => {
        if (isAbsolute(p)) return p;
        const beside = join(dirname(path), p);
        return existsSync(beside) || !certsDir ? beside : join(certsDir, p);
      };
      return new SignatoryListFile(
        config.data.signatories.map((s) => ({
          id: s.id,
          authority: s.authority,
          certificates: [...(s.certificates ?? []), ...(s.certificate ? [s.certificate] : [])].map(
            (p) => certificate(readFileOrFail(resolve(p)), p),
          ),
          from: s.validFrom ?? null,
          to: s.validTo ?? null,
        })),
        `${path}: ${config.data.signatories.length} signatories`,
      );
    }
    throw new MxgError(
      'INPUT_UNREADABLE',
      `${path} is neither a signatories.yaml list nor a signatory-list-update (body or message)`,
    );
  }

  /** Every authority the file lists. */
  authorities(): readonly string[] {
    return [...new Set(this.entries.map((e) => e.authority))];
  }

  /** The authority whose list registers `certificate`, if any. */
  authorityOf(certificate: X509Certificate): string | undefined {
    return this.entries.find((e) => e.certificates.some((c) => c.raw.equals(certificate.raw)))
      ?.authority;
  }

  known(authority: string): readonly SignatoryEntry[] {
    return this.entries.filter((e) => e.authority === authority);
  }

  isAuthorised(
    signatoryId: string,
    authority: string,
    at: Date,
    certificate: X509Certificate,
  ): boolean {
    const date = at.toISOString().slice(0, 10);
    return this.entries.some(
      (e) =>
        e.id === signatoryId &&
        e.authority === authority &&
        (e.from === null || e.from <= date) &&
        (e.to === null || date <= e.to) &&
        e.certificates.some((c) => c.raw.equals(certificate.raw)),
    );
  }
}

function readFileOrFail(path: string): Buffer {
  try {
    return readFileSync(path);
  } catch {
    throw new MxgError('INPUT_UNREADABLE', `cannot read the signatory certificate ${path}`);
  }
}

function certificate(bytes: Buffer, where: string): X509Certificate {
  try {
    return new X509Certificate(bytes);
  } catch {
    throw new MxgError('INPUT_UNREADABLE', `a certificate in ${where} is not an X.509 certificate`);
  }
}
