import { X509Certificate } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { MxgConfigService } from '@mxg/config';
import { partyPkiPaths } from '@mxg/pki';
import { TlsError, TlsErrorCode } from './tls.errors';

/** A party's CA as this gateway trusts it for TLS: to verify that party's clients or servers. */
export interface PartyCa {
  readonly party: string;
  readonly pem: string;
  readonly certificate: X509Certificate;
}

/**
 * What the gateway needs to serve HTTPS and call its peers over mutual TLS (#15): its party's
 * TLS server and client certificates (certs/<party>/tls/{server,client}.*), its own CA (for
 * national systems' client certificates) and each witness peer's CA (for the peers' witness
 * calls, and their servers when this gateway calls them).
 */
export interface GatewayTls {
  readonly clientCertificates: 'optional' | 'require';
  readonly server: { readonly cert: string; readonly key: string };
  readonly client: { readonly cert: string; readonly key: string };
  readonly ownCa: PartyCa;
  /** By party code: the CAs of the parties whose gateways witness this one. */
  readonly peerCas: ReadonlyMap<string, PartyCa>;
}

/** The TLS material of the gateway, or undefined when its gateway file has no `http.tls`. */
export function loadGatewayTls(config: MxgConfigService): GatewayTls | undefined {
  const { http, party, witnesses } = config.gateway;
  if (http.tls === undefined) return undefined;
  const certs = config.paths.certs;
  const own = partyPkiPaths(certs, party);
  const peerCas = new Map<string, PartyCa>();
  for (const w of witnesses) {
    if (!peerCas.has(w.party)) {
      peerCas.set(w.party, loadCa(w.party, partyPkiPaths(certs, w.party).caCertificate));
    }
  }
  return {
    clientCertificates: http.tls.clientCertificates,
    server: {
      cert: readTlsFile(own.tls.server.certificate),
      key: readTlsFile(own.tls.server.privateKey),
    },
    client: {
      cert: readTlsFile(own.tls.client.certificate),
      key: readTlsFile(own.tls.client.privateKey),
    },
    ownCa: loadCa(party, own.caCertificate),
    peerCas,
  };
}

function loadCa(party: string, path: string): PartyCa {
  const pem = readTlsFile(path);
  try {
    return { party, pem, certificate: new X509Certificate(pem) };
  } catch {
    throw new TlsError(TlsErrorCode.FilesMissing, `${path} is not a PEM certificate`);
  }
}

function readTlsFile(path: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    // The path only, never the content: one of these files is a private key.
    throw new TlsError(
      TlsErrorCode.FilesMissing,
      `http.tls is on, but ${path} cannot be read — \`mxg pki init\` issues the party's TLS certificates`,
    );
  }
}
