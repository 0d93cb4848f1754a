import { createParamDecorator, type ExecutionContext, SetMetadata } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import type { AuthenticatedClient, ClientRole } from './auth.types';

export const ROLES_KEY = 'mxg:roles';

/** The roles allowed to call a handler or controller (any one of them suffices). */
export const Roles = (...roles: ClientRole[]) => SetMetadata(ROLES_KEY, roles);

export type RequestWithClient = FastifyRequest & { mxgClient?: AuthenticatedClient };

/** The client `BearerAuthGuard` authenticated. */
export const CurrentClient = createParamDecorator(
  (_: unknown, context: ExecutionContext): AuthenticatedClient => {
    const client = context.switchToHttp().getRequest<RequestWithClient>().mxgClient;
    if (client === undefined)
      throw new Error('CurrentClient used on a route without BearerAuthGuard');
    return client;
  },
);
