import { RequestMethod } from '@nestjs/common';
import type { RouteInfo } from '@nestjs/common/interfaces';

/**
 * The API's version, the first segment of every path a national system, a security officer, an
 * auditor or a peer calls (`/v1/messages`, `/v1/audit/witness`): a later, incompatible version
 * is served beside it under `/v2` while clients move.
 */
export const API_VERSION = 'v1';

/**
 * What stays where it is, outside any version: probes and metrics (what orchestrators and
 * Prometheus are configured with), and the CRL, whose URL is written into every certificate the
 * party's CA issued (RFC 5280 §4.2.1.13). `/docs` and `/console` are not Nest routes of the API.
 */
export const UNVERSIONED_ROUTES: RouteInfo[] = [
  { path: 'health', method: RequestMethod.ALL },
  { path: 'health/live', method: RequestMethod.ALL },
  { path: 'health/ready', method: RequestMethod.ALL },
  { path: 'metrics', method: RequestMethod.ALL },
  { path: 'pki/:file', method: RequestMethod.ALL },
];

/** A versioned path: `apiPath('/messages')` is `/v1/messages`. */
export function apiPath(path: string): string {
  return `/${API_VERSION}${path}`;
}
