import { lstatSync, renameSync, rmdirSync, unlinkSync } from 'node:fs';
import { basename, dirname, isAbsolute, join, relative, sep } from 'node:path';
import { isCmTsMediaTemp } from './atomic-file.js';
import { lockHeldBy, lockPathFor } from './lock.js';

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
  /** Records which volume the steps are on (usb/identity.ts), before the first of them. */
  onVolume?(identity: string | null): void;
}

/** The operation a journal belongs to: what its steps may touch. */
export interface UndoScope {
  mediaType: string;
  destinationPath: string;
  /** Its process: a destination lock is removed only while it still names that process. */
  pid?: number;
  processStartTime?: string | null;
}

/** The lock of a destination (output/lock.ts), still held by the operation's own (dead) process. */
function ownLock(path: string, scope: UndoScope): boolean {
  if (scope.pid === undefined) return false;
  const fileLock = lockPathFor(scope.destinationPath, true);
  if (path !== fileLock && path !== lockPathFor(scope.destinationPath, false)) return false;
  return lockHeldBy(path, { pid: scope.pid, startTime: scope.processStartTime ?? null });
}

export const stepPaths = (step: UndoStep): string[] => ('remove' in step ? [step.remove] : [step.restore, step.to]);

/** The name usb/volume.ts gives an original it sets aside. */
const setAside = /^\.cmts\.[0-9a-f]{16}\.cmtsmedia-old$/;

/** `path` lies strictly below `folder`, through real folders only (no symlink on the way). */
function below(folder: string, path: string): boolean {
  const rel = relative(folder, path);
  if (rel === '' || rel.startsWith('..') || isAbsolute(rel)) return false;
  let at = folder;
  for (const part of dirname(rel).split(sep).filter((p) => p !== '.')) {
    at = join(at, part);
    try {
      if (lstatSync(at).isSymbolicLink()) return false;
    } catch {
      return true; // a missing folder: the step finds nothing to do
    }
  }
  return true;
}

/**
 * Whether the sweep may take `step` for the operation `scope`: a temporary file by its name, and
 * on a UFD volume, what the copy made below the destination, or an original set aside beside the
 * file it restores. Anything else (a forged or corrupted journal) is never acted on.
 */
export function stepAllowed(step: UndoStep, scope: UndoScope): boolean {
  const ufd = scope.mediaType === 'UFD';
  if ('remove' in step) {
    if (typeof step.remove !== 'string' || !isAbsolute(step.remove)) return false;
    const name = basename(step.remove);
    if (name.endsWith('.cmtsmedia-lock') || name.endsWith('.lock')) return ownLock(step.remove, scope);
    // an image file's temporary file lies beside it (CD, UFD+FORMAT to a file)
    if (isCmTsMediaTemp(name) && name.startsWith(`.${basename(scope.destinationPath)}.`)) return dirname(step.remove) === dirname(scope.destinationPath);
    return ufd && below(scope.destinationPath, step.remove);
  }
  if (typeof step.restore !== 'string' || typeof step.to !== 'string') return false;
  return ufd && setAside.test(basename(step.restore)) && dirname(step.restore) === dirname(step.to) && below(scope.destinationPath, step.to);
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
 * holds it; returns the steps still to take, oldest first. A step whose path is missing is done;
 * a step the scope does not allow is dropped untaken and reported to `refused`.
 */
export function replayUndo(steps: readonly UndoStep[], scope: UndoScope, refused: (step: UndoStep) => void = () => undefined): UndoStep[] {
  return [...steps]
    .reverse()
    .filter((step) => {
      if (stepAllowed(step, scope)) return !undoStep(step);
      refused(step);
      return false;
    })
    .reverse();
}
