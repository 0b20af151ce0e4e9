import { createHash } from 'node:crypto';
import { linkSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { CmTsError } from '../errors/index.js';
import { stateFolder } from './state-root.js';

export interface DestinationLock {
  release(): void;
}

/** 'missing', or whether the process a lock file names still runs. */
function ownerOf(path: string): 'missing' | 'alive' | 'dead' {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'ENOENT' ? 'missing' : 'dead';
  }
  try {
    // EPERM: the process exists but belongs to someone else. A torn file means nobody holds the lock.
    return processAlive((JSON.parse(text) as { pid: number }).pid) ? 'alive' : 'dead';
  } catch {
    return 'dead';
  }
}

/**
 * The private files of lockDestination (`….<pid>.new`, `….<pid>.stale`) live for microseconds, but
 * a process killed in between leaves them; they go once their process is gone.
 */
function removeLeftovers(folder: string): void {
  for (const name of readdirSync(folder)) {
    const pid = /\.(\d+)\.(?:new|stale)$/.exec(name)?.[1];
    if (pid !== undefined && !processAlive(Number(pid))) rmSync(join(folder, name), { force: true });
  }
}

function processAlive(pid: number): boolean {
  if (!Number.isSafeInteger(pid) || pid <= 0) return false; // kill(0 or -n) would signal a process group
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
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

const pause = (ms: number): void => {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
};

/**
 * Makes sure no two creations write the same destination at once (SPEC §6). The lock is a file in
 * the per-user state folder named by a hash of the destination; a second creation fails at once
 * with CMTSMEDIA_E_DESTINATIONBUSY.
 *
 * The lock file appears complete: it is written under a private name and hard-linked into place
 * (link fails when the name exists), so nobody ever reads a half-written lock as a dead one.
 * Taking over the lock of a process that died is serialised by a second file, `<lock>.takeover`,
 * made the same way: only its holder removes a lock it does not own, after reading again that the
 * owner is dead. Renaming a dead lock aside instead would race: a contender that looked a moment
 * too late moves a live lock, and a third one slips into the gap before it is put back
 * (test/engine/reliability/lock-race.test.ts finds that within a few rounds).
 */
export function lockDestination(destination: string, operationId: string): DestinationLock {
  let key = resolve(destination);
  if (process.platform === 'win32') key = key.toLowerCase();
  const path = join(stateFolder('locks'), `${createHash('sha256').update(key).digest('hex').slice(0, 32)}.lock`);
  const takeover = `${path}.takeover`;
  removeLeftovers(dirname(path));
  const mine = `${path}.${process.pid}.new`;
  writeFileSync(mine, JSON.stringify({ pid: process.pid, operationId, destination: key, lockedAt: new Date().toISOString() }), { mode: 0o600 });
  const held: DestinationLock = { release: () => rmSync(path, { force: true }) };
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
        if (again === 'dead') rmSync(path, { force: true });
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
    return; // another contender moved it first
  }
  if (ownerOf(aside) === 'alive') tryLink(aside, takeover);
  rmSync(aside, { force: true });
}
