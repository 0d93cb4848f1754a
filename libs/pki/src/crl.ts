import * as asn1js from 'asn1js';
import { readFile } from 'node:fs/promises';
import { CaDatabase, RevocationReason, RevokedEntry, writeCaDatabase } from './ca-database';
import type { CertificateAuthority } from './issue-certificate';
import { toWebCryptoSigner } from './key-pair';
import { fileExists, replaceFile } from './pem-files';
import { PkiError } from './pki-error';
import type { PartyPkiPaths } from './pki-layout';
import { x509 } from './x509-provider';
import { addDays, wholeSeconds } from './x509-time';

export const CRL_VALIDITY_DAYS = 30;
/**
 * `mxg pki init` re-issues a CRL with fewer days than this left before its nextUpdate: relying
 * parties fetch it again at 80 % of its life (the last 6 of its 30 days), so a CA that runs
 * `init` regularly always has a fresh one for them to find.
 */
export const CRL_RENEW_BEFORE_DAYS = 7;
const CRL_NUMBER_OID = '2.5.29.20';

/*
 * 'unspecified' is left out of the entry rather than encoded as reasonCode 0, as RFC 5280
 * §5.3.1 asks; X509CrlGenerator already drops a zero reason. Every entry carries an
 * invalidityDate (RFC 5280 §5.3.2) — the revocation time — because X509CrlGenerator writes an
 * entry without extensions as an empty SEQUENCE, which is not DER and which strict parsers
 * (pkijs, hence @mxg/cms) reject.
 */
const REASON_CODE: Record<RevocationReason, x509.X509CrlReason> = {
  unspecified: x509.X509CrlReason.unspecified,
  keyCompromise: x509.X509CrlReason.keyCompromise,
  superseded: x509.X509CrlReason.superseded,
  cessationOfOperation: x509.X509CrlReason.cessationOfOperation,
};

/** A v2 CRL listing every revoked entry, valid for 30 days from `now`, signed by the CA. */
export async function issueCrl(options: {
  ca: CertificateAuthority;
  revoked: readonly RevokedEntry[];
  crlNumber: number;
  now: Date;
}): Promise<string> {
  const caCertificate = new x509.X509Certificate(options.ca.certificate.raw);
  const keyId = caCertificate.getExtension(x509.SubjectKeyIdentifierExtension)?.keyId;
  if (keyId === undefined) {
    throw new PkiError('PKI_INVALID_REQUEST', 'CA certificate has no subject key identifier');
  }
  const thisUpdate = wholeSeconds(options.now);
  const nextUpdate = addDays(thisUpdate, CRL_VALIDITY_DAYS);
  const signer = await toWebCryptoSigner(options.ca.privateKey);
  const crl = await x509.X509CrlGenerator.create({
    issuer: caCertificate.subjectName,
    thisUpdate,
    nextUpdate,
    signingKey: signer.key,
    signingAlgorithm: signer.algorithm,
    extensions: [
      new x509.AuthorityKeyIdentifierExtension(keyId),
      new x509.Extension(CRL_NUMBER_OID, false, crlNumberValue(options.crlNumber)),
    ],
    entries: options.revoked.map((entry) => ({
      serialNumber: entry.serial,
      revocationDate: new Date(entry.revokedAt),
      reason: REASON_CODE[entry.reason],
      invalidity: new Date(entry.revokedAt),
    })),
  });
  return crlToPem(crl.rawData);
}

/** RFC 7468 'X509 CRL', the label OpenSSL reads; @peculiar/x509 writes a plain 'CRL'. */
function crlToPem(der: ArrayBuffer): string {
  const lines =
    Buffer.from(new Uint8Array(der))
      .toString('base64')
      .match(/.{1,64}/g) ?? [];
  return ['-----BEGIN X509 CRL-----', ...lines, '-----END X509 CRL-----', ''].join('\n');
}

function crlNumberValue(crlNumber: number): ArrayBuffer {
  return new asn1js.Integer({ value: crlNumber }).toBER(false);
}

/** Serials (upper-case hex) listed in a PEM CRL. */
export function revokedSerials(crlPem: string): Set<string> {
  const crl = new x509.X509Crl(crlPem);
  return new Set(crl.entries.map((entry) => entry.serialNumber.toUpperCase()));
}

/** The nextUpdate of the CRL file at `path` (undefined when it has none). */
export async function crlNextUpdate(path: string): Promise<Date | undefined> {
  return new x509.X509Crl(await readFile(path, 'utf8')).nextUpdate;
}

/** Whether the CRL file at `path` exists and lists `serial`. */
export async function crlListsSerial(path: string, serial: string): Promise<boolean> {
  if (!(await fileExists(path))) return false;
  return revokedSerials(await readFile(path, 'utf8')).has(serial.toUpperCase());
}

/**
 * Takes the next CRL number and saves the database before the CRL, so a crash in between can
 * only leave a stale CRL (repaired by revoking the same certificate again), never a reused
 * CRL number.
 */
export async function reissueCrl(
  ca: CertificateAuthority,
  paths: Pick<PartyPkiPaths, 'caCrl' | 'caDatabase'>,
  db: CaDatabase,
  now: Date,
): Promise<void> {
  db.crlNumber += 1;
  await writeCaDatabase(paths.caDatabase, db);
  const pem = await issueCrl({ ca, revoked: db.revoked, crlNumber: db.crlNumber, now });
  await replaceFile(paths.caCrl, pem);
}
