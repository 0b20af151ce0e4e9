/**
 * The reliability harness: the engine as a real child process (built from engine/src with esbuild,
 * or CMTSMEDIA_TEST_ENGINE), a boot image big enough that writing the media takes about a second,
 * and the checks every fault case shares. Used by the vitest suites in this folder and by
 * `npm run reliability` (test/reliability/run.mjs), which bundles this folder with esbuild.
 */
import { type ChildProcessWithoutNullStreams, execFileSync, spawn } from 'node:child_process';
import { createHash, randomFillSync } from 'node:crypto';
import { chmodSync, closeSync, cpSync, existsSync, mkdirSync, mkdtempSync, openSync, readdirSync, readFileSync, readSync, rmSync, statSync, truncateSync, writeFileSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export type Message = Record<string, any>;

/** The repository root, found from this file (vitest) or from the bundle's working directory (run.mjs). */
export const repoRoot = ((): string => {
  const here = dirname(fileURLToPath(import.meta.url));
  for (const candidate of [join(here, '..', '..', '..'), process.cwd()]) {
    if (existsSync(join(candidate, 'engine', 'src', 'main.ts'))) return resolve(candidate);
  }
  throw new Error('reliability harness: cannot find the repository root');
})();

export const demoWim = join(repoRoot, 'module', 'Demo', 'content', 'dp01', 'PS100005', 'boot.PS100005.wim');

export function hasTool(tool: string): boolean {
  try {
    execFileSync('which', [tool], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

export const isRoot = process.getuid?.() === 0;

/** A private scratch folder under os.tmpdir(), world-traversable so a test engine may run as another user. */
export function scratchDir(prefix: string): { dir: string; cleanup(): void } {
  const dir = mkdtempSync(join(tmpdir(), `cmts-rel-${prefix}-`));
  chmodSync(dir, 0o755);
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

/**
 * The engine under test: CMTSMEDIA_TEST_ENGINE (e.g. the SEA in dist/bin) or a fresh esbuild
 * bundle of engine/src/main.ts in `dir`. Returns the command to run.
 */
export async function buildEngine(dir: string): Promise<string[]> {
  const given = process.env.CMTSMEDIA_TEST_ENGINE;
  if (given) return given.endsWith('.cjs') || given.endsWith('.js') ? [process.execPath, given] : [given];
  const { build } = await import('esbuild');
  const outfile = join(dir, 'engine.cjs');
  await build({ entryPoints: [join(repoRoot, 'engine', 'src', 'main.ts')], bundle: true, platform: 'node', format: 'cjs', target: 'node20', outfile, logLevel: 'error' });
  chmodSync(outfile, 0o644);
  return [process.execPath, outfile];
}

export interface EngineOptions {
  stateDir: string;
  /** Extra environment; the engine otherwise gets only PATH and its state folder. */
  env?: NodeJS.ProcessEnv;
  /** Run as this user (root only): lets a test take write permission away from the engine. */
  uid?: number;
  gid?: number;
  /** Working folder (relative paths in requests resolve against it); the test's own by default. */
  cwd?: string;
}

/** One engine process on pipes. stdin stays open until close() (stdin EOF cancels). */
export class EngineProcess {
  readonly child: ChildProcessWithoutNullStreams;
  readonly lines: Message[] = [];
  stdout = '';
  stderr = '';
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  private waiters: Array<() => void> = [];

  constructor(command: string[], options: EngineOptions) {
    this.child = spawn(command[0]!, command.slice(1), {
      stdio: ['pipe', 'pipe', 'pipe'],
      ...(options.cwd ? { cwd: options.cwd } : {}),
      env: { PATH: process.env.PATH, CMTSMEDIA_STATE_DIR: options.stateDir, ...options.env },
      ...(options.uid !== undefined ? { uid: options.uid, gid: options.gid ?? options.uid } : {}),
    });
    this.child.stdin.on('error', () => undefined); // a killed engine closes the pipe under a pending write
    this.child.stdout.setEncoding('utf8').on('data', (text: string) => {
      this.stdout += text;
      const parts = this.stdout.split('\n');
      this.stdout = parts.pop()!;
      for (const line of parts) if (line) this.lines.push(parseLine(line));
      this.wake();
    });
    this.child.stderr.setEncoding('utf8').on('data', (text: string) => (this.stderr += text));
    this.exited = new Promise((done) => this.child.on('close', (code, signal) => {
      this.wake();
      done({ code, signal });
    }));
  }

  get pid(): number {
    return this.child.pid!;
  }

  get alive(): boolean {
    return this.child.exitCode === null && this.child.signalCode === null;
  }

  send(message: unknown): void {
    this.child.stdin.write(typeof message === 'string' ? message : `${JSON.stringify(message)}\n`);
  }

  close(): void {
    this.child.stdin.end();
  }

  kill(signal: NodeJS.Signals): void {
    this.child.kill(signal);
  }

  /** The first line matching `predicate`, waiting up to `timeoutMs`. */
  async waitFor(predicate: (m: Message) => boolean, timeoutMs = 30_000): Promise<Message> {
    const until = Date.now() + timeoutMs;
    for (;;) {
      const found = this.lines.find(predicate);
      if (found) return found;
      if (!this.alive && this.stdout === '') throw new Error(`engine exited; stdout lines:\n${this.transcript()}\nstderr:\n${this.stderr}`);
      const left = until - Date.now();
      if (left <= 0) throw new Error(`timed out after ${timeoutMs} ms; engine wrote:\n${this.transcript()}\nstderr:\n${this.stderr}`);
      await new Promise<void>((wake) => {
        const timer = setTimeout(wake, Math.min(left, 250));
        this.waiters.push(() => {
          clearTimeout(timer);
          wake();
        });
      });
    }
  }

  /** The one result or error line of request `id`. */
  reply(id: unknown, timeoutMs?: number): Promise<Message> {
    return this.waitFor((m) => m.id === id && ('result' in m || 'error' in m), timeoutMs);
  }

  /** Sends a request and waits for its reply. */
  async request(id: unknown, command: string, params: unknown, timeoutMs?: number): Promise<Message> {
    this.send({ id, command, params });
    return this.reply(id, timeoutMs);
  }

  /** Closes stdin and waits for the exit; SIGKILL after `timeoutMs`. */
  async stop(timeoutMs = 10_000): Promise<{ code: number | null; signal: NodeJS.Signals | null }> {
    this.close();
    const timer = setTimeout(() => this.kill('SIGKILL'), timeoutMs);
    try {
      return await this.exited;
    } finally {
      clearTimeout(timer);
    }
  }

  transcript(): string {
    return this.lines.map((l) => JSON.stringify(l).slice(0, 300)).join('\n');
  }

  private wake(): void {
    const waiters = this.waiters;
    this.waiters = [];
    for (const w of waiters) w();
  }
}

function parseLine(line: string): Message {
  try {
    return JSON.parse(line) as Message;
  } catch {
    return { unparsable: line };
  }
}

/** A pid that is certainly not running: a child that already exited. */
export function deadPid(): number {
  const out = execFileSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' });
  return Number(out);
}

/**
 * A copy of the demo site (module/Demo) whose boot image carries `bulkBytes` of random data,
 * stored uncompressed (wimcapture --compress=none) so that writing the media takes a second or
 * two: the demo boot files (wimextract of the demo WIM) plus Windows/System32/bulk.bin.
 * Returns the catalog path; the WIM is `<dir>/content/dp01/PS100005/boot.PS100005.wim`.
 */
export function makeBigSite(dir: string, bulkBytes: number): { catalog: string; wim: string } {
  const site = join(dir, 'site');
  cpSync(join(repoRoot, 'module', 'Demo'), site, { recursive: true });
  const tree = join(dir, 'wim-tree');
  execFileSync('wimextract', [demoWim, '1', '--dest-dir', tree, '--no-acls'], { stdio: 'ignore' });
  const fd = openSync(join(tree, 'Windows', 'System32', 'bulk.bin'), 'w');
  const chunk = Buffer.alloc(1 << 20);
  for (let left = bulkBytes; left > 0; left -= chunk.length) writeSync(fd, randomFillSync(chunk), 0, Math.min(left, chunk.length));
  closeSync(fd);
  const wim = join(site, 'content', 'dp01', 'PS100005', 'boot.PS100005.wim');
  rmSync(wim);
  execFileSync('wimcapture', [tree, wim, 'CmTsMedia reliability boot image', '--boot', '--compress=none', '--image-property', 'WINDOWS/ARCH=9'], { stdio: 'ignore' });
  rmSync(tree, { recursive: true, force: true });
  return { catalog: join(site, 'site.json'), wim };
}

/** Temporary files of the atomic writer (output/atomic-file.ts) in a folder. */
export function tempFiles(folder: string): string[] {
  if (!existsSync(folder)) return [];
  return readdirSync(folder).filter((n) => n.endsWith('.cmtsmedia-tmp')).map((n) => join(folder, n));
}

/** The first 512 bytes of a disk image or device (the MBR sector). */
export function readSector0(path: string): Buffer {
  const sector = Buffer.alloc(512);
  const fd = openSync(path, 'r');
  try {
    readSync(fd, sector, 0, 512, 0);
  } finally {
    closeSync(fd);
  }
  return sector;
}

/** SHA-256 of a file, read in 4 MiB pieces (media files are hundreds of MiB). */
export function sha256(path: string): string {
  const hash = createHash('sha256');
  const chunk = Buffer.alloc(4 << 20);
  const fd = openSync(path, 'r');
  try {
    for (let n; (n = readSync(fd, chunk, 0, chunk.length, null)) > 0; ) hash.update(chunk.subarray(0, n));
  } finally {
    closeSync(fd);
  }
  return hash.digest('hex');
}

/**
 * An existing destination for a replace case: 1 MiB of random bytes, then holes up to `sizeBytes`
 * (a disk image keeps its size, so it must be as big as the media need). Returns its SHA-256.
 */
export function writeExisting(path: string, sizeBytes: number): string {
  writeFileSync(path, randomFillSync(Buffer.alloc(Math.min(1 << 20, sizeBytes))));
  truncateSync(path, sizeBytes);
  return sha256(path);
}

/** Every file below `dir`, recursively, with its mode. */
export function walk(dir: string): Array<{ path: string; mode: number; isDir: boolean }> {
  const out: Array<{ path: string; mode: number; isDir: boolean }> = [];
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    const info = statSync(path);
    out.push({ path, mode: info.mode & 0o777, isDir: info.isDirectory() });
    if (info.isDirectory()) out.push(...walk(path));
  }
  return out;
}

/** The status file of an operation, read straight from the state folder. */
export function statusFile(stateDir: string, operationId: string): Message | undefined {
  const path = join(stateDir, 'operations', `${operationId}.json`);
  return existsSync(path) ? (JSON.parse(readFileSync(path, 'utf8')) as Message) : undefined;
}

/** Lock files left in the state folder, and beside the destinations in `folders` (output/lock.ts). */
export function lockFiles(stateDir: string, ...folders: string[]): string[] {
  const locks = join(stateDir, 'locks');
  const beside = folders.flatMap((folder) => (existsSync(folder) ? readdirSync(folder).filter((n) => n.includes('.cmtsmedia-lock')) : []));
  return [...(existsSync(locks) ? readdirSync(locks) : []), ...beside];
}


export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** Polls `check` every 2 ms until it returns true (or `timeoutMs` passes). */
export async function until(check: () => boolean, timeoutMs = 30_000): Promise<boolean> {
  const end = Date.now() + timeoutMs;
  while (Date.now() < end) {
    if (check()) return true;
    await sleep(2);
  }
  return check();
}

export function ensureDir(path: string): string {
  mkdirSync(path, { recursive: true });
  return path;
}
