import { AuthError } from './auth.errors';
import type { AuthenticatedClient } from './auth.types';

/**
 * MIG-9.3: the gateway signs for a signatory only on behalf of a client bound to them
 * (`clients[].signatories`), so a national system cannot have it sign as any signatory of its
 * authority. Checked before anything is signed; the caller audits the refusal.
 */
export function assertSignatoryBound(client: AuthenticatedClient, signatoryId: string): void {
  if (!client.signatories.includes(signatoryId)) {
    throw new AuthError(
      'SIGNATORY_NOT_BOUND',
      `client ${client.id} may not have the gateway sign as ${signatoryId} (MIG-9.3); ` +
        "bind it in the client's `signatories`, or submit a message the signatory signed",
    );
  }
}
