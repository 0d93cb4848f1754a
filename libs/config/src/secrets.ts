import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { MxgError } from '@mxg/core';

/** Where a generated service password is kept: `var/secrets/<name>` (git-ignored). */
export function secretPath(varDir: string, name: string): string {
  return join(varDir, 'secrets', name);
}

export function readOptionalSecret(varDir: string, name: string): string | undefined {
  const path = secretPath(varDir, name);
  return existsSync(path) ? readFileSync(path, 'utf8').trim() : undefined;
}

export function readSecret(varDir: string, name: string): string {
  const secret = readOptionalSecret(varDir, name);
  if (secret === undefined) {
    throw new MxgError(
      'SECRET_MISSING',
      `${secretPath(varDir, name)} does not exist: run \`npm run services\` to provision, or set AMQP_URL`,
    );
  }
  return secret;
}

export function amqpSecretName(user: string): string {
  return `amqp-${user}.password`;
}

/** The development API clients provisioning makes for a gateway (hashes only). */
export function clientsFileName(gatewayId: string): string {
  return `clients-${gatewayId}.yaml`;
}

/** A development client's bearer token, for the demo and for operators trying the API. */
export function clientTokenName(gatewayId: string, clientId: string): string {
  return `token-${gatewayId}-${clientId}`;
}

export function postgresSecretName(role: string): string {
  return `pg-${role}.password`;
}

/**
 * A generated service password kept in `var/secrets/` (git-ignored, mode 0600). Returns the
 * existing one when present; `created` tells the caller it must set the password on the service.
 */
export function ensureSecret(varDir: string, name: string): { value: string; created: boolean } {
  const path = secretPath(varDir, name);
  if (existsSync(path)) return { value: readFileSync(path, 'utf8').trim(), created: false };
  mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
  const value = randomBytes(24).toString('base64url');
  writeFileSync(path, value, { mode: 0o600 });
  chmodSync(path, 0o600);
  return { value, created: true };
}
