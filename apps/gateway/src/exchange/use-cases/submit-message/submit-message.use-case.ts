import { createHash, randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { AuditAppender } from '@mxg/audit';
import { AuthorityChangeError, MxgConfigService } from '@mxg/config';
import { Clock, MxgError } from '@mxg/core';
import {
  assertExchangeAllowed,
  decodeMessage,
  EnvelopeError,
  MESSAGE_FORMAT,
  type MessageHeader,
  type MxgMessage,
  verifySignedLayer,
  firstFailure,
} from '@mxg/envelope';
import { parseSignedData } from '@mxg/cms';
import {
  ConsentLifecycleError,
  initialStatus,
  ClaimLifecycleError,
  isClaimMessageType,
  isConsentMessageType,
  MESSAGE_ARRIVALS,
  RequestLifecycleError,
} from '@mxg/lifecycle';
import { ANSWER_TYPES, type BodyProblem, checkMessageBody } from '@mxg/messages';
import type { AuthenticatedClient } from '../../../auth/auth.types';
import { assertSignatoryBound } from '../../../auth/signatory-binding';
import {
  type AcceptedClaimMove,
  claimAudit,
  type ClaimMove,
  ClaimTracker,
} from '../../../claims/claim-tracker';
import { claimInvalid } from '../../../claims/claims.errors';
import { AuthorityChanges } from '../../authority-changes';
import { SignatoryListError } from '../../../signatories/signatories.errors';
import { SignatoryLists } from '../../../signatories/signatory-lists';
import {
  type AcceptedConsentMove,
  type ConsentMove,
  consentAudit,
  ConsentTracker,
} from '../../consent-tracker';
import { EnvelopeService } from '../../../envelope/envelope.service';
import { HandlingError } from '../../handling.errors';
import { HandlingRestrictions } from '../../handling-restrictions';
import { ExchangeError, type FieldProblem, validationFailed } from '../../exchange.errors';
import { actingAuthority } from '../../message-access';
import type { MessageRecord } from '../../exchange.types';
import { messageAuditContext, publisherActor } from '../../message-audit-context';
import { envelopeEntry } from '../../outbox-entries';
import { OutboxSignal } from '../../outbox-signal';
import { RetentionStamp } from '../../retention-stamp';
import {
  type AcceptedRequestMove,
  type RequestMove,
  RequestTracker,
  requestAudit,
} from '../../request-tracker';
import { GatewayMetrics } from '../../../metrics/gateway-metrics';
import { ExchangeStore } from '../../store/exchange.store';
import type { NewMessage, WithNewMessage } from '../../store/exchange-store.types';
import {
  canonicalDigest,
  type JsonSubmission,
  readJsonSubmission,
  readJsonSubmissionValue,
} from './submit-message.command';

export type Submission =
  /** JSON as the client sent it: the gateway signs it for the named signatory. */
  | { readonly kind: 'json'; readonly bytes: Uint8Array }
  /** A CMS SignedData the signatory already made over a complete MXG message. */
  | { readonly kind: 'signed'; readonly signedData: Uint8Array }
  /** JSON already read strictly, e.g. one item of a batch (`parseStrictJson`). */
  | { readonly kind: 'json-value'; readonly value: unknown };

type ReadSubmission =
  | { readonly kind: 'json'; readonly json: JsonSubmission }
  | { readonly kind: 'signed'; readonly signedData: Uint8Array };

export interface SubmitResult {
  readonly message: MessageRecord;
  /** True when an earlier submit with the same Idempotency-Key answered. */
  readonly replayed: boolean;
  /** What the body check flagged without refusing (MIG-6 Latin forms, MIG-15; RET-3.2 late). */
  readonly warnings: readonly Finding[];
}

/** The request move a message makes when this gateway sends it; refused with its code. */
function accepted(move: RequestMove): AcceptedRequestMove {
  if (!move.ok) throw RequestLifecycleError.from(move);
  return move;
}

/** A finding that did not refuse the message: a body check's or a claim check's. */
type Finding = Pick<BodyProblem, 'path' | 'message' | 'treaty'> & { readonly code: string };

/**
 * The claim move a message makes when this gateway sends it (RET-3.1 … RET-4): a claim failing
 * its checks is refused as CLAIM_INVALID (422) with every problem as a field problem, a
 * lifecycle refusal with its code.
 */
function claimAccepted(move: ClaimMove): AcceptedClaimMove {
  if (move.ok) return move;
  if ('problems' in move) throw claimInvalid(move.problems);
  throw ClaimLifecycleError.from(move);
}

/** The consent move a message makes when this gateway sends it; refused with its code. */
function consentAccepted(move: ConsentMove): AcceptedConsentMove {
  if (!move.ok) throw ConsentLifecycleError.from(move);
  return move;
}

function sha256(bytes: Uint8Array): string {
  return `sha256:${createHash('sha256').update(bytes).digest('hex')}`;
}

/** A body check's problem as the API's validation error reports it. */
function fieldProblem(problem: BodyProblem): FieldProblem {
  return {
    field: problem.path,
    rule: problem.code,
    message: problem.message,
    treaty: problem.treaty,
  };
}

function inReplyToRequired(type: string, field: string): FieldProblem {
  return {
    field,
    rule: 'required',
    message: `a ${type} answers a received message`,
    treaty: 'MIG-8',
  };
}

/**
 * A national system hands its gateway a message. Everything that can be refused is refused
 * now, synchronously and with its code: the treaty (agreement in force, type allowed,
 * authorities — MIG-2, MIG-17), the body's schema (@mxg/messages: MIG-6, MIG-9.2, MIG-10.4 …), the
 * signatory (MIG-9.3).
 * Then — if its sealed envelope is within `exchange.maxEnvelopeBytes`, which a peer enforces
 * (#10.9) — one statement stores the message, its sealed envelope, an outbox row and the audit
 * entries; the relay publishes it afterwards. An Idempotency-Key makes a retried submit return
 * the first answer instead of sending twice.
 */
@Injectable()
export class SubmitMessage {
  constructor(
    private readonly config: MxgConfigService,
    private readonly clock: Clock,
    private readonly envelopes: EnvelopeService,
    private readonly messages: ExchangeStore,
    private readonly audit: AuditAppender,
    private readonly outbox: OutboxSignal,
    private readonly tracker: RequestTracker,
    private readonly authorityChanges: AuthorityChanges,
    private readonly retention: RetentionStamp,
    private readonly consents: ConsentTracker,
    private readonly handling: HandlingRestrictions,
    private readonly claims: ClaimTracker,
    private readonly signatoryLists: SignatoryLists,
    private readonly metrics: GatewayMetrics,
  ) {}

  async execute(
    client: AuthenticatedClient,
    submission: Submission,
    idempotencyKey?: string,
  ): Promise<SubmitResult> {
    let requestDigest =
      submission.kind === 'json-value'
        ? canonicalDigest(submission.value)
        : sha256(submission.kind === 'json' ? submission.bytes : submission.signedData);
    let read: ReadSubmission | undefined;
    try {
      read =
        submission.kind === 'json'
          ? { kind: 'json', json: await readJsonSubmission(submission.bytes) }
          : submission.kind === 'json-value'
            ? { kind: 'json', json: await readJsonSubmissionValue(submission.value) }
            : submission;
      if (read.kind === 'json') requestDigest = read.json.digest;
      if (idempotencyKey !== undefined) {
        const earlier = await this.earlier(client, idempotencyKey, requestDigest, read);
        if (earlier) return earlier;
      }
      const result = await this.submit(client, read, idempotencyKey, requestDigest);
      if (!result.replayed) this.metrics.submitted(result.message.type, result.message.to.party);
      return result;
    } catch (error) {
      let failure = error;
      // The same key submitted twice at once: the other request stored its message first.
      if (idempotencyKey !== undefined && ExchangeStore.isIdempotencyConflict(error)) {
        try {
          const earlier = await this.earlier(client, idempotencyKey, requestDigest, read);
          if (earlier) return earlier;
        } catch (refusal) {
          failure = refusal;
        }
      }
      if (failure instanceof MxgError) {
        this.metrics.submitRefused(failure.code);
        // Every refused submission is on the record, by code (no content).
        await this.audit.append({
          type: 'message.submitted',
          actor: { authority: client.authority, role: 'publisher', user: client.id },
          parties: [this.config.gateway.party],
          outcome: 'failure',
          errorCode: failure.code,
          contentDigest: requestDigest,
        });
      }
      throw failure;
    }
  }

  /** The answer an earlier submit with this Idempotency-Key got, if there was one. */
  private async earlier(
    client: AuthenticatedClient,
    idempotencyKey: string,
    requestDigest: string,
    read?: ReadSubmission,
  ): Promise<SubmitResult | undefined> {
    const earlier = await this.messages.findByIdempotencyKey(client.id, idempotencyKey);
    if (!earlier) return undefined;
    if (earlier.requestDigest !== requestDigest) {
      throw new ExchangeError(
        'IDEMPOTENCY_KEY_REUSED',
        'this Idempotency-Key was used for a different message',
      );
    }
    // The first answer's warnings, found again in the same JSON body (a pre-signed one is not
    // decoded for a replay).
    const warnings =
      read?.kind === 'json'
        ? checkMessageBody(earlier.type, read.json.body, this.config.vocabulary, this.clock.now())
            .warnings
        : [];
    return { message: earlier, replayed: true, warnings };
  }

  private async submit(
    client: AuthenticatedClient,
    submission: ReadSubmission,
    idempotencyKey: string | undefined,
    requestDigest: string,
  ): Promise<SubmitResult> {
    const now = this.clock.now();
    const { message, signatory, warnings, signedAt } =
      submission.kind === 'json'
        ? await this.fromJson(client, submission.json, now)
        : await this.fromSignedData(client, submission.signedData, now);
    if (submission.kind === 'signed') {
      // The signatory chose the id; looked up only once every check has passed.
      const taken = await this.messages.find(message.header.id);
      if (taken) return this.idTaken(client, taken, requestDigest, warnings);
    }
    const header = message.header;
    // MIG-11.5: only the gateway itself tells a provider what it destroyed.
    if (header.type === 'destruction-notice') {
      throw new ExchangeError(
        'MESSAGE_TYPE_RESERVED',
        'a destruction-notice is sent by the gateway itself when it destroys a received message (MIG-11.5)',
      );
    }
    // MIG-8..MIG-11, MIG-17: a message that does not fit its request is refused before it is
    // sealed; an answer is decided again below, with its request locked, when it is stored.
    const early = accepted(await this.tracker.precheck(header, message.body, 'outgoing', now));
    // MIG-11.2, MIG-11.3: likewise a consent message that does not fit its consent.
    consentAccepted(await this.consents.precheck(header, message.body, 'outgoing', now));
    // RET-3.1 … RET-3.7, RET-4: a claim failing its checks, or a claim message that does not
    // fit its claim (a query from the claiming state, a second claim number …), likewise.
    const claimEarly = claimAccepted(
      await this.claims.precheck(header, message.body, 'outgoing', now),
    );
    // MIG-2: a party notifies changes of its own authorities only, consistent with the registry.
    const change = this.authorityChanges.refusal(header, message.body);
    if (change) throw new AuthorityChangeError(change.code, change.message);
    // MIG-9.3, MIG-9.4: the own authority's signatory list, checked as its receiver will check it;
    // applied here too once stored, so this gateway signs by it from its effective date.
    const listRefusal = await this.signatoryLists.refusal(
      header,
      message.body,
      signedAt,
      this.envelopes.trust.party(this.config.gateway.party).anchors,
    );
    if (listRefusal) throw new SignatoryListError(listRefusal.code, listRefusal.message);
    // MIG-11.2: a handling-restriction restricts only messages this authority sent the addressee.
    const stray = await this.handling.refusal(header, message.body, 'outgoing');
    if (stray) throw new HandlingError(stray.code, stray.message);
    // MIG-11.1: a confidential request and every message of its exchange travel with no header
    // in clear (the request row, which `precheck` locked for an answer, says so).
    const sealed = await this.envelopes.seal(message, signatory, {
      routingHeader: early.confidential ? 'omitted' : 'sealed',
    });
    this.assertEnvelopeFits(sealed.envelope, sealed.content);
    const { signatoryId } = signatory;
    const common = messageAuditContext(
      { ...header, digest: sealed.digest },
      publisherActor(client),
    );
    const stored: NewMessage = {
      header,
      direction: 'outgoing',
      digest: sealed.digest,
      signatoryId,
      status: initialStatus('submit'),
      at: now,
      content: sealed.content,
      signed: sealed.inner,
      envelope: sealed.envelope,
      submittedBy: client.id,
      idempotencyKey,
      requestDigest,
    };
    // MIG-11.5: how long it is kept, decided now that its body is at hand.
    const retention = await this.retention.stamp(header, message.body, now);
    // MIG-11.2, MIG-11.3: the handling restrictions it sets, recorded on this side too.
    const restrictions = this.handling.restrictions(header, message.body);
    const also = (
      move: AcceptedRequestMove,
      consent?: AcceptedConsentMove,
      claim?: AcceptedClaimMove,
    ): WithNewMessage => ({
      outbox: envelopeEntry(header, now),
      audit: [
        // One entry for the two steps the same statement always writes together (#16): accepted,
        // and signed by the signatory, encrypted for the peer, sealed by the gateway.
        {
          type: MESSAGE_ARRIVALS.submit.audit,
          ...common,
          details: { type: header.type, signatory: signatoryId },
        },
        ...requestAudit(move, common),
        ...(consent ? consentAudit(consent, common) : []),
        ...(claim ? claimAudit(claim, common) : []),
        ...this.handling.audit(restrictions, common),
      ],
      request: move.open ?? undefined,
      retention,
      restrictions,
    });
    // The message, its content and envelope, the outbox row and the audit entries — and the
    // request it opens — in one autocommitted statement, which writes nothing if the id exists
    // already. An answer also moves its request: one transaction, the request locked.
    const list = this.signatoryLists.isUpdate(header)
      ? this.signatoryLists.version(header, message.body, signedAt, 'sent', now)
      : undefined;
    const record = list
      ? // MIG-9.4: the own list's version is kept with the message that carries it.
        await this.messages.transaction(async (tx) => {
          const withList = also(early);
          const inserted = await this.messages.insertMessage(
            stored,
            {
              ...withList,
              audit: [...(withList.audit ?? []), this.signatoryLists.audit(list, common)],
            },
            tx,
          );
          if (inserted) await this.signatoryLists.record(tx, list);
          return inserted;
        })
      : isConsentMessageType(header.type)
        ? // A consent message registers or moves its consent: one transaction, the consent locked.
          await this.messages.transaction(async (tx) => {
            const consent = consentAccepted(
              await this.consents.decide(tx, header, message.body, 'outgoing', now),
            );
            const inserted = await this.messages.insertMessage(stored, also(early, consent), tx);
            if (inserted) await consent.apply(tx);
            return inserted;
          })
        : isClaimMessageType(header.type)
          ? // A claim message registers or moves its claim: one transaction, the claim locked.
            await this.messages.transaction(async (tx) => {
              const claim = claimAccepted(
                await this.claims.decide(tx, header, message.body, 'outgoing', now),
              );
              const inserted = await this.messages.insertMessage(
                stored,
                also(early, undefined, claim),
                tx,
              );
              if (inserted) await claim.apply(tx);
              return inserted;
            })
          : early.open !== null || early.requestId === null
            ? await this.messages.insertMessage(stored, also(early))
            : await this.messages.transaction(async (tx) => {
                const move = accepted(
                  await this.tracker.decide(tx, header, message.body, 'outgoing', now),
                );
                const inserted = await this.messages.insertMessage(stored, also(move), tx);
                if (inserted) await move.apply(tx);
                return inserted;
              });
    if (!record) {
      // Stored by a submit that raced this one since the check above.
      const raced = await this.messages.find(header.id);
      if (raced) return this.idTaken(client, raced, requestDigest, warnings);
      throw new Error(`message ${header.id} was neither stored nor found`);
    }
    if (list) this.signatoryLists.apply(list);
    this.outbox.notify();
    return { message: record, replayed: false, warnings: [...warnings, ...claimEarly.warnings] };
  }

  /**
   * The message a JSON submission asks for, to be signed by the gateway for the named
   * signatory. Its body is the client's exactly (`JsonSubmission.body`).
   */
  private async fromJson(client: AuthenticatedClient, json: JsonSubmission, now: Date) {
    const dto = json.request;
    const from = actingAuthority(client, this.config.gateway.party);
    const body = checkMessageBody(dto.type, json.body, this.config.vocabulary, now);
    const problems = body.problems.map(fieldProblem);
    if (ANSWER_TYPES.includes(dto.type) && dto.inReplyTo === undefined) {
      problems.push(inReplyToRequired(dto.type, 'inReplyTo'));
    }
    if (problems.length > 0) throw validationFailed(problems);
    const to = this.config.treaty.allAuthorities().find((a) => a.code === dto.to.authority);
    if (!to)
      throw new ExchangeError(
        'RECIPIENT_UNKNOWN',
        `${dto.to.authority} is not a registered competent authority (MIG-2)`,
      );
    this.assertAnotherParty(to.code, to.party);
    const id = randomUUID();
    const answered =
      dto.inReplyTo === undefined ? undefined : await this.answered(dto.inReplyTo, from, to.code);
    const header: MessageHeader = {
      format: MESSAGE_FORMAT,
      id,
      type: dto.type,
      agreement: dto.agreement,
      from: { party: this.config.gateway.party, authority: from },
      to: { party: to.party, authority: to.code },
      createdAt: now.toISOString(),
      correlationId: answered?.correlationId ?? id,
      inReplyTo: answered ? { id: answered.id, digest: answered.digest } : null,
    };
    assertExchangeAllowed(header, this.config.treaty, now);
    // MIG-9.3: the signatory must be on the sending authority's list today.
    if (!this.config.treaty.isSignatoryAuthorised(dto.signatory, from, now)) {
      throw new EnvelopeError(
        'SIGNATORY_NOT_AUTHORISED',
        `${dto.signatory} is not on ${from}'s list of authorised signatories on ${now.toISOString().slice(0, 10)} (MIG-9.3)`,
        'inner',
      );
    }
    // MIG-9.3: and the gateway signs for them only on behalf of a client bound to them — checked
    // before their key is even looked up.
    assertSignatoryBound(client, dto.signatory);
    const key = await this.envelopes.keys.signatory(dto.signatory);
    // MIG-9.4: and on the list in force today, which a signatory-list-update may have changed.
    if (!this.envelopes.signatories.isAuthorised(dto.signatory, from, now, key.certificate)) {
      throw new EnvelopeError(
        'SIGNATORY_NOT_AUTHORISED',
        `${dto.signatory} is not on ${from}'s list of authorised signatories in force on ${now.toISOString().slice(0, 10)} (MIG-9.4)`,
        'inner',
      );
    }
    return {
      message: { header, body: json.body },
      signatory: { key, signatoryId: dto.signatory },
      warnings: body.warnings,
      signedAt: now,
    };
  }

  /**
   * A message its signatory signed before it was submitted. Its header was chosen by the
   * client, so it must meet every rule the JSON path applies when the gateway writes the header
   * itself: from this client's authority, to another party, created recently (not in the
   * future, nor more than `maxPresignedAgeSeconds` ago, nor after it was signed), in its own
   * conversation unless it answers a message received here (MIG-8) — and its id must be new,
   * which is checked only after the signature, so that probing ids takes an authorised
   * signatory's signature and is audited.
   */
  private async fromSignedData(client: AuthenticatedClient, signedData: Uint8Array, now: Date) {
    const from = actingAuthority(client, this.config.gateway.party);
    let message: MxgMessage;
    try {
      const content = parseSignedData(signedData).encapsulatedContent;
      if (!content) throw new Error('detached');
      message = decodeMessage(content);
    } catch (error) {
      if (error instanceof EnvelopeError) throw error;
      throw new EnvelopeError(
        'MALFORMED_ENVELOPE',
        'the body is not a CMS SignedData carrying an MXG message',
        'inner',
      );
    }
    const { header } = message;
    if (header.from.party !== this.config.gateway.party || header.from.authority !== from) {
      throw new ExchangeError(
        'NOT_YOUR_AUTHORITY',
        `the message is from ${header.from.authority}; this client acts for ${from}`,
      );
    }
    this.assertAnotherParty(header.to.authority, header.to.party);
    const body = checkMessageBody(header.type, message.body, this.config.vocabulary, now);
    const problems = [...body.problems.map(fieldProblem), ...this.headerProblems(header, now)];
    if (problems.length > 0) throw validationFailed(problems);
    if (header.inReplyTo) {
      const answered = await this.answered(header.inReplyTo.id, from, header.to.authority);
      if (
        answered.digest !== header.inReplyTo.digest ||
        answered.correlationId !== header.correlationId
      ) {
        throw validationFailed([
          {
            field: 'header.inReplyTo',
            rule: 'matches',
            message: 'does not match the received message it names',
            treaty: 'MIG-8',
          },
        ]);
      }
    }
    assertExchangeAllowed(header, this.config.treaty, now);
    const skewMs = this.config.gateway.exchange.maxClockSkewSeconds * 1000;
    const report = await verifySignedLayer(signedData, {
      layer: 'inner',
      role: 'signatory',
      party: header.from.party,
      authority: header.from.authority,
      trust: this.envelopes.trust,
      treaty: this.config.treaty,
      policy: this.config.treaty.agreement(header.agreement).algorithms,
      now,
      maxSkewMs: skewMs,
      futureSkewOnly: true, // signed earlier by the person, submitted now (MIG-9.3)
      // Never sent if the receiver would refuse it: signed within the window before now.
      signingWindow: {
        reference: now,
        windowMs: this.config.gateway.exchange.innerSigningWindowSeconds * 1000,
        skewMs,
        what: 'submission',
      },
      signatories: this.envelopes.signatories, // MIG-9.4: the list in force when they signed
    });
    const failure = firstFailure(report);
    if (failure) throw failure;
    if (Date.parse(header.createdAt) > report.signingTime!.getTime() + skewMs) {
      throw validationFailed([
        {
          field: 'header.createdAt',
          rule: 'before-signing',
          message: `is after the signature's signing time ${report.signingTime!.toISOString()}`,
        },
      ]);
    }
    return {
      message,
      signatory: {
        signedData,
        signatoryId: report.signatoryId!,
        certificate: report.signerCertificate,
      },
      warnings: body.warnings,
      signedAt: report.signingTime!,
    };
  }

  /** What the JSON path guarantees of a header by writing it, checked of one a client wrote. */
  private headerProblems(header: MessageHeader, now: Date): FieldProblem[] {
    const problems: FieldProblem[] = [];
    const { maxClockSkewSeconds, maxPresignedAgeSeconds } = this.config.gateway.exchange;
    const age = now.getTime() - Date.parse(header.createdAt);
    if (age < -maxClockSkewSeconds * 1000) {
      problems.push({
        field: 'header.createdAt',
        rule: 'not-future',
        message: `is in the future: more than ${maxClockSkewSeconds} s after ${now.toISOString()}`,
      });
    } else if (age > maxPresignedAgeSeconds * 1000) {
      problems.push({
        field: 'header.createdAt',
        rule: 'recent',
        message: `is more than ${maxPresignedAgeSeconds} s before ${now.toISOString()}: sign the message again`,
      });
    }
    if (ANSWER_TYPES.includes(header.type) && header.inReplyTo === null) {
      problems.push(inReplyToRequired(header.type, 'header.inReplyTo'));
    }
    if (header.inReplyTo === null && header.correlationId !== header.id) {
      problems.push({
        field: 'header.correlationId',
        rule: 'conversation',
        message:
          'a message that answers none starts its own conversation: its correlationId is its own id',
        treaty: 'MIG-8',
      });
    }
    return problems;
  }

  /**
   * A submission whose message id is stored already. The client's own earlier submission of the
   * same request is answered again; of another request, refused as a reuse. Any other message
   * with the id — another client's or authority's, or one received — is refused without a word
   * about it, so that an id's existence elsewhere cannot be learnt here.
   */
  private idTaken(
    client: AuthenticatedClient,
    taken: MessageRecord,
    requestDigest: string,
    warnings: readonly BodyProblem[],
  ): SubmitResult {
    if (taken.direction === 'outgoing' && taken.submittedBy === client.id) {
      if (taken.requestDigest === requestDigest)
        return { message: taken, replayed: true, warnings };
      throw new ExchangeError(
        'MESSAGE_ID_REUSED',
        `you submitted message ${taken.id} already, with other content`,
      );
    }
    throw new ExchangeError(
      'MESSAGE_ID_UNAVAILABLE',
      'this message id cannot be used: sign the message again under a new random id',
    );
  }

  /**
   * #10.9: the receiver refuses, unopened, an envelope over `exchange.maxEnvelopeBytes`, so one
   * is never stored or sent. A body within `maxMessageBytes` can still make one: the canonical
   * form the signatory signs writes every number out (`1e20` is 21 digits).
   */
  private assertEnvelopeFits(envelope: Uint8Array, content: Uint8Array): void {
    const { maxEnvelopeBytes } = this.config.gateway.exchange;
    if (envelope.byteLength <= maxEnvelopeBytes) return;
    throw new ExchangeError(
      'ENVELOPE_TOO_LARGE',
      `the sealed envelope would be ${envelope.byteLength} bytes, over exchange.maxEnvelopeBytes ` +
        `(${maxEnvelopeBytes}); the canonical message alone is ${content.byteLength} bytes ` +
        `(numbers are written out in full, e.g. 1e20 as 21 digits): send a smaller message`,
    );
  }

  /** MIG-1, MIG-2: the exchange is between the parties' authorities, never within one party. */
  private assertAnotherParty(authority: string, party: string): void {
    const registered = this.config.treaty.allAuthorities().find((a) => a.code === authority);
    const own = this.config.gateway.party;
    if (party === own || registered?.party === own) {
      throw new ExchangeError(
        'RECIPIENT_IS_OWN_PARTY',
        `${authority} is an authority of ${own}, this gateway's own party: messages go to another party's authorities (MIG-1, MIG-2)`,
      );
    }
  }

  /**
   * The message an answer refers to: one received by the answering authority from the other, or
   * (a withdraw before anything came back) the request the answering authority sent it.
   */
  private async answered(id: string, from: string, to: string): Promise<MessageRecord> {
    const answered = await this.messages.find(id);
    const received =
      answered?.direction === 'incoming' &&
      answered.to.authority === from &&
      answered.from.authority === to;
    // A requester that has received nothing yet names its own request (a withdraw, MIG-11.1).
    const ownRequest =
      answered?.direction === 'outgoing' &&
      answered.type === 'request' &&
      answered.from.authority === from &&
      answered.to.authority === to &&
      answered.status !== 'rejected';
    if (!answered || !(received || ownRequest)) {
      throw new ExchangeError(
        'ANSWERED_MESSAGE_NOT_FOUND',
        `no message ${id} from ${to} to ${from} was received, nor a request ${from} sent to ${to}`,
      );
    }
    return answered;
  }
}
