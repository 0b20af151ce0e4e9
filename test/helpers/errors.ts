import { CmTsError } from '../../engine/src/errors/index.js';

/** Runs `fn` and returns the CmTsError it throws; anything else (or nothing) fails the test. */
export function errorOf(fn: () => unknown): CmTsError {
  try {
    fn();
  } catch (err) {
    if (err instanceof CmTsError) return err;
    throw err;
  }
  throw new Error('expected a CmTsError');
}

/** errorOf for a promise: the CmTsError it rejects with; anything else (or success) fails the test. */
export async function asyncErrorOf(fn: () => Promise<unknown>): Promise<CmTsError> {
  try {
    await fn();
  } catch (err) {
    if (err instanceof CmTsError) return err;
    throw err;
  }
  throw new Error('expected a CmTsError');
}

/** asyncErrorOf for a promise already made. */
export const rejectionOf = (promise: Promise<unknown>): Promise<CmTsError> => asyncErrorOf(() => promise);
