import { Module } from '@nestjs/common';
import { SchemasController } from './schemas.controller';

/** The published body schemas (GET /schemas, GET /schemas/{type}). */
@Module({ controllers: [SchemasController] })
export class SchemasModule {}
