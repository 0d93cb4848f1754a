import { createHash } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { stringify } from 'yaml';
import {
  clientsFileName,
  clientTokenName,
  ensureSecret,
  type MxgConfigService,
  secretPath,
} from '@mxg/config';

/**
 * Development API clients for a gateway, so that the demo and a newcomer can call the API at
 * once: one national system per competent authority of the party (publisher, bound to that
 * authority's signatories: MIG-9.3), a security
 * officer and an auditor. Tokens are kept in `var/secrets/token-<gateway>-<client>`; the
 * clients file holds only their SHA-256. Production clients come from `mxg auth token`.
 */
export function provisionDevClients(config: MxgConfigService): string[] {
  const { id, party } = config.gateway;
  const clients = [
    ...config.treaty.authoritiesOf(party).map((a) => ({
      id: `${a.code.toLowerCase()}-system`,
      authority: a.code,
      roles: ['publisher'],
      // MIG-9.3: in development, the national system may sign for its authority's signatories.
      signatories: config.treaty.signatoriesOf(a.code).map((s) => s.id),
    })),
    { id: 'security-officer', authority: null, roles: ['security-officer'], signatories: [] },
    { id: 'auditor', authority: null, roles: ['auditor'], signatories: [] },
  ].map((client) => {
    const token = ensureSecret(config.paths.var, clientTokenName(id, client.id)).value;
    return { ...client, tokenSha256: createHash('sha256').update(token).digest('hex') };
  });
  const path = secretPath(config.paths.var, clientsFileName(id));
  const text = `# Development API clients of gateway ${id}, made by \`mxg services provision\`.\n${stringify({ clients })}`;
  if (existsSync(path) && readFileSync(path, 'utf8') === text) return [];
  writeFileSync(path, text, { mode: 0o600 });
  return [`wrote development API clients of gateway ${id} (tokens in var/secrets/token-${id}-*)`];
}
