import { readFileSync } from 'node:fs';
import type { MxgConfigService } from '@mxg/config';
import { partyPkiPaths } from '@mxg/pki';
import { type FetchLike, tlsFetch } from '../../gateway/src/tls/tls-fetch';

/** How the demo, as a party's national system, reaches that party's gateway API. */
export interface ApiConnection {
  readonly party: string;
  readonly url: string;
  readonly fetch: FetchLike;
  /** Where the API listens and how it is reached, for the demo to print. */
  readonly line: string;
}

/**
 * #15: with `http.tls` in the gateway file (as shipped), HTTPS trusting the party's CA only
 * (certs/<p>/ca.cert.pem, not the system's store) and presenting the party's TLS client
 * certificate (certs/<p>/tls/client), as the party's national system would; else plain HTTP.
 */
export function apiConnection(config: MxgConfigService): ApiConnection {
  const { party, http } = config.gateway;
  const address = `127.0.0.1:${config.httpPort}`;
  if (http.tls === undefined) {
    const url = `http://${address}`;
    return { party, url, fetch, line: `${party} API ${url} (plain HTTP: no http.tls)` };
  }
  const paths = partyPkiPaths(config.paths.certs, party);
  const url = `https://${address}`;
  return {
    party,
    url,
    fetch: tlsFetch({
      ca: readFileSync(paths.caCertificate, 'utf8'),
      cert: readFileSync(paths.tls.client.certificate, 'utf8'),
      key: readFileSync(paths.tls.client.privateKey, 'utf8'),
    }),
    line:
      `${party} API ${url} (TLS, server certificate of ${party}'s CA; ` +
      `client certificates ${http.tls.clientCertificates}: the demo presents ${party}'s tls/client)`,
  };
}
