// Issue 15 item 5: a full disk under the status writer. The state folder is a small tmpfs that
// fills up while a creation writes its media elsewhere: the heartbeat's next status write fails.
// The creation must end with E_DISKFULL (0x80070070), status Failed, its temporary file removed
// and the engine still serving; never an exception from the timer, a crashed engine, status
// Running and a large temporary file behind. Root only (mount).
import { execFileSync } from 'node:child_process';
import { closeSync, existsSync, mkdirSync, openSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildEngine, EngineProcess, hasTool, isRoot, makeBigSite, type Message, scratchDir, sleep, statusFile, tempFiles, until } from './harness.js';

const scratch = scratchDir('status-full');
const state = join(scratch.dir, 'state');
let mounted = false;
let engine: string[];
let catalog: string;

beforeAll(async () => {
  if (!isRoot || !hasTool('wimcapture')) return;
  engine = await buildEngine(scratch.dir);
  ({ catalog } = makeBigSite(scratch.dir, 96 << 20));
  mkdirSync(state);
  execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=256k,mode=0700', 'cmtsmedia-state', state]);
  mounted = true;
}, 120_000);
afterAll(() => {
  if (mounted) execFileSync('umount', [state]);
  scratch.cleanup();
});

/** Writes until the file system says ENOSPC. */
function fill(path: string): void {
  const fd = openSync(path, 'w');
  const chunk = Buffer.alloc(4096, 0x55);
  try {
    for (;;) writeSync(fd, chunk);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOSPC') throw err;
  } finally {
    closeSync(fd);
  }
}

describe.runIf(isRoot && hasTool('wimcapture'))('a full disk under the status file', () => {
  it('ends the creation with E_DISKFULL, status Failed, no temporary file, the engine still serving', async () => {
    const out = join(scratch.dir, 'out');
    mkdirSync(out);
    const destination = join(out, 'media.iso');
    const e = new EngineProcess(engine, { stateDir: state });
    try {
      e.send({ id: 1, command: 'createBootMedia', params: { mediaType: 'CD', destinationPath: destination, bootImageId: 'PS100005', siteCatalog: catalog } });
      const started = await e.waitFor((m) => m.event === 'started' || 'error' in m);
      expect(await until(() => tempFiles(out).length > 0 || e.lines.some((m) => m.id === 1 && ('result' in m || 'error' in m)), 60_000)).toBe(true);
      // Stopped past a heartbeat with the state disk full: on SIGCONT the overdue heartbeat writes first.
      e.kill('SIGSTOP');
      expect(e.lines.filter((m) => m.id === 1 && ('result' in m || 'error' in m)), 'the creation ended before it was stopped').toEqual([]);
      fill(join(state, 'filler'));
      await sleep(2_100);
      e.kill('SIGCONT');
      const reply: Message = await e.reply(1, 60_000);
      expect(reply.error, JSON.stringify(reply.result)).toMatchObject({ code: 'E_DISKFULL', hresult: '0x80070070', detail: join(state, 'operations', `${started.operationId}.json`) });
      expect(statusFile(state, started.operationId)).toMatchObject({ state: 'Failed', errorCode: 'E_DISKFULL', hresult: '0x80070070' });
      expect(tempFiles(out)).toEqual([]);
      expect(existsSync(destination)).toBe(false);
      expect((await e.request(2, 'version', {})).result?.protocol).toBe(1);
      expect(e.alive).toBe(true);
      expect(e.stderr).not.toMatch(/unexpected failure|Uncaught|ENOSPC/);
    } finally {
      e.kill('SIGCONT');
      await e.stop();
    }
  }, 120_000);
});
