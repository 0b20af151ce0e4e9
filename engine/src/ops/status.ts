import { listOperations, readOperation, type OperationStatus } from './operations.js';
import type { Warn } from './record.js';

/** getStatus: one operation, or all; a status file the engine skips is reported to `warn`. */
export async function getStatus(operationId: string | undefined, warn: Warn): Promise<OperationStatus | { operations: OperationStatus[] }> {
  return operationId === undefined ? { operations: listOperations(warn) } : readOperation(operationId, warn);
}
