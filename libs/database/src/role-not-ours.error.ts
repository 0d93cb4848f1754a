import { MxgError } from '@mxg/core';

/**
 * #17: provisioning would have to set the password of a database role this checkout did not
 * create — another checkout's on the same server, or one of unknown origin — because this
 * checkout's password does not log in. It changes nothing instead.
 */
export class RoleNotOursError extends MxgError {
  constructor(
    readonly role: string,
    readonly otherCheckout: boolean,
  ) {
    super(
      'ROLE_NOT_OURS',
      `PostgreSQL role ${role} ${
        otherCheckout
          ? 'belongs to another MXG checkout on this server'
          : 'was not created by this checkout'
      } and this checkout's password does not log in as it: not changing its password. ` +
        'Give this checkout databases of its own (`database.name` in config/gateways/*.yaml), ' +
        'or run it with that checkout’s var/secrets, or with DATABASE_URL and MXG_MIGRATION_DATABASE_URL',
      { role },
    );
  }
}
