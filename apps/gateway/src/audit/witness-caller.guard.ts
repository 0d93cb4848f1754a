import { type CanActivate, type ExecutionContext, Inject, Injectable } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import type { TLSSocket } from 'node:tls';
import { clientCertificateVerdict } from '../tls/client-certificate';
import type { GatewayTls } from '../tls/gateway-tls';
import { GATEWAY_TLS } from '../tls/tls.constants';
import { AuditApiError, AuditApiErrorCode } from './audit.errors';
import { WitnessCheckpoint } from './use-cases/witness-checkpoint/witness-checkpoint.use-case';

/** The request of a witness call whose caller proved its party by a TLS client certificate. */
export type WitnessCallRequest = FastifyRequest & { witnessCaller?: string };

/**
 * #15: with TLS on, a peer's witness call comes over mutual TLS — its client certificate must
 * chain to the CA of one of this gateway's witness peers (the controller then holds the
 * checkpoint to that party's log). Refusals are audited like the witness's others. Without
 * `http.tls` the endpoint stays as it was: open, everything it accepts verified by signature.
 */
@Injectable()
export class WitnessCallerGuard implements CanActivate {
  constructor(
    @Inject(GATEWAY_TLS) private readonly tls: GatewayTls | null,
    private readonly witnessCheckpoint: WitnessCheckpoint,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    if (this.tls === null) return true;
    const request = context.switchToHttp().getRequest<WitnessCallRequest>();
    const verdict = clientCertificateVerdict(
      request.socket as TLSSocket,
      this.tls.peerCas.values(),
    );
    if (verdict.kind === 'party') {
      request.witnessCaller = verdict.party;
      return true;
    }
    if (verdict.kind === 'none') {
      await this.witnessCheckpoint.callerRefused(
        AuditApiErrorCode.WitnessClientCertificateRequired,
      );
      throw new AuditApiError(
        AuditApiErrorCode.WitnessClientCertificateRequired,
        'a witness call needs the calling gateway’s TLS client certificate (mutual TLS)',
      );
    }
    await this.witnessCheckpoint.callerRefused(AuditApiErrorCode.WitnessCallerUntrusted);
    throw new AuditApiError(
      AuditApiErrorCode.WitnessCallerUntrusted,
      `the TLS client certificate is not a witness peer's: ${verdict.reason}`,
    );
  }
}
