/**
 * MediaType UFD: file-system detection on images made by mkfs.fat -F 12/16/32, mkfs.exfat, mkntfs and
 * mkfs.ext4, mounted through FUSE (fusefat, ntfs-3g) or the kernel (ext4 on a loop device), and the
 * copy with its all-or-nothing semantics.
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { open } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bufferSource, treeFromPaths } from '../../../engine/src/formats/sources.js';
import type { FileSource } from '../../../engine/src/formats/tree.js';
import type { UndoJournal, UndoStep } from '../../../engine/src/ops/operations.js';
import { checkVolume, copyToUsbVolume, copyTreeToVolume, fileSystemFromBootSector, inspectVolume, probeBytes } from '../../../engine/src/usb/index.js';
import { have, isRoot, mediaTree, pattern, run, scratch, sh } from '../fat/tools.js';

const work = scratch('cmts-vol-');
const mounts: string[] = [];
const loops: string[] = [];
afterAll(() => {
  for (const m of mounts.reverse()) run('umount', [m]).status === 0 || run('fusermount', ['-u', m]);
  for (const l of loops) run('losetup', ['-d', l]);
  work.cleanup();
});

const makers: Record<string, { tools: string[]; size: string; make: (img: string) => void; want: string }> = {
  fat12: { tools: ['mkfs.fat'], size: '4M', make: (i) => sh('mkfs.fat', ['-F', '12', i]), want: 'FAT12' },
  fat16: { tools: ['mkfs.fat'], size: '40M', make: (i) => sh('mkfs.fat', ['-F', '16', i]), want: 'FAT16' },
  fat32: { tools: ['mkfs.fat'], size: '64M', make: (i) => sh('mkfs.fat', ['-F', '32', i]), want: 'FAT32' },
  exfat: { tools: ['mkfs.exfat'], size: '64M', make: (i) => sh('mkfs.exfat', [i]), want: 'exFAT' },
  ntfs: { tools: ['mkntfs'], size: '64M', make: (i) => sh('mkntfs', ['-F', '-q', '-f', i]), want: 'NTFS' },
  ext4: { tools: ['mkfs.ext4'], size: '64M', make: (i) => sh('mkfs.ext4', ['-q', '-F', i]), want: 'ext' },
};

function makeImage(kind: string): string {
  const img = join(work.dir, `${kind}.img`);
  if (!existsSync(img)) {
    sh('truncate', ['-s', makers[kind]!.size, img]);
    makers[kind]!.make(img);
  }
  return img;
}

async function head(path: string): Promise<Uint8Array> {
  const h = await open(path, 'r');
  try {
    const b = new Uint8Array(probeBytes);
    await h.read(b, 0, probeBytes, 0);
    return b;
  } finally {
    await h.close();
  }
}

describe('boot-sector detection', () => {
  for (const [kind, m] of Object.entries(makers)) {
    it.skipIf(!have(...m.tools))(`${kind} image → ${m.want}`, async () => {
      expect(fileSystemFromBootSector(await head(makeImage(kind)))).toBe(m.want);
    });
  }
  it('returns null for a blank sector', () => {
    expect(fileSystemFromBootSector(new Uint8Array(2048))).toBeNull();
  });
});

const volume = (fileSystem: 'FAT32' | 'NTFS' | 'FAT16' | 'exFAT' | 'ext', freeBytes = 2 ** 30) => ({ mountPoint: '/x', fileSystem, evidence: 'os' as const, freeBytes, clusterBytes: 4096 });

describe('checkVolume', () => {
  const { tree } = mediaTree();
  it('maps file systems to the SDK codes', () => {
    expect(() => checkVolume(volume('FAT16'), tree)).toThrow(expect.objectContaining({ code: 'CREATETSMEDIA_E_UFD_FS_FAT16', hresult: '0x8004000A' }));
    expect(() => checkVolume(volume('exFAT'), tree)).toThrow(expect.objectContaining({ code: 'CREATETSMEDIA_E_UFD_FS_UNKNOWN' }));
    expect(() => checkVolume(volume('ext'), tree)).toThrow(expect.objectContaining({ code: 'CREATETSMEDIA_E_UFD_FS_UNKNOWN' }));
    expect(() => checkVolume(volume('FAT32'), tree)).not.toThrow();
    expect(() => checkVolume(volume('NTFS'), tree)).not.toThrow();
  });
  it('refuses too little free space and a 4 GiB file on FAT32 (not on NTFS), naming the package', () => {
    expect(() => checkVolume(volume('FAT32', 4 << 20), tree, 'PS100005')).toThrow(expect.objectContaining({ code: 'CREATETSMEDIA_E_PACKAGETOOLARGE', detail: 'PS100005' }));
    const huge: FileSource = { sizeBytes: 2 ** 32, origin: 'huge', async *open() {} };
    const big = treeFromPaths([['sources/boot.wim', huge]]);
    expect(() => checkVolume(volume('FAT32', 2 ** 40), big, 'PS100005')).toThrow(expect.objectContaining({ data: expect.objectContaining({ reason: 'fat32-file-size' }) }));
    expect(() => checkVolume(volume('NTFS', 2 ** 40), big)).not.toThrow();
  });
});

describe('copyTreeToVolume and its undo journal (any folder)', () => {
  /** An in-memory journal, as Operation keeps it (ops/operations.ts). */
  function memoryJournal(): UndoJournal & { steps: UndoStep[] } {
    return {
      steps: [],
      add(steps) {
        this.steps.push(...steps);
      },
      forget(paths) {
        const gone = new Set(paths);
        this.steps = this.steps.filter((step) => !('remove' in step ? [step.remove] : [step.restore, step.to]).some((path) => gone.has(path)));
      },
    };
  }

  it('records each undo before its step and forgets them all when the copy completes or is rolled back', async () => {
    const vol = join(work.dir, 'journal-vol');
    mkdirSync(vol);
    writeFileSync(join(vol, 'bootmgr'), 'old bootmgr');
    const journal = memoryJournal();
    const seen: UndoStep[][] = [];
    // Read while its temporary file is open: the folder and every temporary file are in the journal already.
    const watching: FileSource = { sizeBytes: 3, origin: 'watching', async *open() { seen.push([...journal.steps]); yield new Uint8Array(3); } };
    const tree = treeFromPaths([['bootmgr', bufferSource(pattern(100, 1), 'a')], ['boot/fonts/a.ttf', watching]]);
    await copyTreeToVolume(tree, vol, { journal });
    const temps = seen[0]!.filter((step): step is { remove: string } => 'remove' in step && step.remove.endsWith('.cmtsmedia-tmp'));
    expect(seen[0]!.slice(0, 2)).toEqual([{ remove: join(vol, 'boot') }, { remove: join(vol, 'boot', 'fonts') }]);
    expect(temps.map((step) => dirname(step.remove))).toEqual([vol, join(vol, 'boot', 'fonts')]);
    expect(journal.steps).toEqual([]);
    expect(readdirSync(vol).sort()).toEqual(['boot', 'bootmgr']);

    const failing: FileSource = { sizeBytes: 100, origin: 'failing', async *open() { yield new Uint8Array(50); throw new Error('read error'); } };
    await expect(copyTreeToVolume(treeFromPaths([['new/x.bin', bufferSource(pattern(10, 2), 'x')], ['new/y.bin', failing]]), vol, { journal })).rejects.toMatchObject({ code: 'E_UNEXPECTED', detail: 'read error' });
    expect(journal.steps).toEqual([]);
    expect(readdirSync(vol).sort()).toEqual(['boot', 'bootmgr']);
  });
});

const canFuse = isRoot && have('fusefat', 'fusermount', 'mkfs.fat', 'mcopy');

function mountFat(kind: 'fat16' | 'fat32', name: string): { img: string; mnt: string } {
  const img = join(work.dir, `${name}.img`);
  writeFileSync(img, readFileSync(makeImage(kind)));
  const mnt = join(work.dir, `mnt-${name}`);
  mkdirSync(mnt);
  // fsname= makes mountinfo name the image, so the engine can read the volume's boot sector.
  sh('fusefat', ['-o', `rw+,fsname=${img}`, img, mnt]);
  mounts.push(mnt);
  return { img, mnt };
}
function unmount(mnt: string): void {
  sh('fusermount', ['-u', mnt]);
  mounts.splice(mounts.indexOf(mnt), 1);
}

describe.skipIf(!canFuse)('UFD onto FUSE-mounted FAT volumes', () => {
  it('FAT16 → UFD_FS_FAT16 from the boot sector, nothing written', async () => {
    const { mnt } = mountFat('fat16', 'f16');
    const info = await inspectVolume(mnt);
    expect(info).toMatchObject({ fileSystem: 'FAT16', evidence: 'boot-sector', mountPoint: mnt });
    await expect(copyToUsbVolume(mediaTree().tree, mnt)).rejects.toMatchObject({ code: 'CREATETSMEDIA_E_UFD_FS_FAT16' });
    expect(readdirSync(mnt)).toEqual([]);
    unmount(mnt);
  });

  it('FAT32: copies the tree; mtools reads back every byte; existing files are replaced', async () => {
    const { img, mnt } = mountFat('fat32', 'f32');
    writeFileSync(join(mnt, 'bootmgr'), 'old bootmgr');
    writeFileSync(join(mnt, 'unrelated.txt'), 'keep');
    const { tree, files } = mediaTree({ asciiNames: true });
    const progress: number[] = [];
    const result = await copyToUsbVolume(tree, mnt, { onProgress: (d) => progress.push(d) });
    expect(result.volume).toMatchObject({ fileSystem: 'FAT32', evidence: 'boot-sector' });
    expect(progress.at(-1)).toBe([...files.values()].reduce((n, b) => n + b.length, 0));
    unmount(mnt);
    const out = join(work.dir, 'f32-out');
    mkdirSync(out);
    sh('mcopy', ['-s', '-n', '-m', '-i', img, '::*', `${out}/`], { env: { MTOOLS_SKIP_CHECK: '1', LC_ALL: 'C.UTF-8' } });
    for (const [path, bytes] of files) expect(Buffer.compare(readFileSync(join(out, path)), bytes), path).toBe(0);
    expect(readFileSync(join(out, 'unrelated.txt'), 'utf8')).toBe('keep');
    expect(readdirSync(out).filter((n) => n.includes('cmtsmedia'))).toEqual([]);
  });

  it('a failure or a cancel removes what the run added and keeps what was there', async () => {
    const { mnt } = mountFat('fat32', 'f32-fail');
    writeFileSync(join(mnt, 'bootmgr'), 'old bootmgr');
    mkdirSync(join(mnt, 'boot'));
    const before = (): string[] => readdirSync(mnt).sort();
    const snapshot = before();
    const failing: FileSource = { sizeBytes: 100, origin: 'failing', async *open() { yield new Uint8Array(50); throw new Error('read error'); } };
    const controller = new AbortController();
    const canceling: FileSource = { sizeBytes: 100, origin: 'canceling', async *open(signal) { controller.abort(); signal?.throwIfAborted(); yield new Uint8Array(100); } };
    for (const [source, signal] of [[failing, undefined], [canceling, controller.signal]] as const) {
      const tree = treeFromPaths([
        ['bootmgr', bufferSource(pattern(1000, 1), 'a')],
        ['boot/BCD', bufferSource(pattern(1000, 2), 'b')],
        ['sources/boot.wim', bufferSource(pattern(1000, 3), 'c')],
        ['sources/zz.bin', source],
      ]);
      await expect(copyToUsbVolume(tree, mnt, signal ? { signal } : {})).rejects.toMatchObject(signal ? { code: 'E_CANCELLED' } : { code: 'E_UNEXPECTED', detail: 'read error' });
      expect(before()).toEqual(snapshot);
      expect(readdirSync(join(mnt, 'boot'))).toEqual([]);
      expect(readFileSync(join(mnt, 'bootmgr'), 'utf8')).toBe('old bootmgr');
    }
    unmount(mnt);
  });
});

describe.skipIf(!(isRoot && have('mkntfs', 'ntfs-3g', 'fusermount')))('UFD onto NTFS (ntfs-3g)', () => {
  it('is accepted from the boot sector and copied', async () => {
    const img = makeImage('ntfs');
    const mnt = join(work.dir, 'mnt-ntfs');
    mkdirSync(mnt);
    sh('ntfs-3g', [img, mnt]);
    mounts.push(mnt);
    const { tree, files } = mediaTree();
    const { volume: v } = await copyToUsbVolume(tree, mnt);
    expect(v).toMatchObject({ fileSystem: 'NTFS', evidence: 'boot-sector' });
    expect(Buffer.compare(readFileSync(join(mnt, 'sources/boot.wim')), files.get('sources/boot.wim')!)).toBe(0);
  });
});

describe.skipIf(!(isRoot && have('mkfs.ext4', 'mount')))('UFD onto ext4 (kernel mount of a loop device)', () => {
  let mnt = '';
  beforeAll(() => {
    mnt = join(work.dir, 'mnt-ext4');
    mkdirSync(mnt);
    sh('mount', ['-o', 'loop', makeImage('ext4'), mnt]);
    mounts.push(mnt);
  });
  it('→ UFD_FS_UNKNOWN', async () => {
    expect(await inspectVolume(mnt)).toMatchObject({ fileSystem: 'ext', evidence: 'boot-sector' });
    await expect(copyToUsbVolume(mediaTree().tree, mnt)).rejects.toMatchObject({ code: 'CREATETSMEDIA_E_UFD_FS_UNKNOWN', hresult: '0x8004000B' });
  });
});
