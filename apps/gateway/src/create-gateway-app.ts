import { type INestApplication, Logger } from '@nestjs/common';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import type { MxgConfigService } from '@mxg/config';
import { type Clock, OffsetClock, SystemClock } from '@mxg/core';
import { runMigrations } from '@mxg/database';
import { API_VERSION, UNVERSIONED_ROUTES } from './api/api-version';
import { createHttpApp } from './api/http-server';
import { serveConsole } from './console/serve-console';
import { checkDatabaseBeforeStart } from './database-start-checks';
import { addProblemResponses } from './api/openapi-problems';
import { GatewayModule } from './gateway.module';
import { addBodySchemas } from './schemas/openapi-body-schemas';
import { requireClientCertificate } from './tls/client-certificate.hook';
import { loadGatewayTls } from './tls/gateway-tls';
import { httpsOptions } from './tls/https-options';
import { GatewayLogger } from './logging/gateway-logger';

/**
 * Builds a ready-to-listen gateway: migrations first (as the schema owner, under a lock) — or,
 * with MXG_RUN_MIGRATIONS=false, a check as the application role that none is pending — then
 * the Nest application (as the application role), with the OpenAPI document served at /docs.
 * Listen with `listenGateway`, which knows about HTTPS (#15).
 */
export async function createGatewayApp(
  config: MxgConfigService,
  clock?: Clock,
): Promise<INestApplication> {
  // #17: every Nest logger writes through pino from here on — JSON lines unless on a terminal.
  const gatewayLogger = new GatewayLogger({
    level: config.env.MXG_LOG_LEVEL,
    format: config.env.MXG_LOG_FORMAT,
    base: { gateway: config.gateway.id, party: config.gateway.party },
  });
  Logger.overrideLogger(gatewayLogger);
  const logger = new Logger('Gateway');
  const offsetFile = config.env.MXG_CLOCK_OFFSET_FILE;
  if (clock === undefined && offsetFile !== undefined) {
    logger.warn(
      `MXG_CLOCK_OFFSET_FILE is set: time is moved by the offset in ${offsetFile} (tests only)`,
    );
  }
  clock ??= offsetFile === undefined ? new SystemClock() : new OffsetClock(offsetFile);
  const migrate = config.env.MXG_RUN_MIGRATIONS === 'true';
  if (migrate) {
    const applied = await runMigrations(config.migrationDatabaseUrl);
    if (applied.length > 0) logger.log(`applied migrations: ${applied.join(', ')}`);
  }
  // #17: without MXG_RUN_MIGRATIONS the migrations are a step of their own, and this process
  // holds the application role only: it checks that none is pending.
  await checkDatabaseBeforeStart(config.databaseUrl, migrate);
  // #15: with `http.tls`, HTTPS only (listenGateway puts the plain-HTTP refusal in front).
  const tls = loadGatewayTls(config);
  const app = await createHttpApp(
    GatewayModule.forRoot(config, clock),
    {
      maxBodyBytes: config.gateway.exchange.maxMessageBytes,
      ...(tls === undefined ? {} : { https: httpsOptions(tls) }),
      ...(tls?.clientCertificates === 'require'
        ? { onRequest: requireClientCertificate(tls, config.gateway.party) }
        : {}),
    },
    { logger: gatewayLogger },
  );
  app.enableShutdownHooks();
  app.setGlobalPrefix(API_VERSION, { exclude: UNVERSIONED_ROUTES });
  const { party, id } = config.gateway;
  const document = SwaggerModule.createDocument(
    app,
    new DocumentBuilder()
      .setTitle(`MXG gateway ${id} (${party})`)
      .setDescription('The national-system API of one party’s MXG gateway.')
      .setVersion('0.1.0')
      // The scheme `@ApiBearerAuth()` names on the protected controllers: /docs's Authorize.
      .addBearerAuth({
        type: 'http',
        scheme: 'bearer',
        description: 'an API client’s token (`mxg auth token`); only its SHA-256 is configured',
      })
      .build(),
  );
  addBodySchemas(document, config.vocabulary);
  addProblemResponses(document);
  SwaggerModule.setup('docs', app, document);
  await serveConsole(app);
  return app;
}
