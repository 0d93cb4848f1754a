export { Clock, FixedClock, SystemClock } from './clock';
export { MxgError } from './mxg-error';
