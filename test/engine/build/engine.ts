import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository root and the build outputs these tests check (made by `npm run build`). */
export const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
export const dist = join(root, 'dist');
export const version: string = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')).version;
export const linuxEngine = join(dist, 'bin', 'linux-x64', 'cmtsmedia-engine');
export const winEngine = join(dist, 'bin', 'win-x64', 'cmtsmedia-engine.exe');
export const nodeTarget: { version: string; packages: Record<string, string> } =
  JSON.parse(readFileSync(join(root, 'build', 'node-target.json'), 'utf8'));

/** True when `path` exists; otherwise says why the caller's tests are skipped. */
export function built(path: string): boolean {
  if (existsSync(path)) return true;
  process.stderr.write(`skipped: ${path} is missing; run npm run build (npm test always builds first)\n`);
  return false;
}

export type Line = Record<string, any>;

/**
 * Runs an engine executable: writes `requests` as JSON lines, closes stdin, and returns every
 * stdout line parsed plus stderr and the exit code. The environment is exactly `env`.
 */
export function runEngine(exe: string, requests: unknown[], env: NodeJS.ProcessEnv = {}, timeoutMs = 20_000) {
  return new Promise<{ lines: Line[]; stderr: string; code: number | null }>((resolve, reject) => {
    const child = spawn(exe, [], { stdio: ['pipe', 'pipe', 'pipe'], env: { PATH: process.env.PATH, ...env } });
    let stdout = '';
    let stderr = '';
    const timer = setTimeout(() => { child.kill('SIGKILL'); reject(new Error(`engine timed out; stdout:\n${stdout}\nstderr:\n${stderr}`)); }, timeoutMs);
    child.stdout.setEncoding('utf8').on('data', (t: string) => (stdout += t));
    child.stderr.setEncoding('utf8').on('data', (t: string) => (stderr += t));
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ lines: stdout.split('\n').filter(Boolean).map((l) => JSON.parse(l) as Line), stderr, code });
    });
    child.stdin.end(requests.map((r) => `${JSON.stringify(r)}\n`).join(''));
  });
}
