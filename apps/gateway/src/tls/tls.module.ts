import { Module } from '@nestjs/common';
import { MxgConfigService } from '@mxg/config';
import { loadGatewayTls } from './gateway-tls';
import { GATEWAY_TLS } from './tls.constants';

/** The gateway's TLS material for the modules that check or present certificates (#15). */
@Module({
  providers: [
    {
      provide: GATEWAY_TLS,
      inject: [MxgConfigService],
      useFactory: (config: MxgConfigService) => loadGatewayTls(config) ?? null,
    },
  ],
  exports: [GATEWAY_TLS],
})
export class TlsModule {}
