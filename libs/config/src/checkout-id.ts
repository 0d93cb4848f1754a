import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * This checkout's id (`var/checkout-id`, 16 hex digits, made on first use; scripts/services.sh
 * makes the same file). It follows the generated secrets: a worktree sharing another checkout's
 * var/ shares its id. Provisioning marks what it creates on a machine-wide service with it, so
 * that a second checkout on the same machine never takes over, or resets the password of, what
 * the first one made (#17).
 */
export function checkoutId(varDir: string): string {
  const path = join(varDir, 'checkout-id');
  if (existsSync(path)) {
    const id = readFileSync(path, 'utf8').trim();
    if (/^[0-9a-f]{16}$/.test(id)) return id;
  }
  mkdirSync(varDir, { recursive: true });
  const id = randomBytes(8).toString('hex');
  writeFileSync(path, id);
  return id;
}
