import { type CanActivate, type ExecutionContext, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { FastifyReply } from 'fastify';
import { AuthError } from './auth.errors';
import type { ClientRole } from './auth.types';
import { ClientRegistry } from './client-registry';
import { ROLES_KEY, type RequestWithClient } from './roles.decorator';

/**
 * `Authorization: Bearer <token>` for every route it guards: 401 without a token or with one no
 * client holds, 403 when the client lacks every role `@Roles` names (MIG-11.4: access control
 * per role). A guarded route without `@Roles` admits any authenticated client.
 */
@Injectable()
export class BearerAuthGuard implements CanActivate {
  constructor(
    private readonly registry: ClientRegistry,
    private readonly reflector: Reflector,
  ) {}

  canActivate(context: ExecutionContext): boolean {
    const http = context.switchToHttp();
    const request = http.getRequest<RequestWithClient>();
    const match = /^Bearer ([A-Za-z0-9._~+/-]+=*)$/.exec(request.headers.authorization ?? '');
    const client = match ? this.registry.authenticate(match[1]) : undefined;
    if (client === undefined) {
      http.getResponse<FastifyReply>().header('WWW-Authenticate', 'Bearer realm="mxg"');
      throw new AuthError('AUTH_UNAUTHENTICATED', 'a valid bearer token is required');
    }
    const roles = this.reflector.getAllAndOverride<ClientRole[] | undefined>(ROLES_KEY, [
      context.getHandler(),
      context.getClass(),
    ]);
    if (roles !== undefined && !roles.some((r) => client.roles.includes(r))) {
      throw new AuthError('AUTH_FORBIDDEN', `this requires the role ${roles.join(' or ')}`);
    }
    request.mxgClient = client;
    return true;
  }
}
