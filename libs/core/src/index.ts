export { Clock, FixedClock, OffsetClock, SystemClock } from './clock';
export { MxgError } from './mxg-error';
export { GroupCommit, type GroupCommitOptions, type ItemOutcome } from './group-commit';
export { isUuid } from './uuid';
export {
  FORBIDDEN_JSON_KEYS,
  JsonError,
  type JsonErrorCode,
  type JsonProblem,
  type JsonProblemRule,
  MAX_JSON_DEPTH,
  parseStrictJson,
} from './strict-json';
