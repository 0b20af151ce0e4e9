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
 * stdout line parsed plus stderr and the exit code. The environment is exactly `env`. With
 * `untilAnswered` stdin stays open until every request has its result or error (stdin EOF cancels
 * what still runs, so a creation needs it).
 */
export function runEngine(exe: string, requests: Array<Record<string, unknown>>, env: NodeJS.ProcessEnv = {}, timeoutMs = 20_000, untilAnswered = false) {
  return new Promise<{ lines: Line[]; stderr: string; code: number | null }>((resolve, reject) => {
    const child = spawn(exe, [], { stdio: ['pipe', 'pipe', 'pipe'], env: { PATH: process.env.PATH, ...env } });
    let stdout = '';
    let stderr = '';
    const timer = setTimeout(() => { child.kill('SIGKILL'); reject(new Error(`engine timed out; stdout:\n${stdout}\nstderr:\n${stderr}`)); }, timeoutMs);
    const waiting = new Set(requests.map((r) => r.id));
    child.stdout.setEncoding('utf8').on('data', (t: string) => {
      stdout += t;
      if (!untilAnswered) return;
      for (const line of stdout.slice(0, stdout.lastIndexOf('\n') + 1).split('\n').filter(Boolean)) {
        const message = JSON.parse(line) as Line;
        if ('result' in message || 'error' in message) waiting.delete(message.id);
      }
      if (waiting.size === 0) child.stdin.end();
    });
    child.stderr.setEncoding('utf8').on('data', (t: string) => (stderr += t));
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ lines: stdout.split('\n').filter(Boolean).map((l) => JSON.parse(l) as Line), stderr, code });
    });
    const text = requests.map((r) => `${JSON.stringify(r)}\n`).join('');
    if (untilAnswered) child.stdin.write(text);
    else child.stdin.end(text);
  });
}
