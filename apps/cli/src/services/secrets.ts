import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { secretPath } from '@mxg/config';

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
