import { Module } from '@nestjs/common';
import { BearerAuthGuard } from './bearer-auth.guard';
import { ClientRegistry } from './client-registry';
import { WhoamiController } from './whoami.controller';

/**
 * Who may call the gateway's API: bearer tokens per client, roles per client, all from the
 * gateway file. Generic on purpose: the national-system API (issue 5) reuses it.
 */
@Module({
  controllers: [WhoamiController],
  providers: [ClientRegistry, BearerAuthGuard],
  exports: [ClientRegistry, BearerAuthGuard],
})
export class AuthModule {}
