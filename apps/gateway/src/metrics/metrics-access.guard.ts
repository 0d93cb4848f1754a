import { createHash, timingSafeEqual } from 'node:crypto';
import {
  type CanActivate,
  type ExecutionContext,
  Injectable,
  NotFoundException,
} from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { MxgConfigService } from '@mxg/config';
import { AuthError } from '../auth/auth.errors';

/**
 * Who may read `/metrics` (#17), as MXG_METRICS says: anyone (`open`, the Prometheus norm — the
 * metrics hold no personal data and no content), a scraper with the bearer token whose SHA-256
 * is MXG_METRICS_TOKEN_SHA256 (`token`), or no one (`off`: the route answers 404 NOT_FOUND).
 */
@Injectable()
export class MetricsAccessGuard implements CanActivate {
  constructor(private readonly config: MxgConfigService) {}

  canActivate(context: ExecutionContext): boolean {
    const { MXG_METRICS: access, MXG_METRICS_TOKEN_SHA256: expected } = this.config.env;
    if (access === 'open') return true;
    if (access === 'off' || expected === undefined)
      throw new NotFoundException('no route /metrics');
    const header = context.switchToHttp().getRequest<FastifyRequest>().headers.authorization;
    const token = typeof header === 'string' ? /^Bearer (\S+)$/.exec(header)?.[1] : undefined;
    const given = createHash('sha256')
      .update(token ?? '')
      .digest();
    if (token === undefined || !timingSafeEqual(given, Buffer.from(expected, 'hex'))) {
      throw new AuthError('AUTH_UNAUTHENTICATED', 'a valid metrics bearer token is required');
    }
    return true;
  }
}
