import { type INestApplication, Logger, type LogLevel } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { json, raw, type RequestHandler } from 'express';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import type { MxgConfigService } from '@mxg/config';
import { type Clock, OffsetClock, SystemClock } from '@mxg/core';
import { runMigrations } from '@mxg/database';
import { CMS_MEDIA_TYPES } from './exchange/exchange.controller';
import { GatewayModule } from './gateway.module';

const LEVELS: LogLevel[] = ['error', 'warn', 'log', 'debug', 'verbose'];

/**
 * Builds a ready-to-listen gateway: migrations first (as the schema owner, under a lock), then
 * the Nest application (as the application role), with the OpenAPI document served at /docs.
 */
export async function createGatewayApp(
  config: MxgConfigService,
  clock?: Clock,
): Promise<INestApplication> {
  const logger = new Logger('Gateway');
  const offsetFile = config.env.MXG_CLOCK_OFFSET_FILE;
  if (clock === undefined && offsetFile !== undefined) {
    logger.warn(
      `MXG_CLOCK_OFFSET_FILE is set: time is moved by the offset in ${offsetFile} (tests only)`,
    );
  }
  clock ??= offsetFile === undefined ? new SystemClock() : new OffsetClock(offsetFile);
  if (config.env.MXG_RUN_MIGRATIONS === 'true') {
    const applied = await runMigrations(config.migrationDatabaseUrl);
    if (applied.length > 0) logger.log(`applied migrations: ${applied.join(', ')}`);
  }
  const level = LEVELS.indexOf(config.env.MXG_LOG_LEVEL);
  const app = await NestFactory.create<NestExpressApplication>(
    GatewayModule.forRoot(config, clock),
    {
      logger: LEVELS.slice(0, level + 1),
      bodyParser: false,
    },
  );
  // One size limit for every way in; a larger body is refused (413) before it is parsed.
  const limit = config.gateway.exchange.maxMessageBytes;
  app.use(withCodedErrors(json({ limit })));
  app.use(withCodedErrors(raw({ type: CMS_MEDIA_TYPES, limit })));
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

/**
 * Body-parser failures answered like every other refusal, with a stable code, instead of
 * express's HTML error page: malformed JSON (400) and oversize bodies (413).
 */
function withCodedErrors(parser: RequestHandler): RequestHandler {
  return (request, response, next) => {
    parser(request, response, (error?: unknown) => {
      if (!error) return next();
      const type = (error as { type?: string }).type;
      if (type === 'entity.too.large') {
        response.status(413).json({
          code: 'PAYLOAD_TOO_LARGE',
          message: 'the request body exceeds the configured maximum',
        });
      } else if (type === 'entity.parse.failed') {
        response
          .status(400)
          .json({ code: 'MALFORMED_JSON', message: 'the request body is not valid JSON' });
      } else {
        response
          .status(400)
          .json({ code: 'MALFORMED_REQUEST', message: 'the request body could not be read' });
      }
    });
  };
}
