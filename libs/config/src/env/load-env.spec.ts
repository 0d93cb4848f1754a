import { ConfigError } from '../files/config-error';
import { loadEnv } from './load-env';

describe(loadEnv.name, () => {
  it('applies defaults and coerces numbers', () => {
    const env = loadEnv({ MXG_GATEWAY: 'kz', MXG_HTTP_PORT: '8080' });
    expect(env).toMatchObject({
      MXG_GATEWAY: 'kz',
      MXG_HTTP_PORT: 8080,
      MXG_RUN_MIGRATIONS: 'true',
    });
  });

  it('names each bad variable', () => {
    let error: unknown;
    try {
      loadEnv({ MXG_HTTP_PORT: 'eighty', DATABASE_URL: 'mysql://x', MXG_GATEWAY: 'KZ!' });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).issues.map((i) => `${i.file} ${i.field}`).sort()).toEqual([
      'environment DATABASE_URL',
      'environment MXG_GATEWAY',
      'environment MXG_HTTP_PORT',
    ]);
    expect((error as ConfigError).message).toContain('expected a postgres or postgresql:// URL');
  });
});
