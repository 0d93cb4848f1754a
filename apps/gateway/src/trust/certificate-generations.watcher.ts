import { X509Certificate } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { Inject, Injectable, Logger } from '@nestjs/common';
import { MxgConfigService } from '@mxg/config';
import type { TrustList } from '@mxg/envelope';
import { keyGenerations, partyPkiPaths } from '@mxg/pki';
import { PeriodicSweeper } from '../common/periodic-sweeper';
import { TRUST_STORE } from '../envelope/envelope.constants';

/** How often the certificates directory is looked at for new generations. */
const WATCH_MS = 10_000;

/**
 * Peers accept both generations during a rotation's overlap (issue #14): a party's next seal or
 * encryption certificate (`gateway/seal.<n>.cert.pem`, as `mxg pki rotate` writes it, or as an
 * operator copies a peer's in) joins the trust list while the gateway runs — the sender's
 * key store moves to a new generation within seconds, so its peers must not need a restart to
 * recognise it. Certificates are only ever added: one gone from the directory still verifies
 * what it sealed while it was in force. Each is still checked like any other (chain, validity,
 * revocation at signing time) when used.
 */
@Injectable()
export class CertificateGenerationsWatcher extends PeriodicSweeper {
  private readonly log = new Logger(CertificateGenerationsWatcher.name);

  constructor(
    @Inject(TRUST_STORE) private readonly trust: TrustList,
    private readonly config: MxgConfigService,
  ) {
    super('looking for new certificate generations', WATCH_MS);
  }

  protected sweep(): Promise<void> {
    for (const party of this.trust.parties()) this.look(party);
    return Promise.resolve();
  }

  /** Adds any generation on disk the trust list does not hold yet. */
  look(party: string): void {
    const current = this.trust.party(party);
    const { gateway } = partyPkiPaths(this.config.paths.certs, party);
    const seals = merged(current.seals, gateway.seal);
    const encryption = merged(current.encryptionCertificates, gateway.encryption);
    if (seals.added.length + encryption.added.length === 0) return;
    this.trust.addParty({
      party,
      anchors: current.anchors,
      seals: seals.all,
      encryptionCertificates: encryption.all,
    });
    for (const [what, added] of [
      ['seal', seals.added],
      ['encryption', encryption.added],
    ] as const) {
      for (const certificate of added) {
        this.log.log(
          `${party}'s ${what} certificate ${certificate.serialNumber} (valid from ${new Date(certificate.validFrom).toISOString()}) added to the trust list`,
        );
      }
    }
  }
}

function merged(
  held: readonly X509Certificate[],
  first: { certificate: string; privateKey: string },
): { all: X509Certificate[]; added: X509Certificate[] } {
  const added: X509Certificate[] = [];
  for (const generation of keyGenerations(first)) {
    let certificate: X509Certificate;
    try {
      certificate = new X509Certificate(readFileSync(generation.certificate));
    } catch {
      continue; // half written or not a certificate: looked at again next time
    }
    if (![...held, ...added].some((c) => c.raw.equals(certificate.raw))) added.push(certificate);
  }
  const all = [...held, ...added].sort((a, b) => Date.parse(a.validFrom) - Date.parse(b.validFrom));
  return { all, added };
}
