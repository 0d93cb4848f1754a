import { X509Certificate } from 'node:crypto';
import type { TLSSocket } from 'node:tls';
import type { PartyCa } from './gateway-tls';

const CLIENT_AUTH = '1.3.6.1.5.5.7.3.2';

/** Who a TLS client proved to be, by its certificate: which of the given CAs issued it. */
export type ClientCertificateVerdict =
  | { readonly kind: 'none' }
  | { readonly kind: 'untrusted'; readonly reason: string }
  | { readonly kind: 'party'; readonly party: string };

/**
 * The party whose CA, among `cas`, issued the client certificate of this connection. OpenSSL has
 * already checked the chain and validity against every CA the server accepts (`authorized`);
 * this says which one it chains to, since one party's CA must not vouch for another party's
 * caller (#15). A development CA signs end entities directly (path length 0).
 */
export function clientCertificateVerdict(
  socket: TLSSocket,
  cas: Iterable<PartyCa>,
): ClientCertificateVerdict {
  // Plain HTTP reaches the application for the CRL only (tls-front), but never trust that here.
  if (typeof socket.getPeerCertificate !== 'function') return { kind: 'none' };
  const peer = socket.getPeerCertificate();
  if (peer === null || peer.raw === undefined) return { kind: 'none' };
  if (!socket.authorized) {
    return { kind: 'untrusted', reason: String(socket.authorizationError ?? 'not verified') };
  }
  const leaf = new X509Certificate(peer.raw);
  // Node's `keyUsage` is the extended key usage: when present, it must allow TLS clients.
  if (leaf.keyUsage !== undefined && !leaf.keyUsage.includes(CLIENT_AUTH)) {
    return { kind: 'untrusted', reason: 'not a TLS client certificate (extended key usage)' };
  }
  for (const ca of cas) {
    if (leaf.checkIssued(ca.certificate) && leaf.verify(ca.certificate.publicKey)) {
      return { kind: 'party', party: ca.party };
    }
  }
  return { kind: 'untrusted', reason: 'issued by none of the accepted CAs' };
}
