import { Logger } from '@nestjs/common';
import { formatIssue, ConfigError, MxgConfigService } from '@mxg/config';
import { createGatewayApp } from './create-gateway-app';
import { listenGateway } from './tls/listen-gateway';

async function bootstrap(): Promise<void> {
  const config = MxgConfigService.load();
  const app = await createGatewayApp(config);
  const url = await listenGateway(app, config);
  new Logger('Gateway').log(
    `gateway ${config.gateway.id} (${config.gateway.party}) listening on ${url} — health at /health, API docs at /docs`,
  );
}

bootstrap().catch((error: unknown) => {
  if (error instanceof ConfigError) {
    process.stderr.write(
      `gateway: configuration is invalid:\n${error.issues.map((i) => `  - ${formatIssue(i)}`).join('\n')}\n`,
    );
  } else {
    process.stderr.write(
      `gateway: failed to start: ${error instanceof Error ? error.message : String(error)}\n`,
    );
  }
  process.exit(1);
});
