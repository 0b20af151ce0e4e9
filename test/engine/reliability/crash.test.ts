// Crash safety (docs/operations.md "Crash recovery: what the sweep may touch"): SIGKILL of the engine at random points of each creation (faults.ts);
// 12 points per case here, 50 in `npm run reliability`.
import { crashCases } from './faults.js';
import { faultSuite } from './suite.js';

faultSuite('SIGKILL during creation', crashCases, 12);
