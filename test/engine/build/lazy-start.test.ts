// Issue 18 item 4 (docs/build.md, "Start time"): the bundle answers `version` without evaluating the
// code of the other commands. A preload script records every require() the bundle makes; node-forge
// is the one module that requires the bare name 'crypto', the USB and WIM code require
// child_process and worker_threads. The start time itself is `npm run bench -- startup`.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { built, dist } from './engine.js';

const bundle = join(dist, 'engine.cjs');

describe.skipIf(!built(bundle))('the engine bundle loads a command\'s code when the command is first called', () => {
  const scratch = mkdtempSync(join(tmpdir(), 'cmtsmedia-lazy-'));
  afterAll(() => rmSync(scratch, { recursive: true, force: true }));
  const recorder = join(scratch, 'record-requires.cjs');
  writeFileSync(recorder, [
    "const Module = require('node:module');",
    'const seen = [];',
    'const original = Module.prototype.require;',
    'Module.prototype.require = function (id) { seen.push(id); return original.apply(this, arguments); };',
    "process.on('exit', () => require('node:fs').writeFileSync(process.env.CMTS_REQUIRES, JSON.stringify(seen)));",
  ].join('\n'));

  /** The modules the bundle required while it answered `request`. */
  function requiresFor(request: Record<string, unknown>): string[] {
    const out = join(scratch, `requires-${String(request.command)}.json`);
    const run = spawnSync(process.execPath, ['--require', recorder, bundle], {
      input: `${JSON.stringify({ id: 1, ...request })}\n`,
      env: { PATH: process.env.PATH, CMTS_REQUIRES: out, CMTSMEDIA_STATE_DIR: join(scratch, 'state') },
      encoding: 'utf8',
    });
    expect(run.stdout).toContain('"id":1');
    return JSON.parse(readFileSync(out, 'utf8')) as string[];
  }

  it('answers version with only path, fs and os loaded: no node-forge, crypto or child_process', () => {
    const loaded = requiresFor({ command: 'version' });
    expect([...new Set(loaded.map((id) => id.replace(/^node:/, '')))].sort()).toEqual(['fs', 'os', 'path']);
  });

  it('loads the media code, node-forge with it, for the first describeDisk', () => {
    const loaded = requiresFor({ command: 'describeDisk', params: { destinationPath: join(scratch, 'absent.img') } });
    expect(loaded).toContain('crypto');
    expect(loaded).toContain('node:child_process');
    // the manifest is hashed on the main thread (docs/performance.md "Hashing"): no worker isolate
    expect(loaded).not.toContain('node:worker_threads');
  });
});
