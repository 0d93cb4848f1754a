import { type DynamicModule, Global, Module } from '@nestjs/common';
import { MxgConfigService } from './mxg-config.service';

/** Makes one already-loaded `MxgConfigService` injectable everywhere. */
@Global()
@Module({})
export class MxgConfigModule {
  static forRoot(config: MxgConfigService): DynamicModule {
    return {
      module: MxgConfigModule,
      providers: [{ provide: MxgConfigService, useValue: config }],
      exports: [MxgConfigService],
    };
  }
}
