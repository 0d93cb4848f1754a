import type { Bench } from '../bench.types';
import { atRestBench } from './at-rest.bench';
import { auditBench } from './audit.bench';
import { envelopeBench } from './envelope.bench';
import { pipelineBench } from './pipeline.bench';

/** Every benchmark `npm run bench` knows, in the order it runs them. */
export const BENCHES: Bench[] = [auditBench, envelopeBench, atRestBench, pipelineBench];
