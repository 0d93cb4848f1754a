export { Clock, FixedClock, OffsetClock, SystemClock } from './clock';
export { MxgError } from './mxg-error';
export { GroupCommit, type GroupCommitOptions, type ItemOutcome } from './group-commit';
export { isUuid } from './uuid';
