// "Lock files of dead processes are taken over safely" (docs/operations.md "Locks", output/lock.ts), raced for real:
// 8 contender processes (lock-contender.ts) try to take one stale lock at the same moment, round
// after round. Exactly one wins each round, and the lock file then names the winner: a live lock
// that a late contender moved aside must have been put back. The losers fail with
// CMTSMEDIA_E_DESTINATIONBUSY and leave nothing in the locks folder.
import { type ChildProcessWithoutNullStreams, spawn } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { createInterface } from 'node:readline';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { lockPathFor } from '../../../engine/src/output/lock.js';
import { deadPid, ensureDir, repoRoot, scratchDir } from './harness.js';

/** The lock of a file destination and its private files, beside it (output/lock.ts). */
const lockFilesBeside = (destination: string) => readdirSync(dirname(destination)).filter((n) => n.startsWith(`.${basename(destination)}.cmtsmedia-lock`));

const contenders = 8;
const rounds = 150;

class Contender {
  readonly child: ChildProcessWithoutNullStreams;
  private readonly answers: string[] = [];
  private waiting: ((line: string) => void) | undefined;

  constructor(script: string, stateDir: string) {
    this.child = spawn(process.execPath, [script], { stdio: ['pipe', 'pipe', 'pipe'], env: { PATH: process.env.PATH, CMTSMEDIA_STATE_DIR: stateDir } });
    createInterface({ input: this.child.stdout }).on('line', (line) => {
      if (this.waiting) {
        const wake = this.waiting;
        this.waiting = undefined;
        wake(line);
      } else this.answers.push(line);
    });
  }

  get pid(): number {
    return this.child.pid!;
  }

  ask(line: string): Promise<string> {
    this.child.stdin.write(`${line}\n`);
    const queued = this.answers.shift();
    if (queued !== undefined) return Promise.resolve(queued);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`contender ${this.pid} did not answer "${line}"`)), 10_000);
      this.waiting = (answer) => {
        clearTimeout(timer);
        resolve(answer);
      };
    });
  }
}

describe('lock takeover raced by 8 processes', () => {
  const scratch = scratchDir('lock-race');
  const state = ensureDir(join(scratch.dir, 'state'));
  const procs: Contender[] = [];

  beforeAll(async () => {
    const { build } = await import('esbuild');
    const script = join(scratch.dir, 'contender.cjs');
    await build({ entryPoints: [join(repoRoot, 'test', 'engine', 'reliability', 'lock-contender.ts')], bundle: true, platform: 'node', format: 'cjs', target: 'node20', outfile: script, logLevel: 'error' });
    for (let i = 0; i < contenders; i++) procs.push(new Contender(script, state));
  });
  afterAll(() => {
    for (const p of procs) p.child.kill('SIGKILL');
    scratch.cleanup();
  });

  it(`exactly one of ${contenders} wins a stale lock, ${rounds} rounds`, async () => {
    const destination = join(scratch.dir, 'media.iso');
    const lockPath = lockPathFor(destination, true);
    const dead = deadPid();
    // The stale lock varies: a dead owner, a torn file, an empty file.
    const staleLocks = [JSON.stringify({ pid: dead, operationId: 'dead', destination, lockedAt: new Date().toISOString() }), '{"pid":', ''];
    const problems: string[] = [];
    let contested = 0;
    for (let round = 0; round < rounds; round++) {
      writeFileSync(lockPath, staleLocks[round % staleLocks.length]!);
      const at = Date.now() + 15;
      const answers = await Promise.all(procs.map((p) => p.ask(`go\t${destination}\t${at}`)));
      const winners = procs.filter((_, i) => answers[i] === 'won');
      const others = answers.filter((a) => a !== 'won' && a !== 'CMTSMEDIA_E_DESTINATIONBUSY');
      if (winners.length !== 1) problems.push(`round ${round}: ${winners.length} winners (${answers.join(', ')})`);
      if (others.length > 0) problems.push(`round ${round}: unexpected answers ${others.join(', ')}`);
      const owner = existsSync(lockPath) ? readFileSync(lockPath, 'utf8') : '';
      if (winners.length === 1 && !owner.includes(`"pid":${winners[0]!.pid},`)) problems.push(`round ${round}: the lock file does not name the winner: ${JSON.stringify(owner)}`);
      if (answers.filter((a) => a === 'CMTSMEDIA_E_DESTINATIONBUSY').length > 0) contested++;
      await Promise.all(procs.map((p) => p.ask('release')));
      const left = lockFilesBeside(destination);
      if (left.length > 0) problems.push(`round ${round}: left in the locks folder after release: ${left.join(', ')}`);
    }
    expect(problems).toEqual([]);
    expect(contested).toBe(rounds);
  }, 120_000);

  it('clears what a contender killed mid-takeover left: its private lock copy and a dead takeover file', async () => {
    const destination = join(scratch.dir, 'killed.iso');
    const lockPath = lockPathFor(destination, true);
    const dead = JSON.stringify({ pid: deadPid(), operationId: 'dead', destination, lockedAt: new Date().toISOString() });
    for (const path of [lockPath, `${lockPath}.takeover`, `${lockPath}.${deadPid()}.new`, `${lockPath}.takeover.${deadPid()}.stale`]) writeFileSync(path, dead);
    expect(await procs[0]!.ask(`go\t${destination}\t0`)).toBe('won');
    expect(lockFilesBeside(destination)).toEqual([lockPath.slice(lockPath.lastIndexOf('/') + 1)]);
    await procs[0]!.ask('release');
    expect(lockFilesBeside(destination)).toEqual([]);
  });
});
