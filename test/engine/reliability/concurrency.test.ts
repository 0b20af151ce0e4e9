// 4 creations at once (one engine, four engines), 2 to one destination (DESTINATIONBUSY), lock
// files of dead processes taken over (faults.ts).
import { concurrencyCases } from './faults.js';
import { faultSuite } from './suite.js';

faultSuite('concurrency', concurrencyCases, 1);
