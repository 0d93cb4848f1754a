// @mxg/messages — the body of every message type: one schema each, the MIG-6 person-data
// contract, typed attachments, and the checks shared by the API, the receiver and the CLI.
export {
  BODY_PROBLEM_CODES,
  BODY_WARNING_CODES,
  type BodyCheck,
  type BodyProblem,
  type BodyProblemCode,
  type BodyWarningCode,
} from './body-problem';
export { checkMessageBody } from './check-message-body';
export { ANSWER_TYPES } from './answer-types';
export { CONSENT_USES, type ConsentUse } from './schemas/body-schemas';
export { bodySchemas, type BodySchemas } from './schemas/body-schemas';
export { personSchema, type Person } from './schemas/person.schema';
export {
  HANDLING_RESTRICTIONS,
  HANDLING_TYPES,
  type HandlingRestriction,
  TREATY_RESTRICTIONS,
} from './schemas/handling.schema';
export { attachmentSchema, type Attachment } from './schemas/attachment.schema';
export {
  CLAIM_DOCUMENT_KINDS,
  CLAIM_LINE_KINDS,
  type ClaimDocument,
  type ClaimDocumentKind,
  type ClaimLine,
  type ClaimLineKind,
  claimDisputeSchema,
  claimQuerySchema,
  claimReplySchema,
  paymentConfirmationSchema,
  type ReimbursementClaim,
  reimbursementClaimSchema,
  UNIT_LINE_KINDS,
} from './schemas/claim.schema';
export {
  ALLOWED_CONTENT_TYPES,
  ATTACHMENT_KINDS,
  type AttachmentKind,
  CONTENT_TYPES,
  type ContentType,
  MAX_ATTACHMENT_BYTES,
  MAX_ATTACHMENTS_BYTES,
} from './attachments/attachment-kinds';
export { sniffContentType } from './attachments/sniff-content-type';
export { sameLatinForm, transliterate } from './transliteration/icao-9303';
export {
  BODY_SCHEMA_VERSIONS,
  bodyJsonSchema,
  bodyOpenApiSchema,
  type BodyJsonSchema,
  bodySchemaId,
} from './json-schema/body-json-schema';
export {
  exampleMessage,
  exampleNames,
  examplesDir,
  type SubmittedMessage,
} from './examples/example-messages';
export { checkMessage, type MessageCheck, submittedMessageSchema } from './check-message';
export {
  DESTRUCTION_REASONS,
  type DestructionReason,
  EARLY_DESTRUCTION_REASONS,
} from './destruction-reasons';
