import type { Bench } from '../bench.types';

/** Every benchmark `npm run bench` knows, in the order it runs them. */
export const BENCHES: Bench[] = [];
