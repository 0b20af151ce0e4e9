// MediaType UFD (the media copied onto a mounted volume, usb/volume.ts) on a real FAT32 volume: an
// mkfs.fat image mounted with fusefat (about 25 MB/s here, so a 48 MiB boot image takes seconds),
// holding files of its owner: one the media do not contain, two they replace (bootmgr, the first
// file moved into place, and MediaLabel.txt, the last) and one in a folder they share (sources/). Stopped or failed mid-copy, a creation must "remove what
// this run added": the volume afterwards holds exactly what it held before, byte for byte, and
// fsck.fat finds it clean. Root only (FUSE mounts); every mount is undone in afterAll.
import { execFileSync, spawnSync } from 'node:child_process';
import { copyFileSync, cpSync, existsSync, mkdirSync, readdirSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seededRandom } from '../../helpers/random.js';
import { buildEngine, EngineProcess, ensureDir, hasTool, isRoot, makeBigSite, type Message, scratchDir, sha256, statusFile, until, walk } from './harness.js';

const bulkBytes = 48 << 20;
const extraFonts = 30;

/** A copy of `site` whose boot image has `extraFonts` more small boot fonts (wimupdate adds them). */
function makeFontSite(site: { catalog: string; wim: string }, folder: string): { catalog: string; wim: string } {
  cpSync(join(site.catalog, '..'), folder, { recursive: true, filter: (p) => !p.endsWith('.wim') });
  const wim = join(folder, relative(join(site.catalog, '..'), site.wim));
  copyFileSync(site.wim, wim);
  const fonts = ensureDir(join(folder, '..', 'fonts'));
  for (let i = 0; i < extraFonts; i++) writeFileSync(join(fonts, `font${i}.ttf`), Buffer.alloc(2000, i));
  execFileSync('wimupdate', [wim, '1', `--command=add ${fonts} /Windows/Boot/Fonts`], { stdio: 'ignore' });
  rmSync(fonts, { recursive: true });
  return { catalog: join(folder, 'site.json'), wim };
}
const mtoolsEnv = { ...process.env, MTOOLS_SKIP_CHECK: '1' };
const usable = isRoot && ['fusefat', 'fusermount', 'mkfs.fat', 'fsck.fat', 'mcopy', 'wimcapture', 'wimupdate'].every(hasTool);

describe.runIf(usable)('UFD onto a FAT32 volume (fusefat): stopped or failed mid-copy, the volume is as it was', () => {
  let dir = '';
  let engine: string[] = [];
  let site = { catalog: '', wim: '' };
  let fontSite = { catalog: '', wim: '' };
  const mounted: string[] = [];

  beforeAll(async () => {
    dir = scratchDir('ufd-volume').dir;
    engine = await buildEngine(dir);
    site = makeBigSite(dir, bulkBytes);
    fontSite = makeFontSite(site, join(dir, 'font-site'));
  }, 120_000);

  afterAll(() => {
    for (const mnt of mounted) {
      try {
        execFileSync('fusermount', ['-u', mnt], { stdio: 'ignore' });
      } catch {
        execFileSync('fusermount', ['-u', '-z', mnt], { stdio: 'ignore' });
      }
    }
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  /**
   * A FAT32 image of `sizeMiB` with its owner's files, mounted. `freeUnknown` sets FSI_Free_Count
   * to 0xFFFFFFFF ("unknown", fatgen103), so the engine cannot see in advance that the media do not fit.
   */
  function volume(name: string, sizeMiB: number, freeUnknown = false): { img: string; mnt: string; unmount(): void } {
    const img = join(dir, `${name}.img`);
    const mnt = ensureDir(join(dir, `mnt-${name}`));
    writeFileSync(img, '');
    truncateSync(img, sizeMiB << 20);
    execFileSync('mkfs.fat', ['-F', '32', '-n', 'OWNER', img], { stdio: 'ignore' });
    const own = ensureDir(join(dir, `own-${name}`));
    writeFileSync(join(own, 'notes.txt'), 'the owner\'s file, not part of the media\r\n');
    writeFileSync(join(own, 'bootmgr'), 'an older boot manager');
    writeFileSync(join(own, 'MediaLabel.txt'), 'label=an older medium\r\n');
    writeFileSync(join(own, 'drivers.cab'), Buffer.alloc(100_000, 7));
    execFileSync('mcopy', ['-i', img, join(own, 'notes.txt'), join(own, 'bootmgr'), join(own, 'MediaLabel.txt'), '::/'], { env: mtoolsEnv });
    execFileSync('mmd', ['-i', img, '::/sources'], { env: mtoolsEnv });
    execFileSync('mcopy', ['-i', img, join(own, 'drivers.cab'), '::/sources/'], { env: mtoolsEnv });
    if (freeUnknown) {
      // FSInfo is sector BPB_FSInfo (offset 48 of the boot sector; 1 with mkfs.fat); FSI_Free_Count at +488.
      const fsInfo = Number(execFileSync('od', ['-An', '-tu2', '-j48', '-N2', img], { encoding: 'utf8' }).trim()) * 512;
      execFileSync('dd', [`of=${img}`, 'bs=1', `seek=${fsInfo + 488}`, 'conv=notrunc', 'status=none'], { input: Buffer.from([0xff, 0xff, 0xff, 0xff]) });
    }
    execFileSync('fusefat', ['-o', `rw+,fsname=${img}`, img, mnt], { stdio: 'ignore' });
    mounted.push(mnt);
    return {
      img,
      mnt,
      unmount() {
        execFileSync('fusermount', ['-u', mnt], { stdio: 'ignore' });
        mounted.splice(mounted.indexOf(mnt), 1);
        awaitFusefatExit(img);
      },
    };
  }

  /**
   * fusermount returns when the volume is detached; fusefat then writes its last FAT sectors and
   * clears the dirty bit before it exits. fsck.fat must wait for that, or on a busy machine it reads
   * a volume fusefat is still closing ("FATs differ", "Dirty bit is set").
   */
  function awaitFusefatExit(img: string): void {
    const running = () => spawnSync('pgrep', ['-f', `fsname=${img}`]).status === 0;
    for (let waited = 0; running(); waited += 50) {
      if (waited > 60_000) throw new Error(`fusefat for ${img} did not exit within 60 s of its unmount`);
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 50);
    }
  }

  /** Every file and folder on the volume (hidden ones too), with the files' SHA-256. */
  const snapshot = (mnt: string): Record<string, string> =>
    Object.fromEntries(walk(mnt).map((e) => [relative(mnt, e.path), e.isDir ? 'folder' : sha256(e.path)]));

  /** Starts a UFD creation onto `mnt` and waits until boot.wim is being copied (its temporary file is in sources/). */
  async function startCopy(mnt: string, state: string, catalog = site.catalog): Promise<{ engine: EngineProcess; operationId: string }> {
    const e = new EngineProcess(engine, { stateDir: state });
    e.send({ id: 1, command: 'createBootMedia', params: { mediaType: 'UFD', destinationPath: mnt, bootImageId: 'PS100005', siteCatalog: catalog } });
    const started = await e.waitFor((m) => m.event === 'started' || 'error' in m);
    const ended = () => e.lines.some((m) => m.id === 1 && ('result' in m || 'error' in m));
    const copying = () => existsSync(join(mnt, 'sources')) && readdirSync(join(mnt, 'sources')).some((n) => n.endsWith('.cmtsmedia-tmp'));
    await until(() => copying() || ended(), 60_000);
    return { engine: e, operationId: started.operationId as string };
  }

  /**
   * The volume after the run: what it held before, and, unmounted, clean for fsck.fat -n. Filling
   * a volume through fusefat leaves findings of fusefat's own, the same without the engine:
   * `dd if=/dev/zero of=mnt/x bs=4M; rm mnt/x` on a fresh mkfs.fat volume leaves the dirty bit
   * and a wrong free count, and with FSI_Free_Count unknown also "Reclaimed N unused clusters".
   * Only those are tolerated, and only in the filled-up case.
   */
  function expectAsBefore(v: ReturnType<typeof volume>, before: Record<string, string>, fusefatFilledUp = false): void {
    expect(snapshot(v.mnt)).toEqual(before);
    v.unmount();
    let findings: string[] = [];
    try {
      execFileSync('fsck.fat', ['-n', v.img], { stdio: 'pipe' });
    } catch (err) {
      findings = String((err as { stdout?: Buffer }).stdout ?? err).split('\n').filter((line) => /^\S/.test(line) && !/^fsck\.fat |^Leaving filesystem unchanged|: \d+ files, /.test(line));
    }
    const fusefatOwn = /^(Dirty bit is set|Free cluster summary wrong|Reclaimed \d+ unused clusters)/;
    expect(fusefatFilledUp ? findings.filter((line) => !fusefatOwn.test(line)) : findings).toEqual([]);
  }

  for (const how of ['cancel', 'SIGINT'] as const) {
    it(`${how} during the copy: E_CANCELLED, status Canceled, the volume as it was`, async () => {
      const v = volume(`cancel-${how}`, 128);
      const state = ensureDir(join(dir, `state-cancel-${how}`));
      const before = snapshot(v.mnt);
      const { engine: e, operationId } = await startCopy(v.mnt, state);
      try {
        // How fast it stops is `npm run reliability`'s to measure (faults.ts, timings): here, that it stops.
        if (how === 'cancel') e.send({ id: 2, command: 'cancel', params: { requestId: 1 } });
        else e.kill('SIGINT');
        const reply: Message = await e.reply(1, 60_000);
        expect(reply.error?.code).toBe('E_CANCELLED');
        expect(statusFile(state, operationId)?.state).toBe('Canceled');
      } finally {
        await e.stop();
      }
      expectAsBefore(v, before);
    }, 120_000);
  }

  /**
   * SIGKILL at a random point of the copy or of the moves into place, then the next run's sweep
   * replays the killed run's undo journal. Points are events, not delays, so a faster machine
   * lands in the same phase: a progress percent of the copy, or one of the extra boot fonts (two
   * media files each, boot/fonts then efi/microsoft/boot/fonts; bootmgr, the owner's file, was
   * moved before them) appearing under its final name, with at least a quarter of them still to move.
   */
  const random = seededRandom(0x8);
  const fontPaths = ['boot', 'efi/microsoft/boot'].flatMap((folder) => Array.from({ length: extraFonts }, (_, i) => `${folder}/fonts/font${i}.ttf`));
  for (const [n, phase] of (['copy', 'moves', 'copy', 'moves'] as const).entries()) {
    const copyPercent = 10 + Math.floor(random() * 80);
    const movedFont = fontPaths[Math.floor(random() * fontPaths.length * 0.75)]!;
    it(`SIGKILL during the ${phase === 'copy' ? `copy at ${copyPercent} %` : `moves, at ${movedFont}`}: the next run reports Interrupted and puts the volume back as it was`, async () => {
      const v = volume(`sigkill-${n}`, 128);
      const state = ensureDir(join(dir, `state-sigkill-${n}`));
      const before = snapshot(v.mnt);
      const e = new EngineProcess(engine, { stateDir: state });
      e.send({ id: 1, command: 'createBootMedia', params: { mediaType: 'UFD', destinationPath: v.mnt, bootImageId: 'PS100005', siteCatalog: fontSite.catalog } });
      const { operationId } = await e.waitFor((m) => m.event === 'started');
      if (phase === 'copy') await e.waitFor((m) => m.event === 'progress' && m.step === 5 && m.percent >= copyPercent, 60_000);
      else expect(await until(() => existsSync(join(v.mnt, movedFont)), 60_000)).toBe(true);
      e.kill('SIGKILL');
      await e.exited;
      expect(e.lines.filter((m) => m.id === 1 && ('result' in m || 'error' in m))).toEqual([]);
      const next = new EngineProcess(engine, { stateDir: state });
      try {
        const elsewhere = join(ensureDir(join(dir, `sigkill-next-${n}`)), 'next.iso');
        const reply = await next.request(1, 'createBootMedia', { mediaType: 'CD', destinationPath: elsewhere, bootImageId: 'PS100005', siteCatalog: site.catalog }, 120_000);
        expect(reply.result, JSON.stringify(reply.error)).toMatchObject({ mediaType: 'CD', bootImageId: 'PS100005' });
        expect((await next.request(2, 'getStatus', { operationId })).result?.state).toBe('Interrupted');
        expect(statusFile(state, operationId)?.undo).toEqual([]);
      } finally {
        await next.stop();
      }
      expectAsBefore(v, before);
    }, 120_000);
  }

  it('the volume fills up during the copy (free space unknown in advance): a typed error, the volume as it was', async () => {
    const v = volume('full', 40, true);
    const state = ensureDir(join(dir, 'state-full'));
    const before = snapshot(v.mnt);
    const e = new EngineProcess(engine, { stateDir: state });
    try {
      const reply = await e.request(1, 'createBootMedia', { mediaType: 'UFD', destinationPath: v.mnt, bootImageId: 'PS100005', siteCatalog: site.catalog }, 120_000);
      // fusefat answers a write to a full volume with EPERM, not ENOSPC (`head -c 60M /dev/zero >
      // full/x` says "Operation not permitted"), which the engine can only report as access denied;
      // a kernel vfat mount says ENOSPC and gets PACKAGETOOLARGE. What this case proves is the cleanup.
      expect(['CREATETSMEDIA_E_PACKAGETOOLARGE', 'E_ACCESSDENIED']).toContain(reply.error?.code);
    } finally {
      await e.stop();
    }
    expectAsBefore(v, before, true);
  }, 120_000);

  it('the source WIM is truncated during the copy: a typed error, the volume as it was', async () => {
    const v = volume('truncated', 128);
    const state = ensureDir(join(dir, 'state-truncated'));
    const own = ensureDir(join(dir, 'site-truncated'));
    cpSync(join(site.catalog, '..'), own, { recursive: true, filter: (p) => !p.endsWith('.wim') });
    const wim = join(own, 'content', 'dp01', 'PS100005', 'boot.PS100005.wim');
    mkdirSync(join(wim, '..'), { recursive: true });
    copyFileSync(site.wim, wim);
    const before = snapshot(v.mnt);
    const { engine: e } = await startCopy(v.mnt, state, join(own, 'site.json'));
    try {
      truncateSync(wim, 4096);
      const reply = await e.reply(1, 60_000);
      expect(['CMTSMEDIA_E_SOURCECHANGED', 'CMTSMEDIA_E_WIMCORRUPT']).toContain(reply.error?.code);
    } finally {
      await e.stop();
    }
    expectAsBefore(v, before);
  }, 120_000);
});
