import { addDays, RET_CLAIM_DAYS, type SettlementsConfig, type TreatyRegistry } from '@mxg/config';
import type { ClaimLine, ReimbursementClaim } from '@mxg/messages';
import { convertLine, nationalAmount, sumUsd } from '../money/convert-line';
import { money, sameAmount } from '../money/money';
import type { RateTable } from '../rates/rate-table';
import type { ClaimCheck, ClaimProblem, ClaimProblemCode, ClaimWarningCode } from './claim-problem';
import {
  ALWAYS_REQUIRED,
  REQUIRED_FOR_LINE,
  SUPPORTING_KINDS,
  TRAVEL_KINDS,
} from './required-documents';

export interface ClaimCheckContext {
  readonly treaty: TreatyRegistry;
  readonly settlements: SettlementsConfig;
  /** May be empty: then lines are not checked against a table (a warning says so). */
  readonly rates: RateTable;
  /** The sender (header.from.party): the state of stay. */
  readonly from: { readonly party: string };
  /** The addressee: the state of residence, which pays. */
  readonly to: { readonly party: string };
  /** YYYY-MM-DD, the sender authority's local date of createdAt. */
  readonly sentOn: string;
}

const USD = 'USD';

/**
 * The one check of a reimbursement claim's substance (RET-3.1 to RET-3.7), the same at the
 * sending gateway, the receiving gateway and in `mxg claim check`. `body` has passed the
 * `reimbursement-claim` schema. Every problem is listed, not just the first; messages carry
 * amounts, codes and dates, never a person's data.
 */
export function checkClaim(body: unknown, ctx: ClaimCheckContext): ClaimCheck {
  const claim = body as ReimbursementClaim;
  const problems: ClaimProblem[] = [];
  const warnings: ClaimProblem[] = [];
  const problem = (code: ClaimProblemCode, path: string, message: string, treaty: string) =>
    problems.push({ code, path: `body${path}`, message, treaty });
  const warn = (code: ClaimWarningCode, path: string, message: string, treaty: string) =>
    warnings.push({ code, path: `body${path}`, message, treaty });

  // RET-3.1: from the state of stay to the state of residence, never the other way.
  if (claim.stayState !== ctx.from.party) {
    problem(
      'CLAIM_WRONG_DIRECTION',
      '.stayState',
      `the claim is sent by ${ctx.from.party}, so the state of stay must be ${ctx.from.party}, not ${claim.stayState}: the state of stay claims`,
      'RET-3.1',
    );
  }
  if (claim.residenceState !== ctx.to.party) {
    problem(
      'CLAIM_WRONG_DIRECTION',
      '.residenceState',
      `the claim goes to ${ctx.to.party}, so the state of residence must be ${ctx.to.party}, not ${claim.residenceState}: the state of residence pays`,
      'RET-3.1',
    );
  }

  // RET-3.2: within 15 calendar days after the return — late is flagged, not refused.
  const lastDay = addDays(claim.returnAct.handoverDate, RET_CLAIM_DAYS);
  if (ctx.sentOn > lastDay) {
    warn(
      'CLAIM_LATE',
      '.returnAct.handoverDate',
      `sent on ${ctx.sentOn}, more than ${RET_CLAIM_DAYS} calendar days after the return on ${claim.returnAct.handoverDate} (last day ${lastDay})`,
      'RET-3.2',
    );
  }

  documentProblems(claim, problem);

  // The state of stay's national currency and bank (RET-3.7).
  const party = partyOf(ctx.treaty, ctx.from.party);
  const policy = ctx.settlements.rounding;
  const caps = ctx.settlements.caps[ctx.from.party];
  const checkTable = party !== undefined && ctx.rates.sources().includes(party.bank);
  if (party !== undefined && !checkTable) {
    warn(
      'RATE_NOT_COVERED',
      '.lines',
      `no imported rate table of ${party.bank}: the rates were not checked against official ones`,
      'RET-3.7',
    );
  }

  claim.lines.forEach((line, i) => {
    const at = `.lines[${i}]`;
    const no = `line ${line.no}`;
    let convertible = true;
    if (party !== undefined) {
      // Which rates the currency needs: national → only the USD rate; USD → none; else both.
      const needsRate = line.currency !== party.currency && line.currency !== USD;
      const needsUsdRate = line.currency !== USD;
      for (const [field, present, needed, of] of [
        ['rate', line.rate !== undefined, needsRate, line.currency],
        ['usdRate', line.usdRate !== undefined, needsUsdRate, USD],
      ] as const) {
        if (needed && !present) {
          convertible = false;
          problem(
            'RATE_MISSING',
            `${at}.${field}`,
            `${no}: an expense in ${line.currency} needs the ${party.bank} rate of ${of} on ${line.expenseDate}`,
            'RET-3.7',
          );
        } else if (!needed && present) {
          convertible = false;
          problem(
            'RATE_UNEXPECTED',
            `${at}.${field}`,
            line.currency === USD
              ? `${no}: an expense in US dollars needs no rate`
              : `${no}: an expense in the national currency ${party.currency} needs no rate of its own`,
            'RET-3.7',
          );
        }
      }
      for (const [field, rate, currency] of [
        ['rate', line.rate, line.currency],
        ['usdRate', line.usdRate, USD],
      ] as const) {
        if (rate === undefined) continue;
        if (rate.source !== party.bank) {
          problem(
            'RATE_SOURCE_WRONG',
            `${at}.${field}.source`,
            `${no}: the rate must be ${party.bank}'s, the national bank of the state of stay, not ${rate.source}`,
            'RET-3.7',
          );
        } else if (checkTable) {
          const official = ctx.rates.rateOn(party.bank, currency, line.expenseDate);
          if (official === 'not-covered') {
            warn(
              'RATE_NOT_COVERED',
              `${at}.${field}`,
              `${no}: no imported ${party.bank} rate of ${currency} on or before ${line.expenseDate}`,
              'RET-3.7',
            );
          } else if (
            !money(rate.value)
              .dividedBy(rate.units)
              .equals(money(official.value).dividedBy(official.units))
          ) {
            problem(
              'RATE_MISMATCH',
              `${at}.${field}.value`,
              `${no}: the official ${party.bank} rate of ${currency} in force on ${line.expenseDate} is ${official.value} per ${official.units} (from ${official.date}), not ${rate.value} per ${rate.units}`,
              'RET-3.7',
            );
          }
        }
      }
      capProblems(line, at, party, caps, ctx.rates, problem);
    }
    // RET-3.6: the line's USD amount is its conversion, rounded once under the policy.
    if (convertible) {
      const expected = convertLine(line, policy);
      if (!sameAmount(expected, line.usd)) {
        problem(
          'LINE_USD_MISMATCH',
          `${at}.usd`,
          `${no}: expected ${expected} USD (${policy.mode}, ${policy.scale} decimals), claimed ${line.usd}`,
          'RET-3.6',
        );
      }
    }
  });

  // RET-2, RET-3.6: «Итого» in US dollars, the sum of the lines.
  if (claim.total.currency !== USD) {
    problem(
      'TOTAL_CURRENCY',
      '.total.currency',
      `must be USD, not ${claim.total.currency}`,
      'RET-2',
    );
  }
  const sum = sumUsd(claim.lines.map((l) => l.usd));
  if (!sameAmount(sum, claim.total.amount)) {
    problem(
      'TOTAL_MISMATCH',
      '.total.amount',
      `the lines sum to ${sum}, the total claims ${claim.total.amount}`,
      'RET-3.6',
    );
  }
  return { problems, warnings };
}

type Report = (code: ClaimProblemCode, path: string, message: string, treaty: string) => void;

/** RET-3.1, RET-3.2: documents exist, refer to attachments, support their lines, suffice. */
function documentProblems(claim: ReimbursementClaim, problem: Report): void {
  const attachments = new Map(claim.attachments.map((a) => [a.id, a]));
  const documents = new Map(claim.documents.map((d) => [d.id, d]));
  claim.documents.forEach((doc, i) => {
    const attachment = attachments.get(doc.attachment);
    if (attachment === undefined) {
      problem(
        'DOCUMENT_UNKNOWN',
        `.documents[${i}].attachment`,
        `document ${doc.id} names no attachment ${doc.attachment} of this claim`,
        'RET-3.2',
      );
    } else if (attachment.kind !== 'document') {
      problem(
        'DOCUMENT_KIND_MISMATCH',
        `.documents[${i}].attachment`,
        `document ${doc.id} names attachment ${doc.attachment}, a ${attachment.kind}, not a document`,
        'RET-3.2',
      );
    }
  });
  claim.lines.forEach((line, i) => {
    const doc = documents.get(line.document);
    if (doc === undefined) {
      problem(
        'DOCUMENT_UNKNOWN',
        `.lines[${i}].document`,
        `line ${line.no} names no document ${line.document} of this claim`,
        'RET-3.6',
      );
    } else if (!SUPPORTING_KINDS[line.kind].includes(doc.kind)) {
      problem(
        'DOCUMENT_KIND_MISMATCH',
        `.lines[${i}].document`,
        `line ${line.no} (${line.kind}) names document ${doc.id}, a ${doc.kind}; it needs one of ${SUPPORTING_KINDS[line.kind].join(', ')}`,
        'RET-3.6',
      );
    }
  });

  const present = new Set(claim.documents.map((d) => d.kind));
  const missing = new Map<string, string>();
  for (const { kind, treaty } of ALWAYS_REQUIRED) {
    if (!present.has(kind)) missing.set(kind, `every claim needs a ${kind} document (${treaty})`);
  }
  for (const line of claim.lines) {
    for (const kind of REQUIRED_FOR_LINE[line.kind] ?? []) {
      if (!present.has(kind) && !missing.has(kind)) {
        missing.set(kind, `a ${line.kind} line (line ${line.no}) needs a ${kind} document`);
      }
    }
  }
  const noFare = claim.documents.find(
    (d) => TRAVEL_KINDS.includes(d.kind) && d.showsFare === false,
  );
  if (noFare !== undefined && !present.has('fare-certificate')) {
    missing.set(
      'fare-certificate',
      `travel document ${noFare.id} shows no fare: it needs a fare-certificate document, the carrier's certificate of the fare on the purchase date`,
    );
  }
  for (const [kind, message] of missing) {
    problem(
      'DOCUMENT_MISSING',
      '.documents',
      message,
      kind === 'return-act' ? 'RET-3.1' : 'RET-3.2',
    );
  }
}

interface StayParty {
  readonly currency: string;
  readonly bank: string;
}

function partyOf(treaty: TreatyRegistry, code: string): StayParty | undefined {
  const party = treaty.allParties().find((p) => p.code === code);
  return party && { currency: party.currency, bank: party.nationalBank.code };
}

/** RET-3.3, RET-3.4: accommodation and per diems at most the state of stay's norm per unit. */
function capProblems(
  line: ClaimLine,
  at: string,
  party: StayParty,
  caps: SettlementsConfig['caps'][string] | undefined,
  rates: RateTable,
  problem: Report,
): void {
  if (caps === undefined || line.units === undefined) return;
  const perUnit =
    line.kind === 'accommodation'
      ? caps.accommodationPerNight
      : line.kind === 'per-diem'
        ? caps.perDiemPerDay
        : undefined;
  if (perUnit === undefined) return;
  let national;
  if (line.currency === party.currency || line.rate !== undefined) {
    national = nationalAmount(line);
  } else if (line.currency === USD) {
    // An expense in dollars carries no rate: the cap is compared at the official one, if imported.
    const official = rates.rateOn(party.bank, USD, line.expenseDate);
    if (official === 'not-covered') return;
    national = money(line.amount).times(money(official.value)).dividedBy(official.units);
  } else {
    return; // RATE_MISSING already says why it cannot be converted
  }
  const cap = money(perUnit).times(line.units);
  if (national.greaterThan(cap)) {
    problem(
      'CAP_EXCEEDED',
      `${at}.amount`,
      `line ${line.no}: ${national.toDecimalPlaces(2).toFixed(2)} ${party.currency} for ${line.units} ${line.kind === 'accommodation' ? 'person-nights' : 'person-days'} is above the norm of ${perUnit} ${caps.currency} each (${cap.toFixed(2)})`,
      line.kind === 'accommodation' ? 'RET-3.3' : 'RET-3.4',
    );
  }
}
