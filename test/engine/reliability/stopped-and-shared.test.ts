// Issue 15 items 6 and 7, through real engine processes (SECURITY.md "Crash safety, concurrency").
// Stopped is not dead: a creation stopped with SIGSTOP whose heartbeat is minutes old (its status
// file is aged by hand: a test cannot wait minutes) stays Running for another engine, keeps its
// temporary file through that engine's sweep, and finishes after SIGCONT.
// Locks across users: root and a second local user, made by this test, write one destination in a
// shared folder; whoever comes second gets CMTSMEDIA_E_DESTINATIONBUSY. Root only (useradd).
import { execFileSync } from 'node:child_process';
import { chmodSync, chownSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildEngine, EngineProcess, hasTool, isRoot, makeBigSite, type Message, scratchDir, statusFile, tempFiles, until } from './harness.js';
import { mediaTargets } from './targets.js';

const scratch = scratchDir('stopped-shared');
const cd = mediaTargets.find((t) => t.mediaType === 'CD')!;
let engine: string[];
let catalog: string;
let wim: string;

beforeAll(async () => {
  engine = await buildEngine(scratch.dir);
  ({ catalog, wim } = makeBigSite(scratch.dir, 96 << 20));
}, 120_000);
afterAll(() => scratch.cleanup());

const create = (destinationPath: string) => ({ mediaType: 'CD', destinationPath, bootImageId: 'PS100005', siteCatalog: catalog, force: true });

/** Starts a creation and stops its engine (SIGSTOP) once its temporary file exists: it cannot finish until SIGCONT. */
async function startStopped(e: EngineProcess, destination: string, out: string): Promise<string> {
  e.send({ id: 1, command: 'createBootMedia', params: create(destination) });
  const started = await e.waitFor((m) => m.event === 'started' || 'error' in m);
  expect(started.error).toBeUndefined();
  expect(await until(() => tempFiles(out).length > 0 || e.lines.some((m) => m.id === 1 && ('result' in m || 'error' in m)), 60_000)).toBe(true);
  e.kill('SIGSTOP');
  expect(e.lines.filter((m) => m.id === 1 && ('result' in m || 'error' in m)), 'the creation ended before it was stopped').toEqual([]);
  return started.operationId as string;
}

async function finishes(e: EngineProcess, destination: string): Promise<void> {
  e.kill('SIGCONT');
  const reply: Message = await e.reply(1, 120_000);
  expect(reply.result, JSON.stringify(reply.error)).toMatchObject({ mediaType: 'CD', bootImageId: 'PS100005' });
  expect(cd.verify(destination, wim)).toBeNull();
}

describe.runIf(hasTool('wimcapture') && cd.tools.every(hasTool))('stopped is not dead', () => {
  it('a stopped creation with a heartbeat minutes old stays Running, keeps its files through another sweep, and finishes after SIGCONT', async () => {
    const state = join(scratch.dir, 'state-stopped');
    const out = join(scratch.dir, 'out-stopped');
    mkdirSync(out, { recursive: true });
    const destination = join(out, 'stopped.iso');
    const first = new EngineProcess(engine, { stateDir: state });
    const other = new EngineProcess(engine, { stateDir: state });
    try {
      const operationId = await startStopped(first, destination, out);
      const file = join(state, 'operations', `${operationId}.json`);
      const aged = new Date(Date.now() - 10 * 60_000).toISOString();
      writeFileSync(file, JSON.stringify({ ...statusFile(state, operationId), updatedAt: aged }), { mode: 0o600 });
      expect((await other.request('s', 'getStatus', { operationId })).result?.state).toBe('Running');
      // another creation's sweep (a failing one is enough: it sweeps before it checks the site)
      await other.request('c', 'createBootMedia', { ...create(join(out, 'other.iso')), bootImageId: 'PS100099' });
      expect(tempFiles(out)).toHaveLength(1);
      expect(JSON.parse(readFileSync(file, 'utf8')).state).toBe('Running');
      await finishes(first, destination);
      expect((await other.request('t', 'getStatus', { operationId })).result?.state).toBe('Succeeded');
    } finally {
      first.kill('SIGCONT');
      await first.stop();
      await other.stop();
    }
  }, 180_000);
});

const user = 'cmtsmedia-test2';
const canAddUser = isRoot && hasTool('useradd') && hasTool('userdel');

describe.runIf(canAddUser && hasTool('wimcapture') && cd.tools.every(hasTool))('locks across users', () => {
  let uid = 0;
  beforeAll(() => {
    try {
      execFileSync('userdel', [user], { stdio: 'ignore' });
    } catch {
      // not there
    }
    execFileSync('useradd', ['--system', '--no-create-home', '--shell', '/usr/sbin/nologin', user]);
    uid = Number(execFileSync('id', ['-u', user], { encoding: 'utf8' }).trim());
  });
  afterAll(() => {
    if (uid) execFileSync('userdel', [user]);
  });

  /** A folder both users write, as /tmp is: world-writable and sticky. */
  function sharedFolder(name: string): string {
    const path = join(scratch.dir, name);
    mkdirSync(path, { recursive: true });
    chmodSync(path, 0o1777);
    return path;
  }

  /** Each user's own state folder. */
  function stateOf(name: string, owner: number): string {
    const path = join(scratch.dir, name);
    mkdirSync(path, { mode: 0o700 });
    chownSync(path, owner, owner);
    return path;
  }

  for (const [firstName, secondName] of [['root', 'the second user'], ['the second user', 'root']] as const) {
    it(`${firstName} writes, ${secondName} gets CMTSMEDIA_E_DESTINATIONBUSY for the same destination`, async () => {
      const out = sharedFolder(`out-${firstName === 'root' ? 'a' : 'b'}`);
      const destination = join(out, 'shared.iso');
      const run = (who: string, tag: string) => {
        const id = who === 'root' ? 0 : uid;
        return new EngineProcess(engine, { stateDir: stateOf(`state-${tag}-${id}`, id), ...(id ? { uid: id, gid: id } : {}) });
      };
      const tag = firstName === 'root' ? 'a' : 'b';
      const first = run(firstName, tag);
      const second = run(secondName, tag);
      try {
        await startStopped(first, destination, out);
        const reply = await second.request(2, 'createBootMedia', create(destination), 120_000);
        expect(reply.error?.code, JSON.stringify(reply.result ?? reply.error)).toBe('CMTSMEDIA_E_DESTINATIONBUSY');
        expect(reply.error?.detail).toBe(destination);
        expect(tempFiles(out)).toHaveLength(1);
        await finishes(first, destination);
        expect(existsSync(join(out, '.shared.iso.cmtsmedia-lock'))).toBe(false);
      } finally {
        first.kill('SIGCONT');
        await first.stop();
        await second.stop();
      }
    }, 180_000);
  }
});
