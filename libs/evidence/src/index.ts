export {
  assertCanCheck,
  checkClassified,
  checkSignature,
  type SignatureCheck,
  type SignatureCheckContext,
  type SignatureCheckInput,
} from './check-signature';
export {
  classifySignature,
  type ClassifyOptions,
  issuedBy,
  partyOfIssuer,
  type SignatureKind,
  type SignatureTarget,
} from './classify-signature';
export { cmsDer } from './cms-bytes';
export { describeHeader, describeReceipt } from './describe-artefact';
export {
  layerReportJson,
  signatureCheckJson,
  type SignatureCheckJson,
} from './signature-check-json';
export { SignatureCheckError, type SignatureCheckErrorCode } from './signature-check.errors';
export { decidingCode, type Verdict, verdictOf } from './verdict';
