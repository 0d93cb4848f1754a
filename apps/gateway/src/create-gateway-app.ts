import { type INestApplication, Logger, type LogLevel } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import type { MxgConfigService } from '@mxg/config';
import { type Clock, SystemClock } from '@mxg/core';
import { runMigrations } from '@mxg/database';
import { GatewayModule } from './gateway.module';

const LEVELS: LogLevel[] = ['error', 'warn', 'log', 'debug', 'verbose'];

/**
 * Builds a ready-to-listen gateway: migrations first (as the schema owner, under a lock), then
 * the Nest application (as the application role), with the OpenAPI document served at /docs.
 */
export async function createGatewayApp(
  config: MxgConfigService,
  clock: Clock = new SystemClock(),
): Promise<INestApplication> {
  const logger = new Logger('Gateway');
  if (config.env.MXG_RUN_MIGRATIONS === 'true') {
    const applied = await runMigrations(config.migrationDatabaseUrl);
    if (applied.length > 0) logger.log(`applied migrations: ${applied.join(', ')}`);
  }
  const level = LEVELS.indexOf(config.env.MXG_LOG_LEVEL);
  const app = await NestFactory.create(GatewayModule.forRoot(config, clock), {
    logger: LEVELS.slice(0, level + 1),
  });
  app.enableShutdownHooks();
  const { party, id } = config.gateway;
  const document = SwaggerModule.createDocument(
    app,
    new DocumentBuilder()
      .setTitle(`MXG gateway ${id} (${party})`)
      .setDescription('The national-system API of one party’s MXG gateway.')
      .setVersion('0.1.0')
      .build(),
  );
  SwaggerModule.setup('docs', app, document);
  return app;
}
