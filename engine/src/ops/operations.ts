import { randomUUID } from 'node:crypto';
import { existsSync, readdirSync, rmSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { CmTsError, errorRow, fromSystemError } from '../errors/index.js';
import { currentProcess, processRunning } from '../system/process-identity.js';
import { type OperationRecord, type OperationState, parseRecord, type StoredRecord, type Warn } from './record.js';
import { stateFolder } from '../system/state-root.js';
import { overwritePrivateFile, readTrustedFile, writePrivateFile } from '../system/trust.js';
import { replayUndo, stepPaths, type UndoJournal, type UndoStep } from '../output/undo.js';

export type { UndoJournal, UndoStep } from '../output/undo.js';
export { replayUndo } from '../output/undo.js';
export type { OperationRecord, OperationState } from './record.js';


const heartbeatMs = 2_000;
/**
 * A Running record of another computer (a shared state folder) whose heartbeat is older than this
 * is Interrupted, as is a record of an earlier version (no processStartTime) on this one; otherwise
 * only the process decides (docs/operations.md "Liveness").
 */
const staleMs = 30_000;
/** Finished operations are kept this many days (CMTSMEDIA_STATUS_RETENTION_DAYS; 0 keeps them; docs/module.md, "Status housekeeping"). */
export const defaultRetentionDays = 30;
const keepEndedCount = 1000;

function retentionMs(): number {
  const configured = process.env.CMTSMEDIA_STATUS_RETENTION_DAYS;
  const days = configured !== undefined && /^\d+(\.\d+)?$/.test(configured.trim()) ? Number(configured) : defaultRetentionDays;
  return days === 0 ? Number.POSITIVE_INFINITY : days * 24 * 3600_000;
}
/** A status file is a few KiB; a UFD journal of many files a few MiB. A larger one is not ours. */
export const maxRecordBytes = 16 * 2 ** 20;

const recordPath = (id: string) => join(stateFolder('operations'), `${id}.json`);

function writeRecord(record: OperationRecord): void {
  // An empty temporaryPaths for engines of earlier versions sharing the state folder: their sweep
  // needs the list and would not know how to undo a journal; they leave it alone.
  const stored: StoredRecord = { ...record, temporaryPaths: [] };
  writePrivateFile(recordPath(record.operationId), JSON.stringify(stored, null, 1));
}

/** A status file, if the engine may trust it (system/trust.ts, ops/record.ts); else undefined and a warning. */
function readRecord(path: string, warn: Warn): OperationRecord | undefined {
  const read = readTrustedFile(path, maxRecordBytes);
  const parsed = 'text' in read ? parseRecord(read.text, path) : read.problem;
  if (typeof parsed === 'string') {
    warn(`The status file ${path} ${parsed}; it was skipped and nothing it lists was touched.`);
    return undefined;
  }
  const { temporaryPaths, undo, processStartTime, ...record } = parsed;
  return { ...record, processStartTime: processStartTime ?? null, undo: undo ?? (temporaryPaths ?? []).map((remove) => ({ remove })) };
}

function isInterrupted(record: OperationRecord, now: number): boolean {
  if (record.state !== 'Running') return false;
  const stale = now - Date.parse(record.updatedAt) > staleMs;
  if (record.computerName !== hostname()) return stale;
  if (record.processStartTime === null) return stale || !processRunning({ pid: record.pid });
  return !processRunning({ pid: record.pid, startTime: record.processStartTime });
}

/** One media creation, from start to its end state, mirrored into its status file; its writers' undo journal. */
export class Operation implements UndoJournal {
  readonly record: OperationRecord;
  private readonly heartbeat: NodeJS.Timeout;
  private readonly fault = new AbortController();

  constructor(fields: Pick<OperationRecord, 'mediaType' | 'destinationPath' | 'bootImageId'>, private readonly now: () => Date = () => new Date()) {
    const at = this.now().toISOString();
    this.record = {
      operationId: randomUUID(),
      state: 'Running',
      ...fields,
      pid: process.pid,
      processStartTime: currentProcess().startTime,
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
      undo: [],
    };
    this.save();
    this.heartbeat = setInterval(() => this.beat(), heartbeatMs);
    this.heartbeat.unref();
  }

  get id(): string {
    return this.record.operationId;
  }

  /**
   * Aborted, with the typed error as its reason, when the status file cannot be written (a full
   * disk: E_DISKFULL): the creation stops and cleans up as on any write fault (docs/operations.md).
   */
  get signal(): AbortSignal {
    return this.fault.signal;
  }

  /** The heartbeat: a failed write never escapes a timer; it stops the operation instead. */
  private beat(): void {
    try {
      this.save();
    } catch (err) {
      clearInterval(this.heartbeat);
      this.fault.abort(fromSystemError(err, recordPath(this.id)));
    }
  }

  progress(step: number, steps: number, stepInfo: string, percent: number): void {
    Object.assign(this.record, { step, steps, stepInfo, percent });
  }

  add(steps: readonly UndoStep[]): void {
    this.record.undo = this.record.undo.concat(steps);
    this.save();
  }

  onVolume(identity: string | null): void {
    this.record.volumeIdentity = identity;
    this.save();
  }

  /** Best effort: a journal on disk that still lists done steps only makes a sweep find them done. */
  forget(paths: Iterable<string>): void {
    const gone = new Set(paths);
    this.record.undo = this.record.undo.filter((step) => !stepPaths(step).some((path) => gone.has(path)));
    this.beat();
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
    // What the run could not undo (its folder turned read-only) stays listed for the next sweep; a
    // temporary file renamed into place is gone. A completed write has forgotten its own steps.
    const undo = this.record.undo.filter((step) => existsSync('remove' in step ? step.remove : step.restore));
    Object.assign(this.record, fields, { state, endedAt: this.now().toISOString(), undo });
    this.record.updatedAt = this.now().toISOString();
    try {
      writeRecord(this.record);
    } catch {
      // No room for a new file (a full disk): the end state goes into the existing record's own
      // blocks. Not atomic, so only now; a torn record is skipped with a warning (ops/record.ts).
      try {
        overwritePrivateFile(recordPath(this.id), JSON.stringify({ ...this.record, temporaryPaths: [] }));
      } catch (err) {
        process.stderr.write(`cmtsmedia-engine: the status of operation ${this.id} could not be written: ${(err as Error).message}\n`);
      }
    }
  }

  private save(): void {
    this.record.updatedAt = this.now().toISOString();
    writeRecord(this.record);
  }
}

const interruptedDetail = 'the engine process ended before the operation finished';

/** Which volume is mounted at a path (usb/identity.ts volumeIdentity, injected: ops does not import usb). */
export type VolumeIdentify = (path: string) => string | null;

/**
 * A UFD journal is replayed only onto the volume it was written on: another volume mounted at the
 * same place keeps its files, and the journal waits for its own volume (docs/operations.md).
 */
function replayOnItsVolume(steps: UndoStep[], record: OperationRecord, refused: (step: UndoStep) => void, identify: VolumeIdentify, warn: Warn): UndoStep[] {
  if (steps.length === 0) return steps;
  const recorded = record.volumeIdentity;
  if (record.mediaType === 'UFD' && recorded) {
    const now = identify(record.destinationPath);
    if (now !== recorded) {
      warn(`Operation ${record.operationId} was interrupted while it wrote to the volume ${recorded} at ${record.destinationPath}; ${now ? `the volume there now is ${now}` : 'no volume is there now'}, so its cleanup waits until that volume is mounted there again.`);
      return steps;
    }
  }
  return replayUndo(steps, record, refused);
}

/**
 * Housekeeping at the start of each creation and of removeStatus: operations whose process died
 * become Interrupted and lose their temporary files; ended records older than the retention
 * (30 days unless configured) or beyond the newest 1000 go.
 * Only records the engine trusts are acted on; the rest are reported to `warn` and left alone.
 */
export function sweepOperations(warn: Warn = () => undefined, now = Date.now(), identify: VolumeIdentify = () => null): void {
  const folder = stateFolder('operations');
  const ended: Array<[number, string]> = [];
  for (const name of readdirSync(folder)) {
    const path = join(folder, name);
    if (!name.endsWith('.json')) continue;
    const record = readRecord(path, warn);
    if (!record) continue;
    const refused = (step: UndoStep) => warn(`The status file ${path} lists ${JSON.stringify(step)}, which is not a path operation ${record.operationId} made; it was left alone.`);
    const replayUndo = (steps: UndoStep[], scope: OperationRecord, onRefused: typeof refused) => replayOnItsVolume(steps, scope, onRefused, identify, warn);
    if (isInterrupted(record, now)) {
      const { hresult, message } = errorRow('E_UNEXPECTED');
      const undo = replayUndo(record.undo, record, refused);
      writeRecord({ ...record, state: 'Interrupted', endedAt: new Date(now).toISOString(), undo, errorCode: 'E_UNEXPECTED', hresult, errorDetail: interruptedDetail, errorMessage: message.replace('{0}', interruptedDetail) });
    } else if (record.state !== 'Running') {
      if (record.undo.length > 0) writeRecord({ ...record, undo: replayUndo(record.undo, record, refused) });
      ended.push([Date.parse(record.endedAt ?? record.updatedAt), path]);
    }
  }
  ended.sort((a, b) => b[0] - a[0]);
  const keepMs = retentionMs();
  ended.forEach(([endedAt, path], index) => {
    if (index >= keepEndedCount || now - endedAt > keepMs) rmSync(path, { force: true });
  });
}

/** The SDK view of an operation: Status is non-zero while running and 0 when finished; ExitCode is the HRESULT. */
/** What getStatus reports (protocol/messages.ts operationStatus): the record without the engine's own bookkeeping. */
export interface OperationStatus extends Omit<OperationRecord, 'undo' | 'hresult' | 'processStartTime' | 'volumeIdentity'> {
  status: number;
  exitCode: string;
}

export function statusOf(record: OperationRecord, now = Date.now()): OperationStatus {
  const { undo: _undo, hresult, processStartTime: _started, volumeIdentity: _volume, ...rest } = record;
  const state = isInterrupted(record, now) ? 'Interrupted' : record.state;
  const exitCode = state === 'Succeeded' ? '0x00000000' : state === 'Running' ? '0x00000103' : (hresult ?? errorRow('E_UNEXPECTED').hresult);
  return { ...rest, state, status: state === 'Running' ? 1 : 0, exitCode };
}

export function readOperation(operationId: string, warn: Warn = () => undefined): OperationStatus {
  if (!/^[0-9a-f-]{36}$/i.test(operationId)) throw new CmTsError('CMTSMEDIA_E_OPERATIONNOTFOUND', operationId);
  const record = readRecord(recordPath(operationId.toLowerCase()), warn);
  if (!record) throw new CmTsError('CMTSMEDIA_E_OPERATIONNOTFOUND', operationId);
  return statusOf(record);
}

/** Every operation the engine trusts a record of; a record it skips is reported to `warn`. */
export function listOperations(warn: Warn = () => undefined): OperationStatus[] {
  const folder = stateFolder('operations');
  return readdirSync(folder)
    .filter((name) => name.endsWith('.json'))
    .map((name) => readRecord(join(folder, name), warn))
    .filter((r): r is OperationRecord => r !== undefined)
    .map((r) => statusOf(r))
    .sort((a, b) => b.startedAt.localeCompare(a.startedAt));
}

/**
 * Removes one finished operation's status file (Remove-CMBootMediaStatus). A running operation is
 * never removed; an interrupted one is first swept, so its undo journal is not lost with it.
 */
export function removeOperation(operationId: string, now = Date.now()): OperationStatus {
  const status = readOperation(operationId);
  if (status.state === 'Running') throw new CmTsError('E_INVALIDARG', `operation ${status.operationId} is still running; only finished operations can be removed`);
  const path = recordPath(status.operationId);
  const record = readRecord(path, () => undefined);
  if (record && (isInterrupted(record, now) || record.undo.length > 0)) sweepOperations(undefined, now);
  const left = readRecord(path, () => undefined);
  if (left && left.undo.length > 0) throw new CmTsError('E_ACCESSDENIED', `the temporary files of operation ${status.operationId} cannot be removed yet (${left.undo.length} left); its status is kept until they are`);
  rmSync(path, { force: true });
  return status;
}
