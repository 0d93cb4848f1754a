import { readFile } from 'node:fs/promises';
import { z } from 'zod';
import { PkiError } from './pki-error';
import { replaceFile } from './pem-files';

export type RevocationReason =
  'keyCompromise' | 'superseded' | 'cessationOfOperation' | 'unspecified';

const issuedSchema = z.object({
  serial: z.string().regex(/^[0-9A-F]+$/),
  profile: z.string(),
  subject: z.string(),
  notBefore: z.iso.datetime(),
  notAfter: z.iso.datetime(),
});

const revokedSchema = z.object({
  serial: z.string().regex(/^[0-9A-F]+$/),
  revokedAt: z.iso.datetime(),
  reason: z.enum(['keyCompromise', 'superseded', 'cessationOfOperation', 'unspecified']),
});

const caDatabaseSchema = z.object({
  format: z.literal('mxg-pki-ca-db/1'),
  /** The cRLNumber of the newest CRL; each re-issue takes the next one (RFC 5280 §5.2.3). */
  crlNumber: z.number().int().nonnegative(),
  issued: z.array(issuedSchema),
  revoked: z.array(revokedSchema),
});

/**
 * What a CA has issued and revoked: the source CRLs are rebuilt from, like OpenSSL's index.txt.
 * Holds no secrets.
 */
export type CaDatabase = z.infer<typeof caDatabaseSchema>;
export type IssuedEntry = z.infer<typeof issuedSchema>;
export type RevokedEntry = z.infer<typeof revokedSchema>;

export function emptyCaDatabase(): CaDatabase {
  return { format: 'mxg-pki-ca-db/1', crlNumber: 0, issued: [], revoked: [] };
}

export async function readCaDatabase(path: string): Promise<CaDatabase> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    throw new PkiError('PKI_LAYOUT_INCONSISTENT', `CA database ${path} is unreadable`, {
      path,
      cause: String(error),
    });
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new PkiError('PKI_DB_CORRUPT', `CA database ${path} is not JSON`, { path });
  }
  const parsed = caDatabaseSchema.safeParse(json);
  if (!parsed.success) {
    throw new PkiError('PKI_DB_CORRUPT', `CA database ${path} has an unexpected shape`, {
      path,
      issues: parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`),
    });
  }
  return parsed.data;
}

/** Stable formatting, so an unchanged database is byte-identical when compared. */
function serializeCaDatabase(db: CaDatabase): string {
  return `${JSON.stringify(db, null, 2)}\n`;
}

export async function writeCaDatabase(path: string, db: CaDatabase): Promise<void> {
  await replaceFile(path, serializeCaDatabase(db));
}
