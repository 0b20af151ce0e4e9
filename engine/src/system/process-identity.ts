import { readFileSync } from 'node:fs';

/**
 * Which process wrote a status or lock record: its pid and, where the OS tells, when it started.
 * A pid alone is not an identity: pids are reused, and a stopped process (SIGSTOP, a suspended
 * VM) writes no heartbeat yet is alive (docs/operations.md "Liveness").
 */
export interface ProcessIdentity {
  pid: number;
  /** Linux: field 22 of /proc/<pid>/stat (clock ticks after boot); null where unknown. */
  startTime: string | null;
}

/** The start time of `pid`, or null where the OS does not tell (not Linux) or the process is gone. */
export function processStartTime(pid: number): string | null {
  if (process.platform !== 'linux') return null;
  let stat: string;
  try {
    stat = readFileSync(`/proc/${pid}/stat`, 'latin1');
  } catch {
    return null;
  }
  // "pid (comm) state ppid …": comm may hold spaces and parentheses, so count from the last ')'.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return fields[19] ?? null;
}

let self: ProcessIdentity | undefined;

export function currentProcess(): ProcessIdentity {
  self ??= { pid: process.pid, startTime: processStartTime(process.pid) };
  return self;
}

/**
 * Whether the process a record names still runs. A pid that is not a positive integer names none
 * (kill(0) or kill(-n) would signal a process group). EPERM: it runs, as another user. A start
 * time that differs means the pid now belongs to another process.
 */
export function processRunning(identity: { pid: unknown; startTime?: unknown }): boolean {
  const { pid } = identity;
  if (typeof pid !== 'number' || !Number.isSafeInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EPERM') return false;
  }
  if (typeof identity.startTime !== 'string') return true;
  const now = processStartTime(pid);
  return now === null || now === identity.startTime;
}
