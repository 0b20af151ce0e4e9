import { basename } from 'node:path';
import type { UndoStep } from '../output/undo.js';

export type OperationState = 'Running' | 'Succeeded' | 'Failed' | 'Canceled' | 'Interrupted';

/** What a status file holds. Never a secret: passwords do not reach this module. */
export interface OperationRecord {
  operationId: string;
  state: OperationState;
  mediaType: string;
  destinationPath: string;
  bootImageId: string;
  pid: number;
  /** With pid, which process runs the operation (system/process-identity.ts); null where the OS does not tell. */
  processStartTime: string | null;
  computerName: string;
  startedAt: string;
  updatedAt: string;
  endedAt: string | null;
  step: number;
  steps: number;
  stepInfo: string;
  percent: number;
  errorCode: string | null;
  hresult: string | null;
  errorDetail: string | null;
  errorMessage: string | null;
  bytesWritten: number | null;
  /** What the next run undoes if this process dies, oldest first (an undo journal). */
  undo: UndoStep[];
  /** UFD: the volume the journal's steps are on (usb/identity.ts); null when unknown. */
  volumeIdentity?: string | null;
}

/** Status files of earlier versions list plain paths to remove, temporaryPaths, instead of `undo`; they stay on users' machines. */
export type StoredRecord = Omit<OperationRecord, 'undo' | 'processStartTime'> & { undo?: UndoStep[]; temporaryPaths?: string[]; processStartTime?: string | null };


/** Where the engine reports a record it skipped (a warning event of the request). */
export type Warn = (message: string) => void;

const states = new Set(['Running', 'Succeeded', 'Failed', 'Canceled', 'Interrupted']);
const isStep = (step: unknown): boolean => {
  if (step === null || typeof step !== 'object') return false;
  const s = step as Record<string, unknown>;
  return typeof s.remove === 'string' || (typeof s.restore === 'string' && typeof s.to === 'string');
};
const isTime = (value: unknown): boolean => typeof value === 'string' && !Number.isNaN(Date.parse(value));

/**
 * A status file's text as a record, or why it is not one: JSON of the shape operations.ts writes,
 * named after its own operation id. Only the fields the engine acts on or computes with are
 * checked; display fields pass as they are.
 */
export function parseRecord(text: string, path: string): StoredRecord | string {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return text.trim() === '' ? 'is empty' : 'is not valid JSON';
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return 'does not hold a status record';
  const r = value as Record<string, unknown>;
  if (typeof r.operationId !== 'string' || `${r.operationId}.json` !== basename(path)) return 'does not hold the record its name says';
  if (typeof r.state !== 'string' || !states.has(r.state)) return 'has no valid state';
  if (typeof r.pid !== 'number' || typeof r.computerName !== 'string' || typeof r.mediaType !== 'string' || typeof r.destinationPath !== 'string') return 'does not name its process and destination';
  if (!isTime(r.startedAt) || !isTime(r.updatedAt) || (r.endedAt != null && !isTime(r.endedAt))) return 'has invalid times';
  if (r.processStartTime != null && typeof r.processStartTime !== 'string') return 'has an invalid processStartTime';
  if (r.volumeIdentity != null && typeof r.volumeIdentity !== 'string') return 'has an invalid volumeIdentity';
  if (r.undo !== undefined && !(Array.isArray(r.undo) && r.undo.every(isStep))) return 'has an invalid undo journal';
  if (r.temporaryPaths !== undefined && !(Array.isArray(r.temporaryPaths) && r.temporaryPaths.every((p) => typeof p === 'string'))) return 'has invalid temporaryPaths';
  return r as unknown as StoredRecord;
}
