// Disk full, file size limit, destination turning read-only, source WIM truncated or deleted
// during the write: a typed error, nothing at the destination, cleanup (faults.ts).
import { faultCases } from './faults.js';
import { faultSuite } from './suite.js';

faultSuite('faults during the write', faultCases, 1);
