import { createHash } from 'node:crypto';
import { closeSync, linkSync, openSync, readFileSync, renameSync, rmSync, writeSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { CmTsError } from '../errors/index.js';
import { stateFolder } from './state-root.js';

export interface DestinationLock {
  release(): void;
}

function ownerAlive(path: string): boolean {
  try {
    const { pid } = JSON.parse(readFileSync(path, 'utf8')) as { pid: number };
    process.kill(pid, 0);
    return true;
  } catch (err) {
    // EPERM: the process exists but belongs to someone else. Anything else (ESRCH, a torn or
    // unreadable file) means nobody holds the lock any more.
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Makes sure no two creations write the same destination at once (SPEC §6). The lock is a file in
 * the per-user state folder named by a hash of the destination, created exclusively; a second
 * creation fails at once with CMTSMEDIA_E_DESTINATIONBUSY. The lock of a process that died is taken
 * over: it is first renamed away, which only one contender can do.
 */
export function lockDestination(destination: string, operationId: string): DestinationLock {
  let key = resolve(destination);
  if (process.platform === 'win32') key = key.toLowerCase();
  const path = join(stateFolder('locks'), `${createHash('sha256').update(key).digest('hex').slice(0, 32)}.lock`);
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      const fd = openSync(path, 'wx', 0o600);
      writeSync(fd, JSON.stringify({ pid: process.pid, operationId, destination: key, lockedAt: new Date().toISOString() }));
      closeSync(fd);
      return { release: () => rmSync(path, { force: true }) };
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    }
    if (ownerAlive(path)) break;
    const stale = `${path}.${process.pid}.stale`;
    try {
      renameSync(path, stale);
    } catch {
      continue; // another contender moved it first; try again
    }
    // Between our look and the rename, a contender may have taken the dead lock over and written
    // its own: then we moved a live lock, and put it back (link fails if yet another exists).
    if (ownerAlive(stale)) {
      try {
        linkSync(stale, path);
      } catch {
        // a newer lock is in place; its owner holds the destination
      }
      rmSync(stale, { force: true });
      break;
    }
    rmSync(stale, { force: true });
  }
  throw new CmTsError('CMTSMEDIA_E_DESTINATIONBUSY', destination);
}
