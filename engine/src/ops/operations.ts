import { randomUUID } from 'node:crypto';
import { existsSync, lstatSync, readdirSync, readFileSync, renameSync, rmdirSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { CmTsError, errorRow } from '../errors/index.js';
import { stateFolder } from './state-root.js';

export type OperationState = 'Running' | 'Succeeded' | 'Failed' | 'Canceled' | 'Interrupted';

/**
 * One step that undoes part of a write if its process dies, replayed newest-first by the next
 * run's sweep: remove a path the write created (a temporary file, a file it moved into place, a
 * folder it made: removed only once empty), or rename an original it set aside back over `to`.
 * Each is recorded before the step it guards, so a missing path only means that step never ran.
 */
export type UndoStep = { remove: string } | { restore: string; to: string };

/** Where a writer records its undo steps (Operation implements it). */
export interface UndoJournal {
  /** Records `steps` in the status file (one rewrite) before the writer takes them. */
  add(steps: readonly UndoStep[]): void;
  /** Drops every step naming one of `paths`: undone in-process, or part of a write that completed. */
  forget(paths: Iterable<string>): void;
}

const stepPaths = (step: UndoStep): string[] => ('remove' in step ? [step.remove] : [step.restore, step.to]);

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
  /** What the next run undoes if this process dies, oldest first (an undo journal). */
  undo: UndoStep[];
}

/** Status files of earlier versions list plain paths to remove, temporaryPaths, instead of `undo`; they stay on users' machines. */
type StoredRecord = Omit<OperationRecord, 'undo'> & { undo?: UndoStep[]; temporaryPaths?: string[] };

const heartbeatMs = 2_000;
/** A Running record whose heartbeat is older than this, or whose process is gone, is Interrupted. */
const staleMs = 30_000;
/** Finished operations are kept this many days (CMTSMEDIA_STATUS_RETENTION_DAYS; 0 keeps them; docs/module.md, "Status housekeeping"). */
export const defaultRetentionDays = 30;
const keepEndedCount = 1000;

function retentionMs(): number {
  const configured = process.env.CMTSMEDIA_STATUS_RETENTION_DAYS;
  const days = configured !== undefined && /^\d+(\.\d+)?$/.test(configured.trim()) ? Number(configured) : defaultRetentionDays;
  return days === 0 ? Number.POSITIVE_INFINITY : days * 24 * 3600_000;
}

const recordPath = (id: string) => join(stateFolder('operations'), `${id}.json`);

function writeRecord(record: OperationRecord): void {
  const path = recordPath(record.operationId);
  const temp = `${path}.${process.pid}.tmp`;
  // An empty temporaryPaths for engines of earlier versions sharing the state folder: their sweep
  // needs the list and would not know how to undo a journal; they leave it alone.
  const stored: StoredRecord = { ...record, temporaryPaths: [] };
  writeFileSync(temp, JSON.stringify(stored, null, 1), { mode: 0o600 });
  renameSync(temp, path);
}

function readRecord(path: string): OperationRecord | undefined {
  let stored: StoredRecord;
  try {
    stored = JSON.parse(readFileSync(path, 'utf8')) as StoredRecord;
  } catch {
    return undefined;
  }
  const { temporaryPaths, undo, ...record } = stored;
  return { ...record, undo: undo ?? (temporaryPaths ?? []).map((remove) => ({ remove })) };
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

/** One media creation, from start to its end state, mirrored into its status file; its writers' undo journal. */
export class Operation implements UndoJournal {
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
      undo: [],
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

  add(steps: readonly UndoStep[]): void {
    this.record.undo = this.record.undo.concat(steps);
    this.save();
  }

  forget(paths: Iterable<string>): void {
    const gone = new Set(paths);
    this.record.undo = this.record.undo.filter((step) => !stepPaths(step).some((path) => gone.has(path)));
    this.save();
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
    this.save();
  }

  private save(): void {
    this.record.updatedAt = this.now().toISOString();
    writeRecord(this.record);
  }
}

/** The originals a UFD copy sets aside (usb/volume.ts): the owner's files, never removed here. */
const isSetAside = (path: string): boolean => path.endsWith('.cmtsmedia-old');

/** Takes one step; false when it must be tried again later (a read-only folder, a folder not yet empty). */
function undoStep(step: UndoStep): boolean {
  try {
    if ('restore' in step) {
      renameSync(step.restore, step.to);
    } else if (!isSetAside(step.remove)) {
      if (lstatSync(step.remove).isDirectory()) rmdirSync(step.remove);
      else unlinkSync(step.remove);
    }
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'ENOENT';
  }
}

/**
 * Replays a journal newest-first, so a file moved into place is undone before the folder that
 * holds it; returns the steps still to take, oldest first. A step whose path is missing is done.
 */
export function replayUndo(steps: readonly UndoStep[]): UndoStep[] {
  return [...steps].reverse().filter((step) => !undoStep(step)).reverse();
}

/**
 * Housekeeping at the start of each creation and of removeStatus: operations whose process died
 * become Interrupted and lose their temporary files; ended records older than the retention
 * (30 days unless configured) or beyond the newest 1000 go.
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
      writeRecord({ ...record, state: 'Interrupted', endedAt: new Date(now).toISOString(), undo: replayUndo(record.undo), errorCode: 'E_UNEXPECTED', hresult, errorDetail: 'the engine process ended before the operation finished', errorMessage: message.replace('{0}', 'the engine process ended before the operation finished') });
    } else if (record.state !== 'Running') {
      if (record.undo.length > 0) writeRecord({ ...record, undo: replayUndo(record.undo) });
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
export interface OperationStatus extends Omit<OperationRecord, 'undo' | 'hresult'> {
  status: number;
  exitCode: string;
}

export function statusOf(record: OperationRecord, now = Date.now()): OperationStatus {
  const { undo: _undo, hresult, ...rest } = record;
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

/**
 * Removes one finished operation's status file (Remove-CMBootMediaStatus). A running operation is
 * never removed; an interrupted one is first swept, so its undo journal is not lost with it.
 */
export function removeOperation(operationId: string, now = Date.now()): OperationStatus {
  const status = readOperation(operationId);
  if (status.state === 'Running') throw new CmTsError('E_INVALIDARG', `operation ${status.operationId} is still running; only finished operations can be removed`);
  const path = recordPath(status.operationId);
  const record = readRecord(path);
  if (record && (isInterrupted(record, now) || record.undo.length > 0)) sweepOperations(now);
  const left = readRecord(path);
  if (left && left.undo.length > 0) throw new CmTsError('E_ACCESSDENIED', `the temporary files of operation ${status.operationId} cannot be removed yet (${left.undo.length} left); its status is kept until they are`);
  rmSync(path, { force: true });
  return status;
}
