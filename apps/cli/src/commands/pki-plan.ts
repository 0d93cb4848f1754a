import { relative } from 'node:path';
import { listGateways, type MxgConfigService } from '@mxg/config';
import { MxgError } from '@mxg/core';
import {
  crlDistributionPointUrl,
  partyPkiPaths,
  type PkiPartyPlan,
  type PkiSignatoryPlan,
} from '@mxg/pki';

/**
 * The development PKI the configuration calls for: one per party that has a gateway in
 * `config/gateways/`, with a certificate for every signatory of that party's authorities
 * (MIG-9.3) at the path `signatories.yaml` names for it. Every certificate names, as its CRL
 * distribution point, the CRL endpoint of the party's gateway (the first, when it has several),
 * at the host and port of its gateway file.
 */
export function pkiPlanFromConfig(config: MxgConfigService): PkiPartyPlan[] {
  const { treaty } = config;
  const gatewayOf = new Map<string, { host: string; port: number }>();
  for (const id of listGateways(config.paths.config)) {
    const { party, http } = config.forGateway(id).gateway;
    if (!gatewayOf.has(party)) gatewayOf.set(party, http);
  }
  return [...gatewayOf].map(([code, http]) => {
    const authorities = treaty.authoritiesOf(code);
    const signatories = treaty
      .allSignatories()
      .filter((s) => authorities.some((a) => a.code === s.authority));
    for (const s of signatories) {
      const expected = relative(
        config.paths.certs,
        partyPkiPaths(config.paths.certs, code).signatory(s.id).certificate,
      );
      // The development PKI issues the newest certificate; older ones (renewals) stay listed.
      const newest = s.certificates[s.certificates.length - 1];
      if (newest !== expected) {
        throw new MxgError(
          'PKI_PLAN_MISMATCH',
          `signatories.yaml: signatory ${s.id} names certificate ${newest}, but the development PKI issues it at ${expected}`,
        );
      }
    }
    return {
      code,
      nameEn: treaty.party(code).names.en,
      crlDistributionPoint: crlDistributionPointUrl(http, code),
      // #15: every party with a gateway gets its transport certificates (tls/server, client, link).
      tls: {},
      signatories: signatories.map((s) => signatoryPlan(config, s.id)),
    };
  });
}

/** What a signatory's certificate says of them (MIG-9.3), from `signatories.yaml`. */
export function signatoryPlan(config: MxgConfigService, signatoryId: string): PkiSignatoryPlan {
  const { treaty } = config;
  const s = treaty.allSignatories().find((candidate) => candidate.id === signatoryId);
  if (s === undefined) {
    throw new MxgError('PKI_PLAN_MISMATCH', `signatories.yaml has no signatory ${signatoryId}`);
  }
  return {
    id: s.id,
    authorityCode: s.authority,
    // The name the authority bore when the signatory was authorised (MIG-2 keeps renames).
    authorityNameEn: treaty.authorityName(s.authority, new Date(`${s.validFrom}T00:00:00Z`)).en,
    commonName: s.person.en,
    position: s.position.en,
  };
}
