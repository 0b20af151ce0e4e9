import { listOperations, readOperation, type OperationStatus } from './operations.js';

export async function getStatus(operationId: string | undefined): Promise<OperationStatus | { operations: OperationStatus[] }> {
  return operationId === undefined ? { operations: listOperations() } : readOperation(operationId);
}
