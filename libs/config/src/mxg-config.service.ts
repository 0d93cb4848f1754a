import { existsSync } from 'node:fs';
import { isAbsolute, join, resolve } from 'node:path';
import { MxgError } from '@mxg/core';
import type { Env } from './env/env.schema';
import { loadEnv } from './env/load-env';
import { type GatewayIdentity, loadGatewayConfig } from './files/load-gateway-config';
import { loadTreatyConfig } from './files/load-treaty-config';
import { loadVocabulary } from './files/load-vocabulary';
import { loadRetention } from './files/load-retention';
import { loadSettlements } from './files/load-settlements';
import type { SettlementsConfig } from './settlements/settlements.types';
import type { RetentionPolicy } from './retention/retention.types';
import type { Vocabulary } from './vocabulary/vocabulary.types';
import { findRepoRoot } from './repo-root';
import { gatewayFileOfSlot, readCheckoutSlot } from './checkout-slot';
import {
  amqpSecretName,
  clientsFileName,
  postgresSecretName,
  readOptionalSecret,
  readSecret,
  secretPath,
} from './secrets';
import { ConfigError } from './files/config-error';
import { readConfigFile } from './files/read-config-file';
import { type ApiClient, clientsFileSchema } from './treaty/treaty-config.schema';
import type { AuthorityChangeNotice } from './treaty/authority-change';
import type { TreatyRegistry } from './treaty/treaty-registry';

export interface MxgPaths {
  readonly root: string;
  readonly config: string;
  readonly certs: string;
  readonly var: string;
}

/**
 * The one typed view of MXG's configuration: the validated environment, the treaty
 * configuration and — in a gateway process — the identity of the gateway. Nothing else in
 * MXG reads `process.env` or the files in `config/`.
 */
export class MxgConfigService {
  private loadedVocabulary: Vocabulary | undefined;
  private loadedRetention: RetentionPolicy | undefined;
  private loadedSettlements: SettlementsConfig | undefined;

  private constructor(
    readonly env: Env,
    readonly paths: MxgPaths,
    /** #17: this checkout's slot on the machine's services; 0 uses the files' names as written. */
    readonly checkoutSlot: number,
    private registry: TreatyRegistry,
    private readonly gatewayIdentity: GatewayIdentity | undefined,
  ) {}

  /** The treaty configuration, with the authority changes notified since it was loaded. */
  get treaty(): TreatyRegistry {
    return this.registry;
  }

  /**
   * MIG-2: a party's authority-change notice, received as a signed message, holds from its
   * effective date (`TreatyRegistry.withAuthorityChange`; the same notice twice changes
   * nothing). Throws `AuthorityChangeError` for one that cannot apply.
   */
  applyAuthorityChange(notice: AuthorityChangeNotice): void {
    this.registry = this.registry.withAuthorityChange(notice);
  }

  /** Loads everything, failing with one error that lists every problem found. */
  static load(options: { gateway?: string; env?: NodeJS.ProcessEnv } = {}): MxgConfigService {
    const env = loadEnv(options.env ?? process.env);
    const root = findRepoRoot();
    const dir = (value: string | undefined, fallback: string) =>
      value === undefined ? join(root, fallback) : isAbsolute(value) ? value : resolve(value);
    const paths: MxgPaths = {
      root,
      config: dir(env.MXG_CONFIG_DIR, 'config'),
      certs: dir(env.MXG_CERTS_DIR, 'certs'),
      var: dir(env.MXG_VAR_DIR, 'var'),
    };
    const treaty = loadTreatyConfig(paths.config, root);
    const slot = readCheckoutSlot(root, env.MXG_CHECKOUT_SLOT);
    const gatewayId = options.gateway ?? env.MXG_GATEWAY;
    const gateway =
      gatewayId === undefined
        ? undefined
        : gatewayFileOfSlot(loadGatewayConfig(paths.config, gatewayId, treaty, root), slot);
    return new MxgConfigService(env, paths, slot, treaty, gateway);
  }

  /** The same configuration, as seen by the gateway `id` (a file in `config/gateways/`). */
  forGateway(id: string): MxgConfigService {
    const gateway = gatewayFileOfSlot(
      loadGatewayConfig(this.paths.config, id, this.treaty, this.paths.root),
      this.checkoutSlot,
    );
    return new MxgConfigService(this.env, this.paths, this.checkoutSlot, this.treaty, gateway);
  }

  /**
   * The closed lists message bodies are checked against (`config/vocabularies.yaml`: MIG-3,
   * MIG-4, MIG-5, MIG-10.4), read on first use.
   */
  get vocabulary(): Vocabulary {
    this.loadedVocabulary ??= loadVocabulary(this.paths.config, this.paths.root);
    return this.loadedVocabulary;
  }

  /**
   * MIG-11.5: how long messages are kept, per agreement and information category, and who signs
   * destruction notices (`config/retention.yaml`), read on first use.
   */
  get retention(): RetentionPolicy {
    this.loadedRetention ??= loadRetention(
      this.paths.config,
      this.treaty,
      this.vocabulary,
      this.paths.root,
    );
    return this.loadedRetention;
  }

  /**
   * RET-3.3, RET-3.4, RET-3.6: the rounding policy of claims' USD amounts and each party's caps
   * (`config/settlements.yaml`), read on first use.
   */
  get settlements(): SettlementsConfig {
    this.loadedSettlements ??= loadSettlements(this.paths.config, this.treaty, this.paths.root);
    return this.loadedSettlements;
  }

  get gateway(): GatewayIdentity {
    if (this.gatewayIdentity === undefined) {
      throw new MxgError(
        'GATEWAY_NOT_SELECTED',
        'no gateway selected: set MXG_GATEWAY to the name of a file in config/gateways (e.g. kz)',
      );
    }
    return this.gatewayIdentity;
  }

  /**
   * Every API client of this gateway: those in its gateway file plus those in the clients file
   * (MXG_CLIENTS_FILE, or `var/secrets/clients-<gateway>.yaml` when present).
   */
  get apiClients(): readonly ApiClient[] {
    const file =
      this.env.MXG_CLIENTS_FILE ?? secretPath(this.paths.var, clientsFileName(this.gateway.id));
    if (this.env.MXG_CLIENTS_FILE === undefined && !existsSync(file)) return this.gateway.clients;
    const result = readConfigFile(file, clientsFileSchema, this.paths.root);
    if (!result.ok) throw new ConfigError(result.issues);
    const ids = new Set(this.gateway.clients.map((c) => c.id));
    const clash = result.value.clients.find((c) => ids.has(c.id));
    if (clash) {
      throw new ConfigError([
        {
          file: result.file,
          field: 'clients',
          message: `client ${clash.id} is also in the gateway file`,
        },
      ]);
    }
    return [...this.gateway.clients, ...result.value.clients];
  }

  get httpHost(): string {
    return this.env.MXG_HTTP_HOST ?? this.gateway.http.host;
  }

  get httpPort(): number {
    return this.env.MXG_HTTP_PORT ?? this.gateway.http.port;
  }

  /**
   * The application's connection: a role that may read and write rows but not alter the schema.
   * With `database.tls`, `sslmode=verify-full&sslrootcert=<ca>` (#15), DATABASE_URL's too.
   */
  get databaseUrl(): string {
    return this.withDatabaseTls(
      this.env.DATABASE_URL ?? this.localDatabaseUrl(databaseRoles(this.gateway.database.name).app),
    );
  }

  /** The migration role's connection: it owns the schema. TLS as `databaseUrl`. */
  get migrationDatabaseUrl(): string {
    return this.withDatabaseTls(
      this.env.MXG_MIGRATION_DATABASE_URL ??
        this.localDatabaseUrl(databaseRoles(this.gateway.database.name).owner),
    );
  }

  /**
   * #15: the CA the gateway's PostgreSQL certificate must chain to (absolute path), when its
   * gateway file sets `database.tls`; connections then use sslmode=verify-full.
   */
  get databaseTlsCa(): string | undefined {
    const tls = this.gateway.database.tls;
    return tls === undefined ? undefined : resolve(this.paths.root, tls.ca);
  }

  /**
   * The URL with the TLS parameters libpq and node-postgres read, replacing any it had: an
   * override URL (DATABASE_URL, tests' scratch databases) gets verify-full too, and a URL
   * handed on to another process or client keeps it.
   */
  private withDatabaseTls(url: string): string {
    const ca = this.databaseTlsCa;
    if (ca === undefined) return url;
    let parsed: URL;
    try {
      parsed = new URL(url);
    } catch {
      // Never the URL in the message: it may hold a password.
      throw new MxgError('DATABASE_URL_INVALID', 'the database URL is not a valid URL');
    }
    for (const name of ['ssl', 'sslmode', 'sslrootcert', 'sslcert', 'sslkey', 'uselibpqcompat']) {
      parsed.searchParams.delete(name);
    }
    parsed.searchParams.set('sslmode', 'verify-full');
    parsed.searchParams.set('sslrootcert', ca);
    return parsed.toString();
  }

  /**
   * A superuser connection for provisioning: MXG_PG_ADMIN_URL, or on 127.0.0.1 the role
   * scripts/services.sh found or made (`var/secrets/pg-admin.role`: a superuser of this
   * checkout's own, #17; `postgres` when absent) with its password, if any.
   */
  get postgresAdminUrl(): string {
    if (this.env.MXG_PG_ADMIN_URL !== undefined) return this.env.MXG_PG_ADMIN_URL;
    const role = encodeURIComponent(
      readOptionalSecret(this.paths.var, 'pg-admin.role') ?? 'postgres',
    );
    const password = readOptionalSecret(this.paths.var, 'pg-admin.password');
    const credentials = password === undefined ? role : `${role}:${encodeURIComponent(password)}`;
    return `postgres://${credentials}@127.0.0.1:5432/postgres`;
  }

  get amqpUrl(): string {
    return this.amqpTargets[0].url;
  }

  /**
   * Where the gateway reaches its party's broker, in the order to try: the configured node,
   * then the cluster's alternates (#15). AMQP_URL, when set, replaces them: one URL, or the
   * cluster's nodes as comma-separated URLs. With `amqp.tls`, each is `amqps://` with the TLS
   * files the connection needs.
   */
  get amqpTargets(): AmqpTarget[] {
    const party = this.gateway.party.toLowerCase();
    if (this.env.AMQP_URL !== undefined)
      return splitAmqpUrls(this.env.AMQP_URL).map((url) =>
        amqpUrlTarget(url, this.paths.certs, party),
      );
    const { host, port, vhost, user, tls, alternates } = this.gateway.amqp;
    const password = readSecret(this.paths.var, amqpSecretName(user));
    const scheme = tls ? 'amqps' : 'amqp';
    return [{ host, port }, ...alternates].map((node) => ({
      url: `${scheme}://${encodeURIComponent(user)}:${encodeURIComponent(password)}@${node.host}:${node.port}/${encodeURIComponent(vhost)}`,
      ...(tls
        ? {
            tls: {
              ca: join(this.paths.certs, party, 'ca.cert.pem'),
              cert: join(this.paths.certs, party, 'tls', 'client.cert.pem'),
              key: join(this.paths.certs, party, 'tls', 'client.key.pem'),
              servername: node.host,
            },
          }
        : {}),
    }));
  }

  /** A role's password is optional: a local server with trust authentication needs none. */
  private localDatabaseUrl(role: string): string {
    const { host, port, name } = this.gateway.database;
    const password = readOptionalSecret(this.paths.var, postgresSecretName(role));
    const credentials = password === undefined ? role : `${role}:${encodeURIComponent(password)}`;
    return `postgres://${credentials}@${host}:${port}/${name}`;
  }
}

/**
 * AMQP_URL's URLs: split only where the next one starts (`,amqp://`, `,amqps://`), so a comma
 * inside one URL (a query value) stays where it is.
 */
export function splitAmqpUrls(value: string): string[] {
  return value
    .split(/,\s*(?=amqps?:\/\/)/)
    .map((url) => url.trim())
    .filter(Boolean);
}

/**
 * One of AMQP_URL's targets. An `amqps://` URL takes its TLS files from the query, as
 * RabbitMQ's own URIs do (`cacertfile`, `certfile`, `keyfile`; e.g. tests whose message PKI is
 * not the one the broker trusts), else from the party's certificates directory; the name to
 * verify is the URL's host.
 */
function amqpUrlTarget(value: string, certsDir: string, party: string): AmqpTarget {
  const url = new URL(value);
  if (url.protocol !== 'amqps:') return { url: value };
  const query = (name: string, fallback: string) => url.searchParams.get(name) ?? fallback;
  const tls = {
    ca: query('cacertfile', join(certsDir, party, 'ca.cert.pem')),
    cert: query('certfile', join(certsDir, party, 'tls', 'client.cert.pem')),
    key: query('keyfile', join(certsDir, party, 'tls', 'client.key.pem')),
    servername: url.hostname,
  };
  for (const name of ['cacertfile', 'certfile', 'keyfile']) url.searchParams.delete(name);
  return { url: url.toString(), tls };
}

/** One way to the party's broker: the URL and, over AMQPS, the TLS files (PEM paths). */
export interface AmqpTarget {
  readonly url: string;
  readonly tls?: {
    /** The CA the broker's certificate must chain to: the party's own. */
    readonly ca: string;
    /** The gateway's TLS client certificate and key. */
    readonly cert: string;
    readonly key: string;
    /** The name the broker's certificate must carry (SNI and hostname check). */
    readonly servername: string;
  };
}

/** The two roles of a gateway database: the owner runs migrations, the app role runs the gateway. */
export function databaseRoles(database: string): { owner: string; app: string } {
  return { owner: `${database}_owner`, app: `${database}_app` };
}
