import { z } from 'zod';

const url = (protocols: string[]) =>
  z
    .string()
    .refine((v) => protocols.some((p) => v.startsWith(`${p}://`)), {
      error: `expected a ${protocols.join(' or ')}:// URL`,
    })
    .optional();

/**
 * The environment variables MXG reads — the only ones. Deployment settings live here;
 * treaty data lives in `config/`. Every variable is optional: defaults suit a development
 * checkout whose services run on 127.0.0.1.
 */
export const envSchema = z
  .object({
    /** Which gateway this process runs: the name of a file in `config/gateways/` (e.g. `kz`). */
    MXG_GATEWAY: z
      .string()
      .regex(/^[a-z0-9-]+$/, { error: 'expected the name of a file in config/gateways, e.g. kz' })
      .optional(),
    MXG_CONFIG_DIR: z.string().min(1).optional(),
    MXG_CERTS_DIR: z.string().min(1).optional(),
    /** Runtime state: generated service passwords, signed artefacts. */
    MXG_VAR_DIR: z.string().min(1).optional(),
    /**
     * #17: this checkout's slot on the machine's services (libs/config/src/checkout-slot.ts),
     * instead of the one `npm run services` claimed (`var/checkout-slot`).
     */
    MXG_CHECKOUT_SLOT: z.coerce.number().int().min(0).max(49).optional(),
    /** #17: the machine's register of checkout slots (default /var/tmp/mxg-checkouts). */
    MXG_CHECKOUT_REGISTRY: z.string().min(1).default('/var/tmp/mxg-checkouts'),
    /** The application's connection (a role that cannot alter the schema). */
    DATABASE_URL: url(['postgres', 'postgresql']),
    /** The migration role's connection (owns the schema). */
    MXG_MIGRATION_DATABASE_URL: url(['postgres', 'postgresql']),
    /** A superuser connection, used only by `mxg services provision`. */
    MXG_PG_ADMIN_URL: url(['postgres', 'postgresql']),
    /**
     * The gateway's broker; several URLs, comma-separated, are the nodes of the party's cluster
     * in the order to try (#15 scale-out).
     */
    AMQP_URL: url(['amqp', 'amqps']),
    /** How provisioning reaches `rabbitmqctl`, e.g. `docker compose exec -T rabbitmq rabbitmqctl`. */
    MXG_RABBITMQCTL: z.string().min(1).default('rabbitmqctl'),
    /**
     * Extra API clients (same form as `clients:` in the gateway file), e.g. the development
     * clients `mxg services provision` writes to `var/secrets/clients-<gateway>.yaml`, which is
     * the default when it exists.
     */
    MXG_CLIENTS_FILE: z.string().min(1).optional(),
    /** The broker administrator, used by `mxg services provision` to declare the topology. */
    MXG_AMQP_ADMIN_URL: url(['amqp', 'amqps']),
    MXG_HTTP_HOST: z.string().min(1).optional(),
    MXG_HTTP_PORT: z.coerce.number().int().min(0).max(65535).optional(),
    MXG_RUN_MIGRATIONS: z.enum(['true', 'false']).default('true'),
    /**
     * For tests only: a file holding a clock offset in milliseconds, re-read when it changes, so a
     * test can move a running gateway through time (`OffsetClock`). Never set in production.
     */
    MXG_CLOCK_OFFSET_FILE: z.string().min(1).optional(),
    /**
     * MIG-11.5: how often (ms) the gateway looks for messages due for destruction. Retention runs
     * in days, so the default minute is plenty; tests set less.
     */
    MXG_RETENTION_SWEEP_MS: z.coerce.number().int().min(50).max(86_400_000).default(60_000),
    /**
     * RET-4: how often (ms) the gateway looks for claims whose payment deadline passed unpaid. The
     * deadline runs in days, so the default minute is plenty; tests set less.
     */
    MXG_CLAIM_OVERDUE_SWEEP_MS: z.coerce.number().int().min(50).max(86_400_000).default(60_000),
    /**
     * #15: how long (ms) the gateway waits for its broker to confirm a batch of publishes. A node
     * that accepted them and then fails (a cluster node killed, a quorum queue changing leader) may
     * never confirm; past this the gateway drops the connection, moves to the cluster's next node
     * and publishes the batch again (receivers deduplicate).
     */
    MXG_PUBLISH_CONFIRM_TIMEOUT_MS: z.coerce.number().int().min(100).max(600_000).default(30_000),
    /**
     * The longest wait (ms) between two fetches of a party's CRL from its distribution point. A
     * CRL is fetched again at 80 % of its thisUpdate→nextUpdate span, or after this if sooner; a
     * failed fetch is retried with backoff up to this. Tests set less.
     */
    MXG_CRL_REFRESH_MS: z.coerce.number().int().min(50).max(86_400_000).default(3_600_000),
    MXG_LOG_LEVEL: z.enum(['error', 'warn', 'log', 'debug', 'verbose']).default('log'),
    /**
     * #17: how log lines are written. `json`: one JSON object a line (what a collector reads);
     * `pretty`: human-readable, coloured only on a terminal; `auto`: pretty when stdout is a
     * terminal, JSON otherwise.
     */
    MXG_LOG_FORMAT: z.enum(['auto', 'json', 'pretty']).default('auto'),
    /**
     * #17: who may read `GET /metrics` (Prometheus text). `open`: anyone who reaches the gateway's
     * port, the Prometheus norm — the metrics carry no personal data and no message content, only
     * types, codes, parties and outcomes; `token`: a bearer token whose SHA-256 (hex) is
     * MXG_METRICS_TOKEN_SHA256; `off`: no such route (404).
     */
    MXG_METRICS: z.enum(['open', 'token', 'off']).default('open'),
    MXG_METRICS_TOKEN_SHA256: z
      .string()
      .regex(/^[0-9a-f]{64}$/, { error: 'expected the SHA-256 of the token, 64 hex digits' })
      .optional(),
    /**
     * The user PIN of the PKCS#11 token a gateway keeps its keys in (`keys: { store: pkcs11 }` in
     * its gateway file), and that `mxg pki init --pkcs11` generates them in. Only ever here, never
     * in a file of the repository; never logged.
     */
    MXG_PKCS11_PIN: z.string().min(1).optional(),
  })
  .refine((env) => env.MXG_METRICS !== 'token' || env.MXG_METRICS_TOKEN_SHA256 !== undefined, {
    error: 'MXG_METRICS=token needs MXG_METRICS_TOKEN_SHA256',
    path: ['MXG_METRICS_TOKEN_SHA256'],
  });

export type Env = z.infer<typeof envSchema>;
