import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { MxgConfigService } from '@mxg/config';
import { dataSourceOptions } from '@mxg/database';

/**
 * The gateway's PostgreSQL connection, as the application role: it reads and writes rows but
 * cannot alter the schema. Migrations run before this, as the owner (see `main.ts`).
 */
@Module({
  imports: [
    TypeOrmModule.forRootAsync({
      inject: [MxgConfigService],
      useFactory: (config: MxgConfigService) => ({
        ...dataSourceOptions(config.databaseUrl),
        autoLoadEntities: true,
        // More than pg's 10: the consumer holds up to `prefetch` deliveries, each needing a
        // connection for its transaction, while the API and the relay need theirs.
        extra: { application_name: `mxg-gateway-${config.gateway.id}`, max: 20 },
      }),
    }),
  ],
})
export class DatabaseModule {}
