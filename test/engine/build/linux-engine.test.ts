import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { checkDemoIso, demoIsoRequest, missingIsoTools } from './demo-iso.js';
import { built, linuxEngine, nodeTarget, root, runEngine, version } from './engine.js';

describe.skipIf(!built(linuxEngine))('linux-x64 single executable', () => {
  const scratch = mkdtempSync(join(tmpdir(), 'cmtsmedia-sea-'));
  afterAll(() => rmSync(scratch, { recursive: true, force: true }));

  // How fast it starts is measured by `npm run bench -- startup` (bench/cases/05-startup.mjs), as a
  // ratio to `node -e 0`: a timing here would fail whenever the machine is busy.
  it('prints its hello line first and answers version', async () => {
    const { lines, code } = await runEngine(linuxEngine, [{ id: 1, command: 'version' }]);
    const facts = { protocol: 1, engineVersion: version, node: `v${nodeTarget.version}`, platform: 'linux', arch: 'x64' };
    expect(lines[0]).toMatchObject({ event: 'hello', ...facts });
    expect(lines[0].pid).toBeTypeOf('number');
    expect(lines.slice(1)).toEqual([{ id: 1, result: facts }]);
    expect(code).toBe(0);
  });

  it('answers an unknown command with an error naming it', async () => {
    const { lines } = await runEngine(linuxEngine, [{ id: 'x', command: 'frobnicate' }]);
    const reply = lines.find((l) => l.id === 'x');
    expect(reply?.error).toMatchObject({ code: 'CMTSMEDIA_E_UNKNOWNCOMMAND', hresult: '0xA0040002', detail: 'frobnicate' });
    expect(reply?.error.message).toContain('frobnicate');
  });

  it('ignores NODE_OPTIONS (execArgvExtension "none")', async () => {
    // The script leaves a marker file next to itself when Node runs it.
    const script = join(scratch, 'inject.js');
    writeFileSync(script, "require('fs').writeFileSync(__filename + '.ran', '');\n");
    const env = { NODE_OPTIONS: `--require ${script}` };

    // Control: a plain node honours the same NODE_OPTIONS, so the marker proves injection.
    spawnSync(process.execPath, ['-e', ''], { env: { ...process.env, ...env } });
    expect(existsSync(`${script}.ran`)).toBe(true);
    rmSync(`${script}.ran`);

    const { lines } = await runEngine(linuxEngine, [{ id: 1, command: 'version' }], env);
    expect(lines.find((l) => l.id === 1)?.result?.engineVersion).toBe(version);
    expect(existsSync(`${script}.ran`)).toBe(false);
  });

  it.skipIf(missingIsoTools().length > 0)('creates the demo ISO, which passes the independent ISO checks (demo-iso.ts)', async () => {
    const iso = join(scratch, 'demo.iso');
    const request = demoIsoRequest(iso, join(root, 'module', 'Demo', 'site.json'));
    const { lines, code } = await runEngine(linuxEngine, [request], { CMTSMEDIA_STATE_DIR: join(scratch, 'state') }, 60_000, true);
    const reply = lines.find((l) => l.id === 1 && ('result' in l || 'error' in l));
    expect(reply?.error, JSON.stringify(lines.slice(-3))).toBeUndefined();
    expect(code).toBe(0);
    expect(reply?.result).toMatchObject({ mediaType: 'CD', destinationPath: iso, bootImageId: 'PS100005', certificateNotAfter: '2031-01-01T00:00:00.000Z' });
    checkDemoIso(iso, reply!.result);
  }, 60_000);
});
