import { join } from 'node:path';
import { PkiError } from './pki-error';

export interface CertificateKeyPaths {
  certificate: string;
  privateKey: string;
}

export interface PartyPkiPaths {
  dir: string;
  caCertificate: string;
  caPrivateKey: string;
  caCrl: string;
  /** Issued and revoked serials; no secrets. */
  caDatabase: string;
  gateway: {
    seal: CertificateKeyPaths;
    encryption: CertificateKeyPaths;
    auditCheckpoint: CertificateKeyPaths;
    /**
     * The key-encryption key (KEK) that wraps each stored message's data key (MIG-11.4): 32
     * random bytes, hex, mode 0600. Symmetric, so no certificate; never leaves the gateway.
     */
    storageKek: string;
  };
  /**
   * #15: transport certificates, issued by the party's CA (ECDSA P-256, EKU serverAuth or
   * clientAuth), none of them valid for signing messages.
   */
  tls: {
    /** The gateway's HTTPS API and the party's broker: SAN DNS:localhost, IP:127.0.0.1. */
    server: CertificateKeyPaths;
    /** The gateway as a TLS client: to its broker (AMQPS) and to peers' witness endpoints. */
    client: CertificateKeyPaths;
    /** The party's broker's link to peer brokers: subject CN=mxg-link-<party>, EXTERNAL login. */
    link: CertificateKeyPaths;
  };
  signatory(id: string): CertificateKeyPaths;
}

// Codes and ids become path segments, so anything that could climb out ('..', '/') is refused.
const PARTY_CODE = /^[A-Za-z][A-Za-z0-9]{1,15}$/;
const SIGNATORY_ID = /^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/;

export function isValidPartyCode(code: string): boolean {
  return PARTY_CODE.test(code);
}

export function isValidSignatoryId(id: string): boolean {
  return SIGNATORY_ID.test(id);
}

/** Where every file of one party's development PKI lives: `<certsDir>/<code lower-case>/…`. */
export function partyPkiPaths(certsDir: string, partyCode: string): PartyPkiPaths {
  if (!isValidPartyCode(partyCode)) {
    throw new PkiError(
      'PKI_INVALID_REQUEST',
      `party code '${partyCode}' must be 2-16 letters/digits`,
    );
  }
  const dir = join(certsDir, partyCode.toLowerCase());
  const pair = (base: string): CertificateKeyPaths => ({
    certificate: `${base}.cert.pem`,
    privateKey: `${base}.key.pem`,
  });
  return {
    dir,
    caCertificate: join(dir, 'ca.cert.pem'),
    caPrivateKey: join(dir, 'ca.key.pem'),
    caCrl: join(dir, 'ca.crl.pem'),
    caDatabase: join(dir, 'ca.db.json'),
    gateway: {
      seal: pair(join(dir, 'gateway', 'seal')),
      encryption: pair(join(dir, 'gateway', 'encryption')),
      auditCheckpoint: pair(join(dir, 'gateway', 'audit-checkpoint')),
      storageKek: join(dir, 'gateway', 'storage-kek.key'),
    },
    tls: {
      server: pair(join(dir, 'tls', 'server')),
      client: pair(join(dir, 'tls', 'client')),
      link: pair(join(dir, 'tls', 'link')),
    },
    signatory(id: string): CertificateKeyPaths {
      if (!isValidSignatoryId(id)) {
        throw new PkiError('PKI_INVALID_REQUEST', `signatory id '${id}' is not a safe file name`);
      }
      return pair(join(dir, 'signatories', id));
    },
  };
}

/** certs/services/: the development services' CA (#15). Not a party code (validatePlan). */
export const SERVICES_DIR = 'services';

export interface ServicesPkiPaths {
  dir: string;
  caCertificate: string;
  caPrivateKey: string;
  /** The development PostgreSQL's server certificate (tls-server), issued by that CA. */
  postgresql: CertificateKeyPaths;
}

/**
 * #15: in development one PostgreSQL serves both parties' databases, so its certificate comes
 * from one CA of its own, not from either party's; in production each party's PostgreSQL has a
 * certificate of that party's (or its hosting's) CA.
 */
export function servicesPkiPaths(certsDir: string): ServicesPkiPaths {
  const dir = join(certsDir, SERVICES_DIR);
  return {
    dir,
    caCertificate: join(dir, 'ca.cert.pem'),
    caPrivateKey: join(dir, 'ca.key.pem'),
    postgresql: {
      certificate: join(dir, 'postgresql.cert.pem'),
      privateKey: join(dir, 'postgresql.key.pem'),
    },
  };
}
