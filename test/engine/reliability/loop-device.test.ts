// UFD+FORMAT onto a disk device (a loop device standing in for a USB stick; allowLoopDevices): a
// device cannot be renamed into place, so it is written in place. A SIGKILL in the middle of the
// write leaves it simply incomplete: the writer puts the MBR down last, so the disk has no partition
// table and no half-valid file system shows up. The next run reports the killed operation
// Interrupted, and a new creation onto the same device succeeds. Root only (losetup).
import { execFileSync } from 'node:child_process';
import { existsSync, truncateSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildEngine, EngineProcess, ensureDir, hasTool, isRoot, lockFiles, makeBigSite, readSector0, scratchDir } from './harness.js';
import { lockPathFor } from '../../../engine/src/output/lock.js';
import { mediaTargets } from './targets.js';

const usable = isRoot && ['losetup', 'lsblk', 'wimcapture', 'fsck.fat', 'mdir'].every(hasTool) && (() => {
  try {
    execFileSync('losetup', ['-f'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
})();

describe.runIf(usable)('UFD+FORMAT onto a loop device, killed mid-write', () => {
  const scratch = scratchDir('loop-device');
  const ufdFormat = mediaTargets.find((t) => t.mediaType === 'UFD+FORMAT')!;
  let engine: string[] = [];
  let site = { catalog: '', wim: '' };
  let device = '';

  beforeAll(async () => {
    engine = await buildEngine(scratch.dir);
    site = makeBigSite(scratch.dir, 160 << 20);
    const backing = join(scratch.dir, 'stick.bin');
    writeFileSync(backing, '');
    truncateSync(backing, ufdFormat.existingBytes(site.wim));
    device = execFileSync('losetup', ['-f', '--show', backing], { encoding: 'utf8' }).trim();
  }, 120_000);

  afterAll(() => {
    if (device) execFileSync('losetup', ['-d', device]);
    scratch.cleanup();
  });

  it('leaves the device without a partition table; the next run reports Interrupted and writes it whole', async () => {
    const state = ensureDir(join(scratch.dir, 'state'));
    const params = { mediaType: 'UFD+FORMAT', destinationPath: device, bootImageId: 'PS100005', siteCatalog: site.catalog, allowLoopDevices: true };
    const killed = new EngineProcess(engine, { stateDir: state });
    killed.send({ id: 1, command: 'createBootMedia', params });
    const started = await killed.waitFor((m) => m.event === 'started' || 'error' in m);
    await killed.waitFor((m) => (m.event === 'progress' && m.step === 5) || 'error' in m);
    // Stopped at once, then killed: a stopped process writes nothing more, however fast the machine.
    killed.kill('SIGSTOP');
    killed.kill('SIGKILL');
    await killed.exited;
    expect(killed.lines.some((m) => m.id === 1 && ('result' in m || 'error' in m)), 'the creation ended before the kill (test timing)').toBe(false);
    expect(readSector0(device).every((b) => b === 0), 'sector 0 (the MBR) is written last, so a killed write leaves none').toBe(true);
    expect(ufdFormat.verify(device, site.wim)).not.toBeNull();

    const next = new EngineProcess(engine, { stateDir: state });
    try {
      const reply = await next.request(1, 'createBootMedia', params, 120_000);
      expect(reply.result, JSON.stringify(reply.error)).toMatchObject({ mediaType: 'UFD+FORMAT', bootImageId: 'PS100005' });
      expect((await next.request(2, 'getStatus', { operationId: started.operationId })).result?.state).toBe('Interrupted');
    } finally {
      await next.stop();
    }
    expect(ufdFormat.verify(device, site.wim, true)).toBeNull();
    expect(lockFiles(state)).toEqual([]);
    expect(existsSync(lockPathFor(device, false)), 'the device lock (output/lock.ts) is released').toBe(false);
  }, 180_000);
});
