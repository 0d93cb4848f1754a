import { ConfigError, fieldPath } from '../files/config-error';
import { type Env, envSchema } from './env.schema';

/** Validates the environment once; the returned object is the only view of it the code uses. */
export function loadEnv(source: NodeJS.ProcessEnv): Env {
  const parsed = envSchema.safeParse(source);
  if (!parsed.success) {
    throw new ConfigError(
      parsed.error.issues.map((issue) => ({
        file: 'environment',
        field: fieldPath(issue.path),
        message: issue.message,
      })),
    );
  }
  return parsed.data;
}
