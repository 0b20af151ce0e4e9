import { CmTsError } from '../errors/index.js';
import { removeOperation, sweepOperations, type OperationState } from './operations.js';

/** What removeStatus did with one operation id: removed, or why not (the error crosses as for a request). */
export interface RemovedStatus {
  operationId: string;
  removed: boolean;
  state?: OperationState;
  error?: ReturnType<CmTsError['toJSON']>;
}

/**
 * removeStatus (Remove-CMBootMediaStatus): the module has chosen and confirmed the ids; each is
 * removed unless it is running (checked again here, at the moment of removal) or unknown. The sweep
 * first applies the automatic retention, as a creation does.
 */
export function removeStatus(operationIds: readonly string[]): { operations: RemovedStatus[] } {
  sweepOperations();
  const operations = operationIds.map((operationId): RemovedStatus => {
    try {
      return { operationId, removed: true, state: removeOperation(operationId).state };
    } catch (err) {
      if (!(err instanceof CmTsError)) throw err;
      return { operationId, removed: false, error: err.toJSON() };
    }
  });
  return { operations };
}
