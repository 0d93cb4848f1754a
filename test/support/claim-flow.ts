import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { signCms } from '@mxg/cms';
import { addDays, daysBetween, defaultAlgorithmPolicy, MxgConfigService } from '@mxg/config';
import { localDate } from '@mxg/lifecycle';
import {
  encodeMessage,
  signatureSchemeFor,
  FileKeyStore,
  FileTrustStore,
  MESSAGE_FORMAT,
  type MessageHeader,
  sealEnvelope,
} from '@mxg/envelope';
import { convertLine, sumUsd } from '@mxg/settlements';
import type { Crafted } from './request-flow';

/**
 * RET claims as the two shipped gateways exchange them (docs/settlements.md): KZ-RET, the
 * authority of the state where the minor stayed, claims from AZ-RET, the authority of the
 * minor's state of residence, which pays (RET-3.1, RET-4). Bodies come from
 * examples/ret/claim.json, moved in time so that its return was `handoverDaysAgo` days ago.
 */

export const STAY = { party: 'KZ', authority: 'KZ-RET', signatory: 'kz-ret-finance-head' } as const;
export const RESIDENCE = {
  party: 'AZ',
  authority: 'AZ-RET',
  signatory: 'az-ret-finance-head',
} as const;

const DAY_MS = 24 * 60 * 60 * 1000;
const EXAMPLES = join(__dirname, '..', '..', 'examples', 'ret');
/** The example claim's return date: everything in it, and the rate table, is moved from it. */
const EXAMPLE_HANDOVER = '2026-12-01';

export type ClaimBody = Record<string, unknown> & {
  claimNumber: string;
  returnAct: { handoverDate: string; number: string };
  documents: { id: string; kind: string; date: string; attachment: string }[];
  attachments: { id: string }[];
  lines: {
    no: number;
    kind: string;
    currency: string;
    amount: string;
    expenseDate: string;
    units?: number;
    rate?: { source: string; value: string; units: number };
    usdRate?: { source: string; value: string; units: number };
    usd: string;
  }[];
  invoice: { date: string };
  total: { currency: string; amount: string };
};

/** A calendar date in `timeZone` `days` from now. */
export function dateIn(timeZone: string, days = 0, at = new Date()): string {
  return localDate(new Date(at.getTime() + days * DAY_MS), timeZone);
}

/** The shift that puts the example's return `handoverDaysAgo` days before KZ-RET's today. */
export const shiftFor = (handoverDaysAgo: number): number =>
  daysBetween(EXAMPLE_HANDOVER, dateIn('Asia/Almaty', -handoverDaysAgo));

/** examples/ret/claim.json, numbered `claimNumber`, every date moved `shift` days. */
export function claimBody(claimNumber: string, shift = shiftFor(5)): ClaimBody {
  const body = JSON.parse(readFileSync(join(EXAMPLES, 'claim.json'), 'utf8')) as ClaimBody;
  body.claimNumber = claimNumber;
  body.returnAct.handoverDate = addDays(body.returnAct.handoverDate, shift);
  body.invoice.date = addDays(body.invoice.date, shift);
  for (const d of body.documents) d.date = addDays(d.date, shift);
  for (const l of body.lines) l.expenseDate = addDays(l.expenseDate, shift);
  return body;
}

/** examples/ret/rates-nbk.csv with its dates moved `shift` days (as `claimBody`'s). */
export function ratesCsv(shift = shiftFor(5), change?: (row: string[]) => void): string {
  const [head, ...rows] = readFileSync(join(EXAMPLES, 'rates-nbk.csv'), 'utf8').trim().split('\n');
  return (
    [
      head,
      ...rows.map((r) => {
        const cells = r.split(',');
        cells[1] = addDays(cells[1], shift);
        change?.(cells);
        return cells.join(',');
      }),
    ].join('\n') + '\n'
  );
}

const ROUNDING = () => MxgConfigService.load().settlements.rounding;

/** Each line's `usd` and the total recomputed after a change (RET-3.6): a valid claim again. */
export function recompute(body: ClaimBody): ClaimBody {
  const policy = ROUNDING();
  for (const line of body.lines) line.usd = convertLine(line, policy);
  body.total.amount = sumUsd(body.lines.map((l) => l.usd));
  return body;
}

/** Adds one cent to a decimal string. */
export const plusCent = (amount: string): string => {
  const [whole, cents = '00'] = amount.split('.');
  const total = BigInt(whole) * 100n + BigInt(cents.padEnd(2, '0').slice(0, 2)) + 1n;
  return `${total / 100n}.${String(total % 100n).padStart(2, '0')}`;
};

/** What KZ-RET's national system submits to claim `body` from AZ-RET. */
export const claimSubmission = (body: ClaimBody) => ({
  agreement: 'RET',
  type: 'reimbursement-claim',
  to: { authority: RESIDENCE.authority },
  signatory: STAY.signatory,
  body,
});

/** An answer in a claim's conversation, from `from`'s national system. */
export const answerSubmission = (
  type: string,
  from: 'stay' | 'residence',
  inReplyTo: string,
  body: Record<string, unknown>,
) => ({
  agreement: 'RET',
  type,
  to: { authority: from === 'stay' ? RESIDENCE.authority : STAY.authority },
  signatory: from === 'stay' ? STAY.signatory : RESIDENCE.signatory,
  inReplyTo,
  body,
});

/**
 * A reimbursement-claim from KZ-RET to AZ-RET signed by KZ-RET's real signatory, sealed by KZ's
 * gateway key and encrypted for AZ's — valid in every respect the envelope checks, whatever its
 * content: what a sender that skipped its own checks (or a pre-signed path) would deliver.
 */
export async function craftClaimEnvelope(body: ClaimBody): Promise<Crafted> {
  const config = MxgConfigService.load();
  const trust = new FileTrustStore(config.paths.certs, config.treaty);
  const at = new Date();
  const id = randomUUID();
  const header: MessageHeader = {
    format: MESSAGE_FORMAT,
    id,
    type: 'reimbursement-claim',
    agreement: 'RET',
    from: { party: STAY.party, authority: STAY.authority },
    to: { party: RESIDENCE.party, authority: RESIDENCE.authority },
    createdAt: at.toISOString(),
    correlationId: id,
    inReplyTo: null,
  };
  const own = new FileKeyStore(config.paths.certs, STAY.party);
  const sealed = await sealEnvelope({
    message: { header, body },
    signatory: await own.signatory(STAY.signatory),
    seal: await own.seal(),
    recipient: (await new FileKeyStore(config.paths.certs, RESIDENCE.party).decryption())[0]
      .certificate,
    trust,
    policy: config.treaty.agreement('RET').algorithms,
    signingTime: at,
  });
  return {
    header: sealed.header,
    delivery: { bytes: sealed.envelope, properties: { messageId: id, type: 'mxg.envelope' } },
  };
}

/**
 * A reimbursement-claim KZ-RET's signatory signed before its national system submitted it (a
 * CMS SignedData over the complete message, `application/pkcs7-mime`): the gateway checks its
 * content exactly as a JSON submission's.
 */
export async function preSignedClaim(body: ClaimBody): Promise<Uint8Array> {
  const config = MxgConfigService.load();
  const id = randomUUID();
  const header: MessageHeader = {
    format: MESSAGE_FORMAT,
    id,
    type: 'reimbursement-claim',
    agreement: 'RET',
    from: { party: STAY.party, authority: STAY.authority },
    to: { party: RESIDENCE.party, authority: RESIDENCE.authority },
    createdAt: new Date().toISOString(),
    correlationId: id,
    inReplyTo: null,
  };
  const keys = await new FileKeyStore(config.paths.certs, STAY.party).signatory(STAY.signatory);
  return signCms(encodeMessage({ header, body }), keys, {
    scheme: signatureSchemeFor(keys.certificate.publicKey, defaultAlgorithmPolicy()),
    signingTime: new Date(),
  });
}
