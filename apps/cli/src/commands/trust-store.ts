import { X509Certificate } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { TreatyRegistry } from '@mxg/config';
import { MxgError } from '@mxg/core';
import { crlDer, FileTrustStore, TrustList, type TrustStore } from '@mxg/envelope';
import { issuedBy } from '@mxg/evidence';

const warn = (message: string) => process.stderr.write(`mxg: warning: ${message}\n`);

/**
 * The trust store of the certificates directory. A CRL file it cannot use (not a CRL, not
 * the party's CA's, missing) is said on stderr: the verdict then only says that revocation
 * could not be checked, and the operator needs to know which file to look at.
 */
export function openTrustStore(certsDir: string, treaty: TreatyRegistry): FileTrustStore {
  return new FileTrustStore(certsDir, treaty, {
    log: (level, message) => {
      if (level === 'warn') warn(message);
    },
  });
}

/**
 * A trust store from the files given on the command line, for use outside a checkout: each
 * `--ca` a party's trust anchor — the party named by its subject's country (C=), else by
 * `--party` — and each `--seal` a gateway seal certificate of the party whose CA issued it.
 */
export function openGivenTrust(
  caPaths: readonly string[],
  sealPaths: readonly string[],
  party: string | undefined,
): TrustList {
  const anchors = new Map<string, X509Certificate[]>();
  for (const path of caPaths) {
    const ca = readCertificate(path, '--ca');
    if (!ca.ca) {
      throw new MxgError('INPUT_UNREADABLE', `--ca ${path} is not a CA certificate`);
    }
    const code = party ?? countryOf(ca);
    if (!code) {
      throw new MxgError(
        'UNKNOWN_PARTY',
        `cannot tell which party the CA in ${path} is: its subject names no country; say it with --party <code>`,
      );
    }
    anchors.set(code, [...(anchors.get(code) ?? []), ca]);
  }
  const seals = sealPaths.map((path) => ({ path, certificate: readCertificate(path, '--seal') }));
  const list = new TrustList();
  for (const [code, cas] of anchors) {
    list.addParty({
      party: code,
      anchors: cas,
      seals: seals
        .filter((s) => cas.some((ca) => issuedBy(s.certificate, ca)))
        .map((s) => s.certificate),
      encryptionCertificates: [],
    });
  }
  for (const seal of seals) {
    if (![...anchors.values()].flat().some((ca) => issuedBy(seal.certificate, ca))) {
      warn(`--seal ${seal.path} was issued by none of the CAs given with --ca; ignored`);
    }
  }
  return list;
}

/**
 * Offers each `--crl` file to the party whose CA signed it, to be archived beside the CRLs the
 * trust store has: several versions make an offline archive, judged as of signing time.
 */
export function offerCrlFiles(trust: TrustStore, paths: readonly string[], now: Date): void {
  for (const path of paths) {
    let der: Uint8Array | undefined;
    try {
      der = crlDer(readFileSync(path, 'latin1'));
    } catch (error) {
      throw new MxgError(
        'INPUT_UNREADABLE',
        `cannot read ${path}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`,
      );
    }
    if (!der) throw new MxgError('INPUT_UNREADABLE', `--crl ${path} is not a CRL (PEM or DER)`);
    const offers = trust.parties().map((party) => trust.offerCrl(party, der, `cli:${path}`, now));
    if (!offers.some((o) => o.taken || o.known)) {
      const reasons = [...new Set(offers.map((o) => (o.taken ? '' : o.reason)))].join('; ');
      warn(`--crl ${path} was not used: ${reasons || 'no trusted party'}`);
    }
  }
}

function countryOf(certificate: X509Certificate): string | undefined {
  const country = /^C=([A-Z]{2})$/m.exec(certificate.subject)?.[1];
  return country;
}

function readCertificate(path: string, option: string): X509Certificate {
  let bytes: Buffer;
  try {
    bytes = readFileSync(path);
  } catch (error) {
    throw new MxgError(
      'INPUT_UNREADABLE',
      `cannot read ${path}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`,
    );
  }
  try {
    return new X509Certificate(bytes);
  } catch {
    throw new MxgError('INPUT_UNREADABLE', `${option} ${path} is not an X.509 certificate`);
  }
}
