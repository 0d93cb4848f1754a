import { createHash, timingSafeEqual } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { MxgConfigService } from '@mxg/config';
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
    this.clients = config.apiClients.map((c) => ({
      id: c.id,
      authority: c.authority,
      roles: c.roles,
      digest: Buffer.from(c.tokenSha256, 'hex'),
    }));
  }

  authenticate(token: string): AuthenticatedClient | undefined {
    const digest = createHash('sha256').update(token, 'utf8').digest();
    let found: AuthenticatedClient | undefined;
    for (const client of this.clients) {
      if (timingSafeEqual(client.digest, digest) && found === undefined) {
        found = { id: client.id, authority: client.authority, roles: client.roles };
      }
    }
    return found;
  }
}
