/**
 * The fault matrix: each case drives real engine processes into one fault and checks what docs/operations.md
 * promises — a typed error, nothing half-written at the destination, an existing destination
 * intact, temporary files gone (at once, or on the next run after a crash), the operation's
 * status. The vitest suites run it with few points; `npm run reliability` with many.
 */
import { execFileSync } from 'node:child_process';
import { chmodSync, chownSync, copyFileSync, cpSync, existsSync, readFileSync, rmSync, truncateSync, unlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { lockPathFor } from '../../../engine/src/output/lock.js';
import { deadPid, EngineProcess, ensureDir, isRoot, lockFiles, type Message, sha256, sleep, statusFile, tempFiles, until, walk, writeExisting } from './harness.js';
import type { MediaTarget } from './targets.js';
import { seededRandom } from '../../helpers/random.js';

/** What a case needs: the engine command, a scratch folder it owns, the big site, the media target. */
export interface Rig {
  engine: string[];
  dir: string;
  catalog: string;
  wim: string;
  target: MediaTarget;
  seed: number;
  /**
   * Check the promised durations too (stopped within 2 s, a busy destination refused at once):
   * `npm run reliability` does, on a quiet machine; the vitest suites do not, since a test that
   * times itself fails whenever the machine is busy.
   */
  timings?: boolean;
}

export interface FaultResult {
  fault: string;
  tried: number;
  survived: number;
  /** Points where a destination was left partial or an existing one damaged. */
  dataLost: number;
  problems: string[];
}

export interface FaultCase {
  readonly name: string;
  /** Why the case cannot run here, if it cannot. */
  readonly unavailable?: () => string | undefined;
  run(rig: Rig, points: number): Promise<FaultResult>;
}

/** Collects one case's points: a point survives when it adds no problem. */
class Tally {
  tried = 0;
  survived = 0;
  dataLost = 0;
  readonly problems: string[] = [];
  private pointProblems = 0;

  constructor(readonly fault: string) {}

  point(): void {
    if (this.tried > 0 && this.pointProblems === 0) this.survived++;
    this.tried++;
    this.pointProblems = 0;
  }

  problem(text: string, lost = false): void {
    this.problems.push(`point ${this.tried}: ${text}`);
    this.pointProblems++;
    if (lost) this.dataLost++;
  }

  check(ok: boolean, text: string, lost = false): void {
    if (!ok) this.problem(text, lost);
  }

  result(): FaultResult {
    if (this.tried > 0 && this.pointProblems === 0) this.survived++;
    this.pointProblems = 0;
    return { fault: this.fault, tried: this.tried, survived: this.survived, dataLost: this.dataLost, problems: this.problems };
  }
}

const createRequest = (rig: Rig, destinationPath: string, extra: Record<string, unknown> = {}) => ({
  mediaType: rig.target.mediaType,
  destinationPath,
  bootImageId: 'PS100005',
  siteCatalog: rig.catalog,
  ...rig.target.params(rig.wim),
  ...extra,
});

/** A case's own folders: `out` for destinations, `state` for the engine's state. */
function caseFolders(rig: Rig, name: string): { out: string; state: string } {
  const root = join(rig.dir, name);
  rmSync(root, { recursive: true, force: true });
  return { out: ensureDir(join(root, 'out')), state: ensureDir(join(root, 'state')) };
}

const errorCode = (reply: Message | undefined): string | undefined => reply?.error?.code;

/** Runs one creation to its end and returns the reply. */
async function createOnce(rig: Rig, state: string, destination: string, extra: Record<string, unknown> = {}, as: { uid?: number; gid?: number } = {}): Promise<Message> {
  const engine = new EngineProcess(rig.engine, { stateDir: state, ...as });
  try {
    return await engine.request(1, 'createBootMedia', createRequest(rig, destination, extra), 120_000);
  } finally {
    await engine.stop();
  }
}

/** Milliseconds from the `started` event to the reply of one undisturbed creation. */
async function calibrate(rig: Rig, state: string, out: string): Promise<number> {
  const engine = new EngineProcess(rig.engine, { stateDir: state });
  try {
    const destination = rig.target.destination(out, 'calibration');
    engine.send({ id: 1, command: 'createBootMedia', params: createRequest(rig, destination) });
    await engine.waitFor((m) => m.event === 'started');
    const started = Date.now();
    const reply = await engine.reply(1, 120_000);
    if (!reply.result) throw new Error(`calibration run failed: ${JSON.stringify(reply.error)}`);
    rmSync(destination);
    return Date.now() - started;
  } finally {
    await engine.stop();
  }
}

/**
 * SIGKILL at `points` random moments between `started` and the end of the write. After each
 * kill: the destination is absent (new) or byte-identical to the file being replaced, unless the
 * kill came after the atomic rename, when it must be complete media. The next run (the next
 * point's engine) must have removed the orphaned temporary files and report the killed operation
 * Interrupted; a last undisturbed run must succeed and leave only the destination and no locks.
 */
function sigkillCase(replace: boolean): FaultCase {
  const name = replace ? 'SIGKILL while replacing an existing file' : 'SIGKILL while creating a new file';
  return {
    name,
    async run(rig, points) {
      const tally = new Tally(name);
      const { out, state } = caseFolders(rig, replace ? 'kill-replace' : 'kill-new');
      const durationMs = await calibrate(rig, state, out);
      const random = seededRandom(rig.seed);
      const destination = rig.target.destination(out, 'media');
      let previous = '';
      let last: { operationId: string; orphans: string[]; completed: boolean; mediaComplete: boolean } | undefined;
      const checkPrevious = async (engine: EngineProcess, id: string) => {
        if (!last) return;
        for (const orphan of last.orphans) tally.check(!existsSync(orphan), `orphaned ${orphan} was not removed by the next run`);
        const status = await engine.request(id, 'getStatus', { operationId: last.operationId });
        const expected = last.completed ? ['Succeeded'] : ['Interrupted', 'Succeeded'];
        tally.check(expected.includes(status.result?.state), `killed operation reads ${status.result?.state ?? JSON.stringify(status.error)}, expected ${expected.join(' or ')}`);
        if (status.result?.state === 'Succeeded') tally.check(last.mediaComplete, 'operation Succeeded but the media it left are incomplete', true);
      };
      for (let i = 0; i < points; i++) {
        tally.point();
        if (replace) previous = writeExisting(destination, rig.target.existingBytes(rig.wim));
        else rmSync(destination, { force: true });
        const engine = new EngineProcess(rig.engine, { stateDir: state });
        engine.send({ id: 1, command: 'createBootMedia', params: createRequest(rig, destination, { force: replace }) });
        const started = await engine.waitFor((m) => m.event === 'started' || 'error' in m);
        if (!started.operationId) {
          tally.problem(`the creation did not start: ${JSON.stringify(started.error)}`);
          await engine.stop();
          continue;
        }
        await checkPrevious(engine, `status-${i}`);
        await sleep(random() * durationMs * 1.1);
        engine.kill('SIGKILL');
        await engine.exited;
        const completed = engine.lines.some((m) => m.id === 1 && 'result' in m);
        let mediaComplete = false;
        if (replace) {
          const now = existsSync(destination) ? sha256(destination) : undefined;
          if (!now) tally.problem('the file being replaced is gone', true);
          else if (now !== previous) {
            const wrong = rig.target.verify(destination, rig.wim);
            mediaComplete = wrong === null;
            tally.check(mediaComplete, `the file being replaced was damaged: ${wrong}`, true);
          }
        } else if (existsSync(destination)) {
          const wrong = rig.target.verify(destination, rig.wim);
          mediaComplete = wrong === null;
          tally.check(mediaComplete, `a partial file was left at the new destination: ${wrong}`, true);
        }
        tally.check(!completed || mediaComplete, 'the engine replied with a result but the media are incomplete', true);
        last = { operationId: started.operationId as string, orphans: tempFiles(out), completed, mediaComplete };
      }
      // The last run: undisturbed, it must clean up after the last kill and succeed.
      const engine = new EngineProcess(rig.engine, { stateDir: state });
      try {
        engine.send({ id: 1, command: 'createBootMedia', params: createRequest(rig, destination, { force: true }) });
        await engine.waitFor((m) => m.event === 'started' || 'error' in m);
        await checkPrevious(engine, 'status-last');
        const reply = await engine.reply(1, 120_000);
        tally.check(Boolean(reply.result), `the run after the kills failed: ${JSON.stringify(reply.error)}`);
      } finally {
        await engine.stop();
      }
      tally.check(rig.target.verify(destination, rig.wim) === null, 'the media of the last run are incomplete');
      tally.check(tempFiles(out).length === 0, `temporary files remain: ${tempFiles(out).join(', ')}`);
      tally.check(lockFiles(state, out).length === 0, `lock files remain: ${lockFiles(state, out).join(', ')}`);
      return tally.result();
    },
  };
}

type Stopper = 'cancel' | 'stdin EOF' | 'SIGINT' | 'SIGTERM';

/**
 * Stops a creation in the middle of its write and checks it ends within 2 s with E_CANCELLED,
 * no file at the destination, no temporary file, no lock, and the status Canceled.
 */
function cancelCase(how: Stopper): FaultCase {
  const name = `${how} during the write`;
  return {
    name,
    async run(rig, points) {
      const tally = new Tally(name);
      const { out, state } = caseFolders(rig, `cancel-${how.replace(/\W/g, '')}`);
      const random = seededRandom(rig.seed);
      for (let i = 0; i < points; i++) {
        tally.point();
        const destination = rig.target.destination(out, `media-${i}`);
        const engine = new EngineProcess(rig.engine, { stateDir: state });
        try {
          engine.send({ id: 1, command: 'createBootMedia', params: createRequest(rig, destination) });
          const started = await engine.waitFor((m) => m.event === 'started');
          await until(() => tempFiles(out).length > 0 || engine.lines.some((m) => m.id === 1 && ('result' in m || 'error' in m)));
          // A warm page cache writes a few hundred MiB per second: stop soon after the write began.
          await sleep(random() * 40);
          const t0 = Date.now();
          if (how === 'cancel') engine.send({ id: 2, command: 'cancel', params: { requestId: 1 } });
          else if (how === 'stdin EOF') engine.close();
          else engine.kill(how);
          const reply = await engine.reply(1, 10_000).catch(() => undefined);
          const exit = how === 'cancel' ? undefined : await engine.exited;
          const elapsedMs = Date.now() - t0;
          if (reply?.result) {
            tally.problem('the creation finished before it could be stopped (test timing)');
            continue;
          }
          tally.check(errorCode(reply) === 'E_CANCELLED', `reply ${JSON.stringify(reply?.error ?? reply)}, expected E_CANCELLED`);
          if (rig.timings) tally.check(elapsedMs <= 2000, `stopping took ${elapsedMs} ms`);
          if (exit) {
            const expected = { 'stdin EOF': 0, SIGINT: 130, SIGTERM: 143 }[how as Exclude<Stopper, 'cancel'>];
            tally.check(exit.code === expected, `engine exit code ${exit.code} (signal ${exit.signal}), expected ${expected}`);
          }
          tally.check(!existsSync(destination), `${destination} exists after ${how}`, true);
          tally.check(tempFiles(out).length === 0, `temporary files remain after ${how}: ${tempFiles(out).join(', ')}`);
          tally.check(statusFile(state, started.operationId as string)?.state === 'Canceled', `status ${statusFile(state, started.operationId as string)?.state}, expected Canceled`);
          tally.check(lockFiles(state, out).length === 0, `lock files remain: ${lockFiles(state, out).join(', ')}`);
        } finally {
          await engine.stop();
        }
      }
      return tally.result();
    },
  };
}

/**
 * Runs one creation and applies `fault` once the temporary file exists (the write is under way);
 * expects one of `codes`, the destination absent or intact, and no temporary file left once
 * `restore` has run and a next run has swept.
 */
async function midWriteFault(
  tally: Tally,
  rig: Rig,
  folders: { out: string; state: string },
  destination: string,
  options: { codes: string[]; fault: () => void; restore?: () => void; replace?: boolean; engine?: { uid?: number; gid?: number; env?: NodeJS.ProcessEnv }; allowSuccess?: boolean; catalog?: string },
): Promise<void> {
  const previous = options.replace ? writeExisting(destination, rig.target.existingBytes(rig.wim)) : undefined;
  const engine = new EngineProcess(rig.engine, { stateDir: folders.state, ...options.engine });
  try {
    const params = { ...createRequest(rig, destination, { force: previous !== undefined }), ...(options.catalog ? { siteCatalog: options.catalog } : {}) };
    engine.send({ id: 1, command: 'createBootMedia', params });
    const started = await engine.waitFor((m) => m.event === 'started' || 'error' in m);
    const inWrite = await until(() => tempFiles(folders.out).length > 0 || engine.lines.some((m) => m.id === 1 && ('result' in m || 'error' in m)));
    if (inWrite && tempFiles(folders.out).length > 0) options.fault();
    const reply = await engine.reply(1, 60_000);
    options.restore?.();
    if (reply.result && options.allowSuccess) {
      tally.check(rig.target.verify(destination, rig.wim) === null, 'the creation succeeded with incomplete media', true);
    } else {
      tally.check(options.codes.includes(errorCode(reply) ?? ''), `reply ${JSON.stringify(reply.error ?? reply.result)}, expected ${options.codes.join(' or ')}`);
      const status = started.operationId ? statusFile(folders.state, started.operationId as string) : undefined;
      tally.check(status?.state === 'Failed' && options.codes.includes(status.errorCode), `status ${status?.state} ${status?.errorCode}, expected Failed with ${options.codes.join(' or ')}`);
      if (previous) {
        tally.check(existsSync(destination) && sha256(destination) === previous, 'the file being replaced was damaged', true);
      } else {
        tally.check(!existsSync(destination), `${destination} exists after the failure`, true);
      }
    }
    tally.check(!/unexpected failure/.test(engine.stderr), `engine stderr: ${engine.stderr.slice(0, 300)}`);
  } finally {
    await engine.stop();
  }
  if (tempFiles(folders.out).length > 0) {
    // A temporary file the failed run could not remove (its folder was unwritable) goes on the next
    // run of the same user (the state folder is that user's).
    const as = { ...(options.engine?.uid !== undefined ? { uid: options.engine.uid, gid: options.engine.gid ?? options.engine.uid } : {}) };
    await createOnce(rig, folders.state, rig.target.destination(folders.out, 'sweeper'), options.catalog ? { siteCatalog: options.catalog } : {}, as);
    rmSync(rig.target.destination(folders.out, 'sweeper'), { force: true });
    tally.check(tempFiles(folders.out).length === 0, `temporary files remain after the next run: ${tempFiles(folders.out).join(', ')}`);
  }
  tally.check(lockFiles(folders.state, folders.out).length === 0, `lock files remain: ${lockFiles(folders.state, folders.out).join(', ')}`);
}

/** A site whose boot image the case may damage: a copy of the rig's site with its own WIM. */
function ownSite(rig: Rig, folder: string): { catalog: string; wim: string } {
  const siteDir = join(folder, 'site');
  const source = join(rig.catalog, '..');
  cpSync(source, siteDir, { recursive: true, filter: (path) => !path.endsWith('.wim') });
  const wim = join(siteDir, 'content', 'dp01', 'PS100005', 'boot.PS100005.wim');
  copyFileSync(rig.wim, wim);
  return { catalog: join(siteDir, 'site.json'), wim };
}

const diskFullCase: FaultCase = {
  name: 'disk full during the write (3 MiB tmpfs)',
  unavailable: () => (isRoot ? undefined : 'needs root to mount a tmpfs'),
  async run(rig) {
    const tally = new Tally(this.name);
    const folders = caseFolders(rig, 'disk-full');
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=3m', 'tmpfs', folders.out]);
    try {
      for (const replace of [false, true]) {
        tally.point();
        await midWriteFault(tally, rig, folders, rig.target.destination(folders.out, 'media'), { codes: ['E_DISKFULL'], fault: () => undefined, replace });
      }
    } finally {
      execFileSync('umount', [folders.out]);
    }
    return tally.result();
  },
};

const fileSizeLimitCase: FaultCase = {
  name: 'file size limit during the write (RLIMIT_FSIZE 3 MiB)',
  unavailable: () => (process.platform === 'linux' ? undefined : 'needs prlimit'),
  async run(rig) {
    const tally = new Tally(this.name);
    const folders = caseFolders(rig, 'fsize');
    tally.point();
    // prlimit wraps the engine; node ignores SIGXFSZ, so the write fails with EFBIG.
    const limited = { ...rig, engine: ['prlimit', `--fsize=${3 << 20}`, ...rig.engine] };
    await midWriteFault(tally, limited, folders, rig.target.destination(folders.out, 'media'), { codes: ['E_DISKFULL'], fault: () => undefined });
    return tally.result();
  },
};

/** Root cannot be denied by file modes: as root the engine runs as `nobody` for this case. */
const unprivileged = isRoot ? { uid: 65534, gid: 65534 } : {};

const unwritableCase: FaultCase = {
  name: 'destination folder turns read-only',
  async run(rig) {
    const tally = new Tally(this.name);
    const folders = caseFolders(rig, 'unwritable');
    if (isRoot) for (const entry of [{ path: join(folders.out, '..') }, ...walk(join(folders.out, '..'))]) chownSync(entry.path, 65534, 65534);
    const restore = () => chmodSync(folders.out, 0o755);
    // 1: before anything is written; 2: in the middle of the write.
    tally.point();
    chmodSync(folders.out, 0o555);
    await midWriteFault(tally, rig, folders, rig.target.destination(folders.out, 'media-1'), { codes: ['E_ACCESSDENIED'], fault: () => undefined, restore, engine: unprivileged });
    tally.point();
    await midWriteFault(tally, rig, folders, rig.target.destination(folders.out, 'media-2'), { codes: ['E_ACCESSDENIED'], fault: () => chmodSync(folders.out, 0o555), restore, engine: unprivileged });
    return tally.result();
  },
};

const sourceTruncatedCase: FaultCase = {
  name: 'source WIM truncated during the write',
  async run(rig) {
    const tally = new Tally(this.name);
    const folders = caseFolders(rig, 'wim-truncated');
    const site = ownSite(rig, join(folders.out, '..'));
    tally.point();
    await midWriteFault(tally, rig, folders, rig.target.destination(folders.out, 'media'), {
      codes: ['CMTSMEDIA_E_SOURCECHANGED', 'CMTSMEDIA_E_WIMCORRUPT'],
      fault: () => truncateSync(site.wim, 4096),
      catalog: site.catalog,
    });
    return tally.result();
  },
};

const sourceDeletedCase: FaultCase = {
  name: 'source WIM deleted during the write',
  async run(rig) {
    const tally = new Tally(this.name);
    const folders = caseFolders(rig, 'wim-deleted');
    const site = ownSite(rig, join(folders.out, '..'));
    tally.point();
    // A file deleted after the engine opened it stays readable on POSIX systems, so complete,
    // correct media are an acceptable end too; a partial file never is.
    await midWriteFault(tally, rig, folders, rig.target.destination(folders.out, 'media'), {
      codes: ['E_FILENOTFOUND', 'CMTSMEDIA_E_SOURCECHANGED', 'CMTSMEDIA_E_WIMCORRUPT'],
      fault: () => unlinkSync(site.wim),
      restore: () => copyFileSync(rig.wim, site.wim),
      allowSuccess: true,
      catalog: site.catalog,
    });
    return tally.result();
  },
};

/** `count` creations at once, in one engine or one engine each; all must succeed with correct media. */
function parallelCase(processes: 'one engine' | 'one engine each'): FaultCase {
  const name = `4 creations at once, ${processes}`;
  return {
    name,
    async run(rig) {
      const tally = new Tally(name);
      const { out, state } = caseFolders(rig, `parallel-${processes.replace(/\W/g, '')}`);
      const destinations = [0, 1, 2, 3].map((i) => rig.target.destination(out, `media-${i}`));
      const engines = processes === 'one engine' ? [new EngineProcess(rig.engine, { stateDir: state })] : destinations.map(() => new EngineProcess(rig.engine, { stateDir: state }));
      try {
        destinations.forEach((d, i) => engines[i % engines.length]!.send({ id: i + 1, command: 'createBootMedia', params: createRequest(rig, d) }));
        const replies = await Promise.all(destinations.map((_, i) => engines[i % engines.length]!.reply(i + 1, 180_000)));
        const overlapped = engines.every((e) => e.lines.filter((m) => m.event === 'started').length > 0);
        for (const [i, reply] of replies.entries()) {
          tally.point();
          tally.check(Boolean(reply.result), `creation ${i + 1} failed: ${JSON.stringify(reply.error)}`);
          const wrong = rig.target.verify(destinations[i]!, rig.wim, true);
          tally.check(wrong === null, `media ${i + 1}: ${wrong}`, true);
        }
        tally.check(overlapped, 'the creations did not run at once');
      } finally {
        await Promise.all(engines.map((e) => e.stop()));
      }
      tally.check(tempFiles(out).length === 0, `temporary files remain: ${tempFiles(out).join(', ')}`);
      tally.check(lockFiles(state, out).length === 0, `lock files remain: ${lockFiles(state, out).join(', ')}`);
      return tally.result();
    },
  };
}

/**
 * Two creations to one destination: while the first writes, the second fails at once with
 * CMTSMEDIA_E_DESTINATIONBUSY and writes nothing; the first completes.
 */
function sameDestinationCase(processes: 'one engine' | 'two engines'): FaultCase {
  const name = `2 creations to one destination, ${processes}`;
  return {
    name,
    async run(rig) {
      const tally = new Tally(name);
      const { out, state } = caseFolders(rig, `same-${processes.replace(/\W/g, '')}`);
      const destination = rig.target.destination(out, 'media');
      const first = new EngineProcess(rig.engine, { stateDir: state });
      const second = processes === 'one engine' ? first : new EngineProcess(rig.engine, { stateDir: state });
      try {
        tally.point();
        first.send({ id: 1, command: 'createBootMedia', params: createRequest(rig, destination, { force: true }) });
        await until(() => tempFiles(out).length > 0);
        // Two engines: the first is stopped while the second asks (a stopped process still holds its
        // lock), so a busy machine cannot let it finish first. One engine shares one event loop.
        if (second !== first) first.kill('SIGSTOP');
        const t0 = Date.now();
        const busy = await second.request(2, 'createBootMedia', createRequest(rig, destination, { force: true }), 60_000);
        if (second === first && busy.result) {
          // One engine cannot be stopped: on a busy machine the first may finish while the second
          // prepares. Then the second must have started writing only after the first ended.
          const lines = first.lines;
          const firstEnded = lines.findIndex((m) => m.id === 1 && ('result' in m || 'error' in m));
          const secondWrote = lines.findIndex((m) => m.id === 2 && m.event === 'progress' && m.step === 5);
          tally.check(firstEnded >= 0 && secondWrote > firstEnded, 'the second creation wrote while the first was writing');
          tally.check(rig.target.verify(destination, rig.wim, true) === null, 'the destination is not complete media', true);
          tally.check(lockFiles(state, out).length === 0, `lock files remain: ${lockFiles(state, out).join(', ')}`);
          return tally.result();
        }
        tally.check(errorCode(busy) === 'CMTSMEDIA_E_DESTINATIONBUSY', `second creation: ${JSON.stringify(busy.error ?? busy.result)}, expected CMTSMEDIA_E_DESTINATIONBUSY`);
        if (rig.timings) tally.check(Date.now() - t0 < 2000, 'the second creation did not fail at once');
        tally.check(!first.lines.some((m) => m.id === 1 && ('result' in m || 'error' in m)), 'the first creation ended before the second was refused (test timing)');
        tally.check(tempFiles(out).length === 1, `expected one temporary file while the first writes, found ${tempFiles(out).length}`);
        first.kill('SIGCONT');
        const reply = await first.reply(1, 120_000);
        tally.check(Boolean(reply.result), `the first creation failed: ${JSON.stringify(reply.error)}`);
        tally.check(rig.target.verify(destination, rig.wim, true) === null, 'the destination is not the first creation\'s complete media', true);
      } finally {
        first.kill('SIGCONT');
        await first.stop();
        await second.stop();
      }
      tally.check(lockFiles(state, out).length === 0, `lock files remain: ${lockFiles(state, out).join(', ')}`);
      return tally.result();
    },
  };
}

/** Lock files left by dead processes (and torn ones) are taken over; a live owner's lock is not. */
const staleLockCase: FaultCase = {
  name: 'lock files of dead processes',
  async run(rig) {
    const tally = new Tally(this.name);
    const { out, state } = caseFolders(rig, 'stale-locks');
    const lockPath = (destination: string) => lockPathFor(destination, true);
    const owners: Array<[string, string, boolean]> = [
      ['a dead process', JSON.stringify({ pid: deadPid(), operationId: 'dead', destination: 'x', lockedAt: new Date().toISOString() }), true],
      ['a torn lock file', '{"pid":', true],
      ['an empty lock file', '', true],
      ['a live process', JSON.stringify({ pid: process.pid, operationId: 'live', destination: 'x', lockedAt: new Date().toISOString() }), false],
    ];
    for (const [i, [owner, content, takeOver]] of owners.entries()) {
      tally.point();
      const destination = rig.target.destination(out, `media-${i}`);
      writeFileSync(lockPath(destination), content);
      const reply = await createOnce(rig, state, destination);
      if (takeOver) {
        tally.check(Boolean(reply.result), `lock of ${owner} was not taken over: ${JSON.stringify(reply.error)}`);
        tally.check(!existsSync(lockPath(destination)), `lock of ${owner} remains after the creation`);
      } else {
        tally.check(errorCode(reply) === 'CMTSMEDIA_E_DESTINATIONBUSY', `lock of ${owner}: ${JSON.stringify(reply.error ?? reply.result)}, expected CMTSMEDIA_E_DESTINATIONBUSY`);
        tally.check(existsSync(lockPath(destination)) && readFileSync(lockPath(destination), 'utf8') === content, `lock of ${owner} was touched`);
        tally.check(!existsSync(destination), `${destination} was written despite the lock`, true);
        rmSync(lockPath(destination));
      }
    }
    return tally.result();
  },
};

export const crashCases: readonly FaultCase[] = [sigkillCase(false), sigkillCase(true)];
export const faultCases: readonly FaultCase[] = [diskFullCase, fileSizeLimitCase, unwritableCase, sourceTruncatedCase, sourceDeletedCase];
export const cancelCases: readonly FaultCase[] = (['cancel', 'stdin EOF', 'SIGINT', 'SIGTERM'] as const).map(cancelCase);
export const concurrencyCases: readonly FaultCase[] = [parallelCase('one engine'), parallelCase('one engine each'), sameDestinationCase('one engine'), sameDestinationCase('two engines'), staleLockCase];

/** A readable failure message for expect(). */
export function describeProblems(result: FaultResult): string {
  return `${result.fault}: ${result.survived}/${result.tried} survived, data lost ${result.dataLost}\n  ${result.problems.join('\n  ')}`;
}
