import { createHash, timingSafeEqual } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { ConfigError, MxgConfigService } from '@mxg/config';
import type { AuthenticatedClient } from './auth.types';

/**
 * The API clients of this gateway, from its gateway file. A presented token is hashed and
 * compared with every configured hash in constant time, without stopping at a match, so
 * neither the comparison nor the number of clients tried leaks through timing.
 */
@Injectable()
export class ClientRegistry {
  private readonly clients: readonly (AuthenticatedClient & { digest: Buffer })[];

  constructor(config: MxgConfigService) {
    const clients = config.apiClients;
    // MIG-9.3: a client is bound only to signatories of the authority it acts for.
    const issues = clients.flatMap((c) =>
      c.signatories
        .filter(
          (id) =>
            !config.treaty.allSignatories().some((s) => s.id === id && s.authority === c.authority),
        )
        .map((id) => ({
          file: 'gateway file or clients file',
          field: `clients[${c.id}].signatories`,
          message: `${id} is not a signatory of ${c.authority ?? "the client's authority (it has none)"} (MIG-9.3)`,
        })),
    );
    if (issues.length > 0) throw new ConfigError(issues);
    this.clients = clients.map((c) => ({
      id: c.id,
      authority: c.authority,
      roles: c.roles,
      signatories: c.signatories,
      digest: Buffer.from(c.tokenSha256, 'hex'),
    }));
  }

  authenticate(token: string): AuthenticatedClient | undefined {
    const digest = createHash('sha256').update(token, 'utf8').digest();
    let found: AuthenticatedClient | undefined;
    for (const client of this.clients) {
      if (timingSafeEqual(client.digest, digest) && found === undefined) {
        found = {
          id: client.id,
          authority: client.authority,
          roles: client.roles,
          signatories: client.signatories,
        };
      }
    }
    return found;
  }
}
