// `cancel`, stdin EOF, SIGINT and SIGTERM in the middle of the write: stopped within 2 s, E_CANCELLED,
// nothing left behind, status Canceled (faults.ts).
import { cancelCases } from './faults.js';
import { faultSuite } from './suite.js';

faultSuite('cancellation', cancelCases, 2, { bulkBytes: 320 << 20 });
