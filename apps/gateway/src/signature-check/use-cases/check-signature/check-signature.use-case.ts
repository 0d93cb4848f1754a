import { createHash } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { type AuditActor, AuditAppender } from '@mxg/audit';
import { MxgConfigService } from '@mxg/config';
import { Clock, MxgError } from '@mxg/core';
import { EnvelopeError, type SignatoryDirectory, type TrustStore } from '@mxg/envelope';
import {
  checkSignature,
  cmsDer,
  type SignatureCheck,
  signatureCheckJson,
  type SignatureCheckJson,
} from '@mxg/evidence';
import type { AuthenticatedClient } from '../../../auth/auth.types';
import { TRUST_STORE } from '../../../envelope/envelope.constants';
import { SIGNATORY_DIRECTORY } from '../../../signatories/signatories.constants';
import type { SignatureUpload } from '../../signature-upload';

/** The report `mxg verify --json` prints for the same file, and the digest of the file checked. */
export type SignatureCheckAnswer = SignatureCheckJson & { readonly sha256: string };

/**
 * Checks an uploaded signature the way `mxg verify` does (@mxg/evidence), against what this
 * gateway trusts: its trust anchors and seal certificates, every CRL version it has archived
 * (revocation as of signing time, MIG-11.4) and its signatory lists with their history
 * (MIG-9.3, MIG-9.4). An envelope is checked as its sending gateway's seal only: nothing is
 * decrypted, whoever it is addressed to. Every check is audited as `signature.checked` — who
 * asked, the file's SHA-256, the verdict and the deciding code; never the content.
 */
@Injectable()
export class CheckSignature {
  constructor(
    @Inject(TRUST_STORE) private readonly trust: TrustStore,
    @Inject(SIGNATORY_DIRECTORY) private readonly signatories: SignatoryDirectory,
    private readonly config: MxgConfigService,
    private readonly clock: Clock,
    private readonly audit: AuditAppender,
  ) {}

  async execute(
    client: AuthenticatedClient,
    upload: SignatureUpload,
  ): Promise<SignatureCheckAnswer> {
    const sha256 = createHash('sha256').update(upload.file).digest('hex');
    const actor = actorOf(client);
    const refused = (error: MxgError) =>
      this.audit.append({
        type: 'signature.checked',
        actor,
        contentDigest: `sha256:${sha256}`,
        outcome: 'failure',
        errorCode: error.code,
        details: {
          verdict: null,
          bytes: upload.file.length,
          detached: upload.content !== undefined,
        },
      });
    let check: SignatureCheck;
    try {
      check = await checkSignature({
        der: cmsDer(upload.file, 'the signature file'),
        detachedContent: upload.content,
        trust: this.trust,
        treaty: this.config.treaty,
        signatories: this.signatories,
        now: this.clock.now(),
      });
    } catch (error) {
      if (error instanceof MxgError) await refused(error);
      throw error;
    }
    if (check.target.kind === 'malformed') {
      // Not CMS at all (or a SignedData whose routing header is broken): a refusal, by the code
      // `mxg verify` reports it with, not a report about a signature.
      const error = new EnvelopeError('MALFORMED_ENVELOPE', check.report.checks[0].detail);
      await refused(error);
      throw error;
    }
    const json = signatureCheckJson(check);
    await this.audit.append({
      type: 'signature.checked',
      actor,
      contentDigest: `sha256:${sha256}`,
      parties: json.party ? [json.party] : [],
      agreement: json.header?.agreement ?? null,
      messageId: json.header?.id ?? json.receipt?.messageId ?? null,
      outcome: json.verdict === 'valid' ? 'success' : 'failure',
      errorCode: json.code ?? null,
      details: {
        verdict: json.verdict,
        kind: json.kind,
        bytes: upload.file.length,
        detached: upload.content !== undefined,
      },
    });
    return { ...json, sha256 };
  }
}

/** Who asked, in the role that lets them (identifiers only). */
function actorOf(client: AuthenticatedClient): AuditActor {
  const role = client.roles.includes('security-officer') ? 'security-officer' : 'auditor';
  return { authority: client.authority, role, user: client.id };
}
