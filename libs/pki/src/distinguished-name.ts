import { PkiError } from './pki-error';
import type { PkiSignatoryPlan } from './pki-plan';
import { x509 } from './x509-provider';

/** The subject fields MXG certificates use, in the order they appear in the DN. */
export interface DistinguishedName {
  country?: string;
  organization: string;
  organizationalUnit?: string;
  title?: string;
  commonName: string;
}

const ATTRIBUTE_OID = {
  country: '2.5.4.6',
  organization: '2.5.4.10',
  organizationalUnit: '2.5.4.11',
  title: '2.5.4.12',
  commonName: '2.5.4.3',
} as const;

/**
 * Values are passed as typed strings so @peculiar/x509 never parses them: its string handling
 * unquotes, unescapes and treats a leading '#' as hex, which would let an authority name from
 * configuration rewrite the DN. countryName must be a PrintableString (RFC 5280 App. A).
 */
export function toX509Name(dn: DistinguishedName): x509.Name {
  const rdns: x509.JsonNameParams = [];
  for (const field of Object.keys(ATTRIBUTE_OID) as (keyof DistinguishedName)[]) {
    const value = dn[field];
    if (value === undefined) continue;
    if (value.trim() === '') {
      throw new PkiError('PKI_INVALID_REQUEST', `subject ${field} must not be empty`);
    }
    const typed = field === 'country' ? { printableString: value } : { utf8String: value };
    rdns.push({ [ATTRIBUTE_OID[field]]: [typed] });
  }
  return new x509.Name(rdns);
}

function pkiOrganization(partyCode: string): string {
  return `MXG development PKI (${partyCode})`;
}

/** countryName only takes ISO 3166 alpha-2 codes; other parties get no C attribute. */
function countryOf(partyCode: string): string | undefined {
  return /^[A-Z]{2}$/.test(partyCode) ? partyCode : undefined;
}

export function rootCaSubject(partyCode: string): DistinguishedName {
  return {
    country: countryOf(partyCode),
    organization: pkiOrganization(partyCode),
    commonName: `MXG ${partyCode} Root CA`,
  };
}

export type GatewayRole = 'seal' | 'encryption' | 'audit-checkpoint';

const GATEWAY_ROLE_NAME: Record<GatewayRole, string> = {
  seal: 'gateway seal',
  encryption: 'gateway encryption',
  'audit-checkpoint': 'gateway audit checkpoint',
};

export function gatewaySubject(partyCode: string, role: GatewayRole): DistinguishedName {
  return {
    country: countryOf(partyCode),
    organization: pkiOrganization(partyCode),
    organizationalUnit: 'MXG gateway',
    commonName: `MXG ${partyCode} ${GATEWAY_ROLE_NAME[role]}`,
  };
}

export function signatorySubject(
  partyCode: string,
  signatory: PkiSignatoryPlan,
): DistinguishedName {
  return {
    country: countryOf(partyCode),
    organization: signatory.authorityNameEn,
    organizationalUnit: signatory.authorityCode,
    title: signatory.position,
    commonName: signatory.commonName,
  };
}

export type TlsRole = 'server' | 'client' | 'link';

/**
 * #15: the subjects of a party's transport certificates. The link's is what a peer broker
 * reads as the login of the EXTERNAL mechanism (`CN=mxg-link-<party>,O=<party>,C=<party>`), so
 * it is short and fixed; the gateway's client certificate follows the same pattern
 * (`CN=mxg-gateway-<party>`). The server's names that count are in its subjectAltName.
 */
export function tlsSubject(partyCode: string, role: TlsRole): DistinguishedName {
  const party = partyCode.toLowerCase();
  const commonName = {
    server: `mxg-server-${party}`,
    client: `mxg-gateway-${party}`,
    link: `mxg-link-${party}`,
  }[role];
  return { country: countryOf(partyCode), organization: partyCode, commonName };
}

/** One development CA for the services the parties share on a development machine (#15). */
export function servicesCaSubject(): DistinguishedName {
  return { organization: 'MXG development services', commonName: 'MXG development services CA' };
}

/** The PostgreSQL server's certificate subject; clients check its subjectAltName. */
export function servicesServerSubject(service: string): DistinguishedName {
  return { organization: 'MXG development services', commonName: `mxg-${service}` };
}
