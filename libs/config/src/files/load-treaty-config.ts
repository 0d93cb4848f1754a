import { join } from 'node:path';
import { ConfigError, type ConfigIssue } from './config-error';
import { readConfigFile } from './read-config-file';
import {
  agreementsFileSchema,
  authoritiesFileSchema,
  partiesFileSchema,
  signatoriesFileSchema,
} from '../treaty/treaty-config.schema';
import { TreatyRegistry } from '../treaty/treaty-registry';
import type { TreatyData } from '../treaty/treaty.types';

export const TREATY_FILES = {
  parties: 'parties.yaml',
  authorities: 'authorities.yaml',
  agreements: 'agreements.yaml',
  signatories: 'signatories.yaml',
} as const;

/**
 * Reads and validates the treaty configuration in `configDir`: each file against its schema,
 * then every reference across files (an authority's party, an agreement's authorities, a
 * signatory's authority). Throws one `ConfigError` listing every problem with file, field and line.
 */
export function loadTreatyConfig(
  configDir: string,
  displayRoot = join(configDir, '..'),
): TreatyRegistry {
  const path = (name: string) => join(configDir, name);
  const parties = readConfigFile(path(TREATY_FILES.parties), partiesFileSchema, displayRoot);
  const authorities = readConfigFile(
    path(TREATY_FILES.authorities),
    authoritiesFileSchema,
    displayRoot,
  );
  const agreements = readConfigFile(
    path(TREATY_FILES.agreements),
    agreementsFileSchema,
    displayRoot,
  );
  const signatories = readConfigFile(
    path(TREATY_FILES.signatories),
    signatoriesFileSchema,
    displayRoot,
  );

  const issues: ConfigIssue[] = [parties, authorities, agreements, signatories].flatMap((r) =>
    r.ok ? [] : r.issues,
  );
  if (!parties.ok || !authorities.ok || !agreements.ok || !signatories.ok) {
    throw new ConfigError(issues);
  }

  const issue =
    (source: { file: string; locate: (p: PropertyKey[]) => number | undefined }) =>
    (path: PropertyKey[], field: string, message: string) =>
      issues.push({ file: source.file, field, line: source.locate(path), message });

  const partyCodes = new Set<string>();
  const onParties = issue(parties);
  parties.value.parties.forEach((p, i) => {
    if (partyCodes.has(p.code))
      onParties(['parties', i, 'code'], `parties[${i}].code`, `duplicate party ${p.code}`);
    partyCodes.add(p.code);
  });

  const authorityParty = new Map<string, string>();
  const onAuthorities = issue(authorities);
  authorities.value.authorities.forEach((a, i) => {
    const at = (f: string) => ['authorities', i, f];
    if (authorityParty.has(a.code))
      onAuthorities(at('code'), `authorities[${i}].code`, `duplicate authority ${a.code}`);
    authorityParty.set(a.code, a.party);
    if (!partyCodes.has(a.party))
      onAuthorities(at('party'), `authorities[${i}].party`, `unknown party ${a.party}`);
    if (!a.code.startsWith(`${a.party}-`)) {
      onAuthorities(
        at('code'),
        `authorities[${i}].code`,
        `must start with its party code ${a.party}-`,
      );
    }
    if (a.validTo !== null && a.validTo < a.validFrom) {
      onAuthorities(at('validTo'), `authorities[${i}].validTo`, 'is before validFrom');
    }
    // MIG-2: the authority has a name on every day it is registered.
    const first = a.names[0];
    if (first !== undefined && first.from > a.validFrom) {
      onAuthorities(
        ['authorities', i, 'names', 0, 'from'],
        `authorities[${i}].names[0].from`,
        `is after validFrom (${a.validFrom}): the authority needs a name from its first day`,
      );
    }
    a.names.forEach((n, j) => {
      if (a.validTo !== null && n.from > a.validTo) {
        onAuthorities(
          ['authorities', i, 'names', j, 'from'],
          `authorities[${i}].names[${j}].from`,
          `is after validTo (${a.validTo})`,
        );
      }
    });
  });

  const agreementCodes = new Set<string>();
  const onAgreements = issue(agreements);
  agreements.value.agreements.forEach((a, i) => {
    const at = (...f: PropertyKey[]) => ['agreements', i, ...f];
    const name = (f: string) => `agreements[${i}].${f}`;
    if (agreementCodes.has(a.code))
      onAgreements(at('code'), name('code'), `duplicate agreement ${a.code}`);
    agreementCodes.add(a.code);
    const members = a.kind === 'bilateral' ? [...a.parties] : a.participants.map((p) => p.party);
    members.forEach((party, j) => {
      const field = a.kind === 'bilateral' ? ['parties', j] : ['participants', j, 'party'];
      const label = a.kind === 'bilateral' ? `parties[${j}]` : `participants[${j}].party`;
      if (!partyCodes.has(party)) onAgreements(at(...field), name(label), `unknown party ${party}`);
      if (members.indexOf(party) !== j)
        onAgreements(at(...field), name(label), `party ${party} is listed twice`);
    });
    if (
      a.kind === 'bilateral' &&
      a.terminationNoticeReceived !== null &&
      a.terminationNoticeReceived < a.inForceFrom
    ) {
      onAgreements(
        at('terminationNoticeReceived'),
        name('terminationNoticeReceived'),
        'is before inForceFrom',
      );
    }
    a.authorities.forEach((code, j) => {
      const party = authorityParty.get(code);
      if (party === undefined) {
        onAgreements(
          at('authorities', j),
          name(`authorities[${j}]`),
          `unknown authority ${code} (MIG-2)`,
        );
      } else if (!members.includes(party)) {
        onAgreements(
          at('authorities', j),
          name(`authorities[${j}]`),
          `authority ${code} belongs to ${party}, which is not a party to ${a.code}`,
        );
      }
    });
  });

  const signatoryIds = new Set<string>();
  const onSignatories = issue(signatories);
  signatories.value.signatories.forEach((s, i) => {
    const at = (f: string) => ['signatories', i, f];
    if (signatoryIds.has(s.id))
      onSignatories(at('id'), `signatories[${i}].id`, `duplicate signatory ${s.id}`);
    signatoryIds.add(s.id);
    if (!authorityParty.has(s.authority)) {
      onSignatories(
        at('authority'),
        `signatories[${i}].authority`,
        `unknown authority ${s.authority} (MIG-9.3)`,
      );
    }
    if (s.validTo !== null && s.validTo < s.validFrom) {
      onSignatories(at('validTo'), `signatories[${i}].validTo`, 'is before validFrom');
    }
  });

  if (issues.length > 0) throw new ConfigError(issues);

  const data: TreatyData = {
    parties: parties.value.parties,
    authorities: authorities.value.authorities,
    agreements: agreements.value.agreements,
    signatories: signatories.value.signatories,
  };
  return new TreatyRegistry(data);
}
