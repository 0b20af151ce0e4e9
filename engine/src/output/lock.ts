import { createHash, randomBytes } from 'node:crypto';
import { closeSync, constants, fstatSync, linkSync, lstatSync, openSync, readdirSync, readSync, renameSync, rmSync, writeSync } from 'node:fs';
import { hostname } from 'node:os';
import { basename, dirname, join, resolve } from 'node:path';
import { CmTsError, fromSystemError } from '../errors/index.js';
import { currentProcess, processRunning } from '../system/process-identity.js';
import { stateFolder } from '../system/state-root.js';

export interface DestinationLock {
  /** The lock file. */
  readonly path: string;
  release(): void;
}

/**
 * Where the lock of a destination lives: where every user who can write that destination sees it
 * (docs/operations.md "Locks"). A file destination (an ISO, a disk image file) is locked by
 * `.<name>.cmtsmedia-lock` beside it, in the folder its temporary file goes to. A volume or a disk
 * device is locked in the system's shared lock folder (/run/lock, FHS 3.0 §5.9: lock files of
 * devices shared by several programs), sticky and owned by root; where there is none (Windows,
 * macOS without /run/lock), in the per-user state folder.
 */
export function lockPathFor(destination: string, fileDestination: boolean): string {
  let key = resolve(destination);
  if (fileDestination) return join(dirname(key), `.${basename(key)}.cmtsmedia-lock`);
  if (process.platform === 'win32') key = key.toLowerCase();
  const name = `cmtsmedia-${createHash('sha256').update(key).digest('hex').slice(0, 32)}.lock`;
  return join(sharedLockFolder() ?? stateFolder('locks'), name);
}

function sharedLockFolder(): string | undefined {
  if (process.platform === 'win32') return undefined;
  for (const folder of ['/run/lock', '/var/lock']) {
    try {
      const info = lstatSync(folder);
      // root's, sticky (nobody removes another user's file) and open to every user
      if (info.isDirectory() && info.uid === 0 && (info.mode & 0o1777) === 0o1777) return folder;
    } catch {
      // not on this system
    }
  }
  return undefined;
}

interface LockRecord {
  pid: number;
  startTime: string | null;
  computerName: string;
}

/** A lock file is a few hundred bytes; one larger, or not a regular file, is not a lock. */
const maxLockBytes = 4096;

/** The lock file's record, 'missing', or 'invalid' (a FIFO, a device, a symlink, torn or foreign JSON: nobody holds it). */
function readLock(path: string): LockRecord | 'missing' | 'invalid' {
  let fd: number;
  try {
    // O_NONBLOCK: a FIFO planted in the lock's place never makes the engine wait; O_NOFOLLOW: nor a symlink.
    fd = openSync(path, constants.O_RDONLY | (constants.O_NOFOLLOW ?? 0) | (constants.O_NONBLOCK ?? 0));
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'ENOENT' ? 'missing' : 'invalid';
  }
  try {
    const info = fstatSync(fd);
    if (!info.isFile() || info.size > maxLockBytes) return 'invalid';
    const buffer = Buffer.alloc(info.size);
    const length = readSync(fd, buffer, 0, buffer.length, 0);
    const record = JSON.parse(buffer.toString('utf8', 0, length)) as Partial<LockRecord>;
    if (typeof record.pid !== 'number') return 'invalid';
    return { pid: record.pid, startTime: typeof record.startTime === 'string' ? record.startTime : null, computerName: String(record.computerName ?? hostname()) };
  } catch {
    return 'invalid';
  } finally {
    closeSync(fd);
  }
}

/**
 * Whether the lock's owner still runs: pid and start time (a reused pid is another process), on
 * this computer. A lock of another computer (a shared folder) is trusted as held.
 */
function ownerOf(path: string): 'missing' | 'alive' | 'dead' {
  const lock = readLock(path);
  if (lock === 'missing') return 'missing';
  if (lock === 'invalid') return 'dead';
  if (lock.computerName !== hostname()) return 'alive';
  return processRunning({ pid: lock.pid, startTime: lock.startTime ?? undefined }) ? 'alive' : 'dead';
}

/** Whether the lock file at `path` is the one `owner` took (the sweep removes a dead operation's lock only then). */
export function lockHeldBy(path: string, owner: { pid: number; startTime: string | null }): boolean {
  const lock = readLock(path);
  return typeof lock === 'object' && lock.pid === owner.pid && lock.startTime === owner.startTime && lock.computerName === hostname();
}

/**
 * The private files of lockDestination (`<lock>.<pid>.<hex>.new`, `….stale`) live for microseconds,
 * but a process killed in between leaves them; they go once their process is gone. Only names
 * made from this lock's own name are looked at (the folder may be the user's).
 */
function removeLeftovers(lockPath: string): void {
  const prefix = basename(lockPath);
  for (const name of readdirSync(dirname(lockPath))) {
    if (!name.startsWith(prefix)) continue;
    const pid = /\.(\d+)(?:\.[0-9a-f]{16})?\.(?:new|stale)$/.exec(name)?.[1];
    if (pid !== undefined && !processRunning({ pid: Number(pid) })) tryRemove(join(dirname(lockPath), name));
  }
}

/** link(2) is the atomic "create if absent" that also brings the content along. */
function tryLink(from: string, to: string): boolean {
  try {
    linkSync(from, to);
    return true;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw err;
  }
}

/** Removes a lock file; false when the folder does not let this user (a sticky folder, another user's lock). */
function tryRemove(path: string): boolean {
  try {
    rmSync(path, { force: true });
    return true;
  } catch {
    return false;
  }
}

/** Writes this process's lock record to a new private name: O_EXCL|O_NOFOLLOW, so a planted file or symlink is never written through. */
function writeOwnRecord(lockPath: string, operationId: string, destination: string): string {
  const mine = `${lockPath}.${process.pid}.${randomBytes(8).toString('hex')}.new`;
  const { pid, startTime } = currentProcess();
  const text = JSON.stringify({ pid, startTime, computerName: hostname(), operationId, destination, lockedAt: new Date().toISOString() });
  // 0644: every user who meets the lock reads whose it is
  const fd = openSync(mine, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | (constants.O_NOFOLLOW ?? 0), 0o644);
  try {
    writeSync(fd, text);
  } finally {
    closeSync(fd);
  }
  return mine;
}

const pause = (ms: number): void => {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
};

/**
 * Makes sure no two creations write the same destination at once (docs/operations.md "Locks"), whoever runs them: a
 * second creation fails at once with CMTSMEDIA_E_DESTINATIONBUSY.
 *
 * The lock file appears complete: it is written under a private name and hard-linked into place
 * (link fails when the name exists), so nobody ever reads a half-written lock as a dead one.
 * Taking over the lock of a process that died is serialised by a second file, `<lock>.takeover`,
 * made the same way: only its holder removes a lock it does not own, after reading again that the
 * owner is dead. Renaming a dead lock aside instead would race: a contender that looked a moment
 * too late moves a live lock, and a third one slips into the gap before it is put back
 * (test/engine/reliability/lock-race.test.ts finds that within a few rounds). A dead lock this
 * user may not remove (another user's, in a sticky folder) leaves the destination busy.
 */
export function lockDestination(destination: string, operationId: string, fileDestination = true): DestinationLock {
  try {
    return takeLock(lockPathFor(destination, fileDestination), destination, operationId);
  } catch (err) {
    // a folder this user may not write is the destination's problem: name the destination
    throw fromSystemError(err, destination);
  }
}

function takeLock(path: string, destination: string, operationId: string): DestinationLock {
  const takeover = `${path}.takeover`;
  removeLeftovers(path);
  const mine = writeOwnRecord(path, operationId, resolve(destination));
  const { pid, startTime } = currentProcess();
  const held: DestinationLock = {
    path,
    release: () => {
      // only while it is still this process's own (never a lock someone took over)
      if (lockHeldBy(path, { pid, startTime })) tryRemove(path);
    },
  };
  try {
    // A takeover holds its file for microseconds; 100 rounds of 1 ms is a generous wait for one.
    for (let attempt = 0; attempt < 100; attempt++) {
      if (tryLink(mine, path)) return held;
      const owner = ownerOf(path);
      if (owner === 'alive') break;
      if (owner === 'missing') continue;
      if (!tryLink(mine, takeover)) {
        if (ownerOf(takeover) === 'dead') removeDeadTakeover(takeover);
        else pause(1);
        continue;
      }
      try {
        const again = ownerOf(path);
        if (again === 'alive') break;
        if (again === 'dead' && !tryRemove(path)) break;
        // A contender that came fresh may link between the removal and ours: then it holds the lock.
        if (tryLink(mine, path)) return held;
        break;
      } finally {
        rmSync(takeover, { force: true });
      }
    }
  } finally {
    rmSync(mine, { force: true });
  }
  throw new CmTsError('CMTSMEDIA_E_DESTINATIONBUSY', destination);
}

/**
 * A takeover file whose process died during the takeover (a kill within those microseconds): moved
 * aside, and put back if what was moved turns out to be a live contender's (then one of two racing
 * removers of a dead takeover file may, rarely, let a third contender in; this needs a process
 * killed inside a takeover first).
 */
function removeDeadTakeover(takeover: string): void {
  const aside = `${takeover}.${process.pid}.stale`;
  try {
    renameSync(takeover, aside);
  } catch {
    return; // another contender moved it first, or this user may not
  }
  if (ownerOf(aside) === 'alive') tryLink(aside, takeover);
  rmSync(aside, { force: true });
}
