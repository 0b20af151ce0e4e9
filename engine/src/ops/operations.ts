import { randomUUID } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { CmTsError, errorRow } from '../errors/index.js';
import { stateFolder } from './state-root.js';

export type OperationState = 'Running' | 'Succeeded' | 'Failed' | 'Canceled' | 'Interrupted';

/** What a status file holds. Never a secret: passwords do not reach this module. */
export interface OperationRecord {
  operationId: string;
  state: OperationState;
  mediaType: string;
  destinationPath: string;
  bootImageId: string;
  pid: number;
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
  /** Files this operation may leave behind if its process dies; removed by the next run. */
  temporaryPaths: string[];
}

const heartbeatMs = 2_000;
/** A Running record whose heartbeat is older than this, or whose process is gone, is Interrupted. */
const staleMs = 30_000;
const keepEndedMs = 7 * 24 * 3600_000;
const keepEndedCount = 200;

const recordPath = (id: string) => join(stateFolder('operations'), `${id}.json`);

function writeRecord(record: OperationRecord): void {
  const path = recordPath(record.operationId);
  const temp = `${path}.${process.pid}.tmp`;
  writeFileSync(temp, JSON.stringify(record, null, 1), { mode: 0o600 });
  renameSync(temp, path);
}

function readRecord(path: string): OperationRecord | undefined {
  try {
    return JSON.parse(readFileSync(path, 'utf8')) as OperationRecord;
  } catch {
    return undefined;
  }
}

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function isInterrupted(record: OperationRecord, now: number): boolean {
  return record.state === 'Running' && (!processAlive(record.pid) || now - Date.parse(record.updatedAt) > staleMs);
}

/** One media creation, from start to its end state, mirrored into its status file. */
export class Operation {
  readonly record: OperationRecord;
  private readonly heartbeat: NodeJS.Timeout;

  constructor(fields: Pick<OperationRecord, 'mediaType' | 'destinationPath' | 'bootImageId'>, private readonly now: () => Date = () => new Date()) {
    const at = this.now().toISOString();
    this.record = {
      operationId: randomUUID(),
      state: 'Running',
      ...fields,
      pid: process.pid,
      computerName: hostname(),
      startedAt: at,
      updatedAt: at,
      endedAt: null,
      step: 0,
      steps: 0,
      stepInfo: '',
      percent: 0,
      errorCode: null,
      hresult: null,
      errorDetail: null,
      errorMessage: null,
      bytesWritten: null,
      temporaryPaths: [],
    };
    this.save();
    this.heartbeat = setInterval(() => this.save(), heartbeatMs);
    this.heartbeat.unref();
  }

  get id(): string {
    return this.record.operationId;
  }

  progress(step: number, steps: number, stepInfo: string, percent: number): void {
    Object.assign(this.record, { step, steps, stepInfo, percent });
  }

  /** Records a path to remove if this process dies before the operation ends. */
  track(path: string): void {
    this.record.temporaryPaths.push(path);
    this.save();
  }

  untrack(path: string): void {
    this.record.temporaryPaths = this.record.temporaryPaths.filter((p) => p !== path);
  }

  succeed(bytesWritten: number): void {
    this.finish('Succeeded', { bytesWritten, percent: 100 });
  }

  fail(error: CmTsError): void {
    this.finish(error.code === 'E_CANCELLED' ? 'Canceled' : 'Failed', {
      errorCode: error.code,
      hresult: error.hresult,
      errorDetail: error.detail,
      errorMessage: error.message,
    });
  }

  private finish(state: OperationState, fields: Partial<OperationRecord>): void {
    clearInterval(this.heartbeat);
    // A temporary file the run could not remove (its folder turned read-only) stays listed for the next sweep.
    const temporaryPaths = this.record.temporaryPaths.filter((path) => existsSync(path));
    Object.assign(this.record, fields, { state, endedAt: this.now().toISOString(), temporaryPaths });
    this.save();
  }

  private save(): void {
    this.record.updatedAt = this.now().toISOString();
    writeRecord(this.record);
  }
}

/** Removes what it can; returns the paths that are still there (e.g. in a folder that is read-only). */
function removeTemporaries(paths: readonly string[]): string[] {
  return paths.filter((path) => {
    try {
      rmSync(path, { force: true, recursive: true });
      return false;
    } catch {
      return true;
    }
  });
}

/**
 * Housekeeping at the start of each creation: operations whose process died become Interrupted
 * and lose their temporary files; ended records older than a week (or beyond the newest 200) go.
 */
export function sweepOperations(now = Date.now()): void {
  const folder = stateFolder('operations');
  const ended: Array<[number, string]> = [];
  for (const name of readdirSync(folder)) {
    const path = join(folder, name);
    if (name.endsWith('.tmp')) continue;
    const record = readRecord(path);
    if (!record) continue;
    if (isInterrupted(record, now)) {
      const { hresult, message } = errorRow('E_UNEXPECTED');
      writeRecord({ ...record, state: 'Interrupted', endedAt: new Date(now).toISOString(), temporaryPaths: removeTemporaries(record.temporaryPaths), errorCode: 'E_UNEXPECTED', hresult, errorDetail: 'the engine process ended before the operation finished', errorMessage: message.replace('{0}', 'the engine process ended before the operation finished') });
    } else if (record.state !== 'Running') {
      if (record.temporaryPaths.length > 0) writeRecord({ ...record, temporaryPaths: removeTemporaries(record.temporaryPaths) });
      ended.push([Date.parse(record.endedAt ?? record.updatedAt), path]);
    }
  }
  ended.sort((a, b) => b[0] - a[0]);
  ended.forEach(([endedAt, path], index) => {
    if (index >= keepEndedCount || now - endedAt > keepEndedMs) rmSync(path, { force: true });
  });
}

/** The SDK view of an operation: Status is non-zero while running and 0 when finished; ExitCode is the HRESULT. */
export interface OperationStatus extends Omit<OperationRecord, 'temporaryPaths' | 'hresult'> {
  status: number;
  exitCode: string;
}

export function statusOf(record: OperationRecord, now = Date.now()): OperationStatus {
  const { temporaryPaths: _temporaryPaths, hresult, ...rest } = record;
  const state = isInterrupted(record, now) ? 'Interrupted' : record.state;
  const exitCode = state === 'Succeeded' ? '0x00000000' : state === 'Running' ? '0x00000103' : (hresult ?? errorRow('E_UNEXPECTED').hresult);
  return { ...rest, state, status: state === 'Running' ? 1 : 0, exitCode };
}

export function readOperation(operationId: string): OperationStatus {
  if (!/^[0-9a-f-]{36}$/i.test(operationId)) throw new CmTsError('CMTSMEDIA_E_OPERATIONNOTFOUND', operationId);
  const record = readRecord(recordPath(operationId.toLowerCase()));
  if (!record) throw new CmTsError('CMTSMEDIA_E_OPERATIONNOTFOUND', operationId);
  return statusOf(record);
}

export function listOperations(): OperationStatus[] {
  const folder = stateFolder('operations');
  return readdirSync(folder)
    .filter((name) => name.endsWith('.json'))
    .map((name) => readRecord(join(folder, name)))
    .filter((r): r is OperationRecord => r !== undefined)
    .map((r) => statusOf(r))
    .sort((a, b) => b.startedAt.localeCompare(a.startedAt));
}
