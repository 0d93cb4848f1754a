/** Roles an API client may hold (gateway file, `clients[].roles`). */
export const CLIENT_ROLES = ['publisher', 'security-officer', 'auditor', 'administrator'] as const;
export type ClientRole = (typeof CLIENT_ROLES)[number];

/** The client a request was authenticated as; identifiers only. */
export interface AuthenticatedClient {
  readonly id: string;
  readonly authority: string | null;
  readonly roles: readonly ClientRole[];
  /** MIG-9.3: the signatories of its authority the gateway may sign for on its behalf. */
  readonly signatories: readonly string[];
}
